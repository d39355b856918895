#include "polars_redis/net/node_routing.hpp"

#include <gtest/gtest.h>

#include <string>

#include "polars_redis/error.hpp"
#include "polars_redis/net/sentinel.hpp"
#include "polars_redis/net/url.hpp"
#include "support/thrown_error.hpp"

namespace polars_redis::net {
namespace {

using test_support::thrown_error;

std::string bulk(const std::string& s) { return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n"; }

std::string endpoints(const std::vector<NodeAddress>& nodes) {
  std::string out;
  for (const NodeAddress& node : nodes) out += node.endpoint() + " ";
  return out;
}

TEST(InfoReplicas, KeepsOnlineReplicasInOrder) {
  const std::string info =
      "# Replication\r\nrole:master\r\nconnected_slaves:3\r\n"
      "slave0:ip=10.0.0.2,port=6380,state=online,offset=100,lag=0\r\n"
      "slave1:ip=10.0.0.3,port=6381,state=wait_bgsave,offset=0,lag=0\r\n"
      "slave2:ip=::1,port=6382,state=online,offset=100,lag=1\r\n"
      "slave_read_only:1\r\nmaster_repl_offset:100\r\n";
  EXPECT_EQ(endpoints(parse_info_replicas(info)), "10.0.0.2:6380 [::1]:6382 ");
  EXPECT_TRUE(parse_info_replicas("# Replication\r\nrole:master\r\nconnected_slaves:0\r\n").empty());
  EXPECT_TRUE(parse_info_replicas("slave0:ip=10.0.0.2,port=99999,state=online\r\n").empty());
}

// One SENTINEL REPLICAS entry, RESP2 (flat array) or RESP3 (map).
std::string replica(bool resp3, const std::string& ip, const std::string& port, const std::string& flags,
                    const std::string& link) {
  std::string out = resp3 ? "%4\r\n" : "*8\r\n";
  return out + bulk("ip") + bulk(ip) + bulk("port") + bulk(port) + bulk("flags") + bulk(flags) +
         bulk("master-link-status") + bulk(link);
}

TEST(SentinelReplicas, KeepsHealthyOnesInBothProtocols) {
  for (bool resp3 : {false, true}) {
    const std::string bytes = "*4\r\n" + replica(resp3, "10.0.0.2", "6380", "slave", "ok") +
                              replica(resp3, "10.0.0.3", "6381", "s_down,slave", "ok") +
                              replica(resp3, "10.0.0.4", "6382", "slave,disconnected", "err") +
                              replica(resp3, "10.0.0.5", "6383", "slave", "ok");
    resp::ReplyParser parser;
    ASSERT_EQ(parser.feed(bytes.data(), bytes.size()), resp::ReplyParser::Status::kComplete);
    EXPECT_EQ(endpoints(parse_sentinel_replicas(parser.reply(bytes.data()).root())), "10.0.0.2:6380 10.0.0.5:6383 ");
  }
}

TEST(SentinelUrl, ParsesHostsMasterDbAndCredentials) {
  const ConnectionOptions options =
      parse_url("rediss+sentinel://u:p%40ss@s1:26380,s2,[::1]:26381/my%20master/2?sentinel_password=sp&read_from=replica&socket_timeout=3");
  EXPECT_TRUE(options.tls.enabled);
  EXPECT_EQ(options.username, "u");
  EXPECT_EQ(options.password, "p@ss");
  EXPECT_EQ(options.db, 2);
  EXPECT_EQ(options.socket_timeout_ms, 3000);
  EXPECT_EQ(options.sentinel.master_name, "my master");
  EXPECT_EQ(endpoints(options.sentinel.sentinels), "s1:26380 s2:26379 [::1]:26381 ");
  EXPECT_EQ(options.sentinel.password, "sp");
  EXPECT_EQ(options.read_from, ReadFrom::kReplica);
  EXPECT_TRUE(is_routed(options));
  // Writes still need the Sentinels, but for the primary.
  EXPECT_EQ(for_writes(options).read_from, ReadFrom::kPrimary);
  EXPECT_TRUE(is_routed(for_writes(options)));
}

TEST(SentinelUrl, ReadFromOnOtherSchemes) {
  EXPECT_FALSE(is_routed(parse_url("redis://h:6379")));
  const ConnectionOptions standalone = parse_url("redis://h?read_from=prefer_replica&replicas=r1:7000,r2");
  EXPECT_EQ(standalone.read_from, ReadFrom::kPreferReplica);
  EXPECT_EQ(endpoints(standalone.replicas), "r1:7000 r2:6379 ");
  EXPECT_FALSE(is_routed(for_writes(standalone)));
  // The cluster option and read_from mean the same for a cluster.
  EXPECT_TRUE(parse_url("redis+cluster://h?read_from=replica").read_from_replicas);
  EXPECT_FALSE(is_routed(parse_url("redis+cluster://h?read_from=replica")));
  EXPECT_EQ(parse_url("redis://h?read_from_replicas=true").read_from, ReadFrom::kPreferReplica);
}

TEST(SentinelUrl, RejectsWhatItCannotUseWithoutShowingPasswords) {
  for (const char* url : {"redis+sentinel://:pw@s1,s2", "redis+sentinel://:pw@s1/m/0/x", "redis+sentinel://:pw@s1,/m",
                          "redis://:pw@h?read_from=secondary", "redis://:pw@h?sentinel_password=sp",
                          "redis+sentinel://:pw@s1/m?replicas=r1", "redis://:pw@h?read_from=replica&read_from_replicas=true",
                          "redis+sentinel://:pw@s1/m?sentinel_password=sp&sentinel_password=sp"}) {
    const Error error = thrown_error([&] { parse_url(url); }, url);
    EXPECT_EQ(error.kind(), ErrorKind::kInvalidArgument);
    const std::string message = error.what();
    EXPECT_EQ(message.find("pw"), std::string::npos) << message;
    EXPECT_EQ(message.find("=sp"), std::string::npos) << message;
  }
  // A password equal to text the message quotes elsewhere (the user name, a read_from value) is
  // scrubbed there too: the routing errors go through the same scrubbing as the parser's.
  for (const char* url : {"redis+sentinel://secret:secret@s1", "redis://u:bogus@h?read_from=bogus"}) {
    const std::string message = thrown_error([&] { parse_url(url); }, url).what();
    EXPECT_EQ(message.find("secret"), std::string::npos) << message;
    EXPECT_EQ(message.find("bogus"), std::string::npos) << message;
  }
  EXPECT_EQ(redact_url("redis+sentinel://:pw@s1/m?sentinel_password=sp&db=1"),
            "redis+sentinel://:***@s1/m?sentinel_password=***&db=1");
}

}  // namespace
}  // namespace polars_redis::net
