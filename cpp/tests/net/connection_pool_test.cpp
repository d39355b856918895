// Pool keys and the command counting that decides whether a connection may go back to its pool.
#include <gtest/gtest.h>

#include <string>

#include "polars_redis/error.hpp"
#include "polars_redis/net/connection.hpp"
#include "polars_redis/net/connection_pool.hpp"
#include "polars_redis/net/url.hpp"
#include "polars_redis/resp/encoder.hpp"
#include "support/thrown_error.hpp"

namespace polars_redis::net {
namespace {

using test_support::thrown_error;

TEST(PoolKey, SameUrlSameKey) {
  EXPECT_EQ(pool_key(parse_url("redis://:pw@h:1/2")), pool_key(parse_url("redis://:pw@h:1/2")));
}

TEST(PoolKey, PoolSettingsAndSchedulingDoNotSplitThePool) {
  const std::string base = pool_key(parse_url("redis://h:1"));
  EXPECT_EQ(base, pool_key(parse_url("redis://h:1?pool_size=3&pool_idle_timeout=5&retries=4&parallel=2")));
}

// Each of `variants` differs from `base` in a setting that needs a session of its own: a pool of
// its own.
void expect_own_pools(const char* base, std::initializer_list<const char*> variants) {
  const std::string base_key = pool_key(parse_url(base));
  for (const char* url : variants) EXPECT_NE(base_key, pool_key(parse_url(url))) << url;
}

TEST(PoolKey, EverySessionFieldSplitsThePool) {
  expect_own_pools("redis://u:pw@h:1/0", {
      "redis://u:pw@other:1/0",           "redis://u:pw@h:2/0",
      "redis://v:pw@h:1/0",               "redis://u:pw2@h:1/0",
      "redis://u:pw@h:1/1",               "redis://u:pw@h:1/0?protocol=2",
      "redis://u:pw@h:1/0?client_name=x", "redis://u:pw@h:1/0?connect_timeout=3",
      "redis://u:pw@h:1/0?socket_timeout=3", "redis://u:pw@h:1/0?pool=mine",
      "rediss://u:pw@h:1/0",              "unix:///tmp/redis.sock",
  });
}

TEST(PoolKey, ReadOnlySessionsHaveTheirOwnPool) {
  ConnectionOptions replica = parse_url("redis://h:1");
  replica.readonly = true;
  EXPECT_NE(pool_key(parse_url("redis://h:1")), pool_key(replica));
}

TEST(PoolKey, TlsSettingsSplitThePool) {
  expect_own_pools("rediss://h:1", {
      "rediss://h:1?ssl_cert_reqs=none",       "rediss://h:1?ssl_check_hostname=false",
      "rediss://h:1?ssl_ca_certs=/ca.pem",     "rediss://h:1?ssl_ca_path=/cas",
      "rediss://h:1?ssl_certfile=/c.pem",      "rediss://h:1?ssl_server_name=other",
  });
}

TEST(PoolKey, FieldBoundariesCannotCollide) {
  // Without length prefixes "ab"+"c" and "a"+"bc" would give the same key.
  ConnectionOptions first;
  first.username = "ab";
  first.password = "c";
  ConnectionOptions second;
  second.username = "a";
  second.password = "bc";
  EXPECT_NE(pool_key(first), pool_key(second));
}

TEST(CountCommands, CountsCompleteCommandsOnly) {
  std::string out;
  resp::append_command(out, {"SET", "k", "v"});
  resp::append_command(out, {"GET", "k"});
  size_t pos = 0;
  EXPECT_EQ(count_commands(out, pos), 2u);
  EXPECT_EQ(pos, out.size());
  EXPECT_EQ(count_commands(out, pos), 0u);
}

TEST(CountCommands, BinaryArgumentsThatLookLikeRespAreSkipped) {
  std::string out;
  resp::append_command(out, {"SET", "k", "*3\r\n$1\r\n*\r\n$5\r\n"});
  size_t pos = 0;
  EXPECT_EQ(count_commands(out, pos), 1u);
  EXPECT_EQ(pos, out.size());
}

TEST(CountCommands, PartialCommandWaitsAtEveryCut) {
  std::string whole;
  resp::append_command(whole, {"HSET", "key", "field", "a longer value"});
  const size_t first_end = whole.size();
  resp::append_command(whole, {"PING"});
  for (size_t cut = 0; cut < whole.size(); ++cut) {
    size_t pos = 0;
    const size_t counted = count_commands(std::string_view(whole).substr(0, cut), pos);
    EXPECT_EQ(counted, cut >= first_end ? 1u : 0u) << cut;
    EXPECT_EQ(pos, cut >= first_end ? first_end : 0u) << cut;
    // Appending the rest completes the count from where it stopped.
    EXPECT_EQ(counted + count_commands(whole, pos), 2u) << cut;
    EXPECT_EQ(pos, whole.size());
  }
}

TEST(CountCommands, EmptyArgumentsAndIncrementalWriters) {
  std::string out;
  resp::CommandWriter(out, 3).arg("HMGET").arg("").arg(int64_t{42});
  resp::ArgumentList args;
  args.arg("RPUSH").arg("list").arg("");
  args.append_command_to(out);
  size_t pos = 0;
  EXPECT_EQ(count_commands(out, pos), 2u);
}

TEST(PooledConnection, EmptyHandle) {
  PooledConnection handle;
  EXPECT_FALSE(handle);
  handle.discard();  // no-ops on an empty handle
  handle.release();
  EXPECT_FALSE(handle);
}

TEST(PoolStats, UnknownPoolIsEmpty) {
  const PoolStats stats = pool_stats(parse_url("redis://never-used.invalid:1?pool=unit-test"));
  EXPECT_EQ(stats.open, 0);
  EXPECT_EQ(stats.idle, 0);
  EXPECT_EQ(stats.created, 0);
  EXPECT_EQ(stats.reused, 0);
}

TEST(UrlOptions, PoolAndSchedulingOptionsParse) {
  const ConnectionOptions options =
      parse_url("redis://h?pool=p1&pool_size=0&pool_idle_timeout=1.5&retries=0&parallel=4");
  EXPECT_EQ(options.pool, "p1");
  EXPECT_EQ(options.pool_size, 0);
  EXPECT_EQ(options.pool_idle_timeout_ms, 1500);
  EXPECT_EQ(options.retries, 0);
  EXPECT_EQ(options.parallel, 4);
  const ConnectionOptions defaults = parse_url("redis://h");
  EXPECT_EQ(defaults.pool, "");
  EXPECT_EQ(defaults.pool_size, 8);
  EXPECT_EQ(defaults.pool_idle_timeout_ms, 60000);
  EXPECT_EQ(defaults.retries, 1);
  EXPECT_EQ(defaults.parallel, 1);
}

TEST(UrlOptions, BadValuesNameTheOptionAndHideThePassword) {
  const char* bad[] = {"parallel=0", "parallel=x", "retries=-1", "pool_size=1.5", "pool_idle_timeout=0",
                       "pool=a%20b"};
  for (const char* query : bad) {
    const std::string url = std::string("redis://:s3cret@h?") + query;
    const std::string message = thrown_error([&] { parse_url(url); }, query).what();
    const std::string name(query, std::string_view(query).find('='));
    EXPECT_NE(message.find(name), std::string::npos) << message;
    EXPECT_EQ(message.find("s3cret"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace polars_redis::net
