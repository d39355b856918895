#include "polars_redis/net/url.hpp"

#include <gtest/gtest.h>

#include <string>

#include "polars_redis/error.hpp"
#include "support/thrown_error.hpp"

namespace polars_redis::net {
namespace {

using test_support::thrown_error;

// Parses `url`, which must be rejected with a message that contains `expected` and none of
// `secrets`.
void expect_invalid(const std::string& url, const std::string& expected,
                    std::initializer_list<std::string> secrets = {}) {
  const Error error = thrown_error([&] { parse_url(url); }, "accepted: " + url);
  EXPECT_EQ(error.kind(), ErrorKind::kInvalidArgument) << url;
  const std::string message = error.what();
  EXPECT_NE(message.find(expected), std::string::npos) << "message: " << message;
  for (const std::string& secret : secrets) {
    EXPECT_EQ(message.find(secret), std::string::npos) << "leaks '" << secret << "': " << message;
  }
}

TEST(ParseUrl, DefaultsForAPlainUrl) {
  const ConnectionOptions o = parse_url("redis://example.com");
  EXPECT_EQ(o.host, "example.com");
  EXPECT_EQ(o.port, 6379);
  EXPECT_TRUE(o.unix_path.empty());
  EXPECT_TRUE(o.username.empty());
  EXPECT_TRUE(o.password.empty());
  EXPECT_EQ(o.db, 0);
  EXPECT_EQ(o.protocol, 0);
  EXPECT_TRUE(o.client_name.empty());
  EXPECT_EQ(o.connect_timeout_ms, 10000);
  EXPECT_EQ(o.socket_timeout_ms, 60000);
  EXPECT_FALSE(o.tls.enabled);
  EXPECT_TRUE(o.tls.verify_peer);
  EXPECT_TRUE(o.tls.verify_hostname);
  EXPECT_EQ(o.endpoint(), "example.com:6379");
}

TEST(ParseUrl, PortAndDbFromPath) {
  const ConnectionOptions o = parse_url("redis://127.0.0.1:6380/5");
  EXPECT_EQ(o.host, "127.0.0.1");
  EXPECT_EQ(o.port, 6380);
  EXPECT_EQ(o.db, 5);
  EXPECT_EQ(o.endpoint(), "127.0.0.1:6380");
  EXPECT_EQ(parse_url("redis://h/").db, 0);
  EXPECT_EQ(parse_url("redis://h:1/0").port, 1);
  EXPECT_EQ(parse_url("redis://h:65535").port, 65535);
}

TEST(ParseUrl, DbFromQuery) {
  EXPECT_EQ(parse_url("redis://h?db=3").db, 3);
  EXPECT_EQ(parse_url("redis://h/?db=15").db, 15);
  EXPECT_EQ(parse_url("unix:///tmp/r.sock?db=2").db, 2);
}

TEST(ParseUrl, SchemeIsCaseInsensitive) {
  EXPECT_FALSE(parse_url("REDIS://h").tls.enabled);
  EXPECT_TRUE(parse_url("Rediss://h").tls.enabled);
  EXPECT_EQ(parse_url("UNIX:///s").unix_path, "/s");
}

TEST(ParseUrl, Credentials) {
  ConnectionOptions o = parse_url("redis://alice:s3cret@h");
  EXPECT_EQ(o.username, "alice");
  EXPECT_EQ(o.password, "s3cret");
  o = parse_url("redis://:s3cret@h");
  EXPECT_TRUE(o.username.empty());
  EXPECT_EQ(o.password, "s3cret");
  o = parse_url("redis://alice:@h");
  EXPECT_EQ(o.username, "alice");
  EXPECT_TRUE(o.password.empty());
  o = parse_url("redis://@h");
  EXPECT_TRUE(o.username.empty());
  EXPECT_TRUE(o.password.empty());
  // Only the first ':' separates: the password may contain more.
  EXPECT_EQ(parse_url("redis://u:a:b@h").password, "a:b");
}

TEST(ParseUrl, PercentDecodesCredentials) {
  const ConnectionOptions o = parse_url("redis://al%69ce%40corp:p%40ss%2F%3F%23%25%3a@h:7000");
  EXPECT_EQ(o.username, "alice@corp");
  EXPECT_EQ(o.password, "p@ss/?#%:");
  EXPECT_EQ(o.host, "h");
  EXPECT_EQ(o.port, 7000);
  EXPECT_EQ(parse_url("redis://:%00%ff@h").password, std::string("\0\xff", 2));
}

TEST(ParseUrl, LastAtInTheAuthoritySeparatesCredentials) {
  // An unescaped '@' in the password is tolerated: the host starts after the last one.
  const ConnectionOptions o = parse_url("redis://u:p@ss@h:6390");
  EXPECT_EQ(o.password, "p@ss");
  EXPECT_EQ(o.host, "h");
  EXPECT_EQ(o.port, 6390);
}

TEST(ParseUrl, Ipv6Hosts) {
  ConnectionOptions o = parse_url("redis://[::1]:6380/2");
  EXPECT_EQ(o.host, "::1");
  EXPECT_EQ(o.port, 6380);
  EXPECT_EQ(o.db, 2);
  EXPECT_EQ(o.endpoint(), "[::1]:6380");
  o = parse_url("rediss://u:p@[2001:db8::7]");
  EXPECT_EQ(o.host, "2001:db8::7");
  EXPECT_EQ(o.port, 6379);
  EXPECT_EQ(o.password, "p");
  o = parse_url("redis://[fe80::1%25eth0]:1");
  EXPECT_EQ(o.host, "fe80::1%eth0");
  EXPECT_EQ(o.endpoint(), "[fe80::1%eth0]:1");
  EXPECT_EQ(parse_url("redis://[::ffff:127.0.0.1]").host, "::ffff:127.0.0.1");
}

TEST(ParseUrl, UnixSockets) {
  ConnectionOptions o = parse_url("unix:///var/run/redis/redis.sock");
  EXPECT_EQ(o.unix_path, "/var/run/redis/redis.sock");
  EXPECT_EQ(o.endpoint(), "/var/run/redis/redis.sock");
  EXPECT_FALSE(o.tls.enabled);
  o = parse_url("redis+unix:///tmp/a%20b.sock?db=1&client_name=me");
  EXPECT_EQ(o.unix_path, "/tmp/a b.sock");
  EXPECT_EQ(o.db, 1);
  EXPECT_EQ(o.client_name, "me");
  o = parse_url("unix://u:p%40w@/tmp/r.sock");
  EXPECT_EQ(o.username, "u");
  EXPECT_EQ(o.password, "p@w");
  EXPECT_EQ(o.unix_path, "/tmp/r.sock");
  // Directories may contain '@' (systemd instance names).
  EXPECT_EQ(parse_url("unix:///run/redis@a/r.sock").unix_path, "/run/redis@a/r.sock");
}

TEST(ParseUrl, Timeouts) {
  ConnectionOptions o = parse_url("redis://h?connect_timeout=2.5&socket_timeout=30");
  EXPECT_EQ(o.connect_timeout_ms, 2500);
  EXPECT_EQ(o.socket_timeout_ms, 30000);
  o = parse_url("redis://h?socket_timeout=0.0001&connect_timeout=1e-3");
  EXPECT_EQ(o.socket_timeout_ms, 1);  // rounded up, never to 0
  EXPECT_EQ(o.connect_timeout_ms, 1);
  EXPECT_EQ(parse_url("redis://h?socket_timeout=2147483").socket_timeout_ms, 2147483000);
  EXPECT_EQ(parse_url("redis://h?socket_timeout=.25").socket_timeout_ms, 250);
}

TEST(ParseUrl, ClientNameAndProtocol) {
  ConnectionOptions o = parse_url("redis://h?client_name=etl-job%3A1&protocol=2");
  EXPECT_EQ(o.client_name, "etl-job:1");
  EXPECT_EQ(o.protocol, 2);
  EXPECT_EQ(parse_url("redis://h?protocol=3").protocol, 3);
}

TEST(ParseUrl, EmptyQueryItemsAreIgnored) {
  EXPECT_EQ(parse_url("redis://h/1?&&").db, 1);
  EXPECT_EQ(parse_url("redis://h?").db, 0);
  EXPECT_EQ(parse_url("redis://h?&&protocol=3&").protocol, 3);
}

TEST(ParseUrl, TlsOptions) {
  ConnectionOptions o = parse_url(
      "rediss://h:6380?ssl_ca_certs=/etc/ca.pem&ssl_ca_path=/etc/certs&ssl_certfile=/c.pem&"
      "ssl_keyfile=/k%20ey.pem&ssl_server_name=redis.internal");
  EXPECT_TRUE(o.tls.enabled);
  EXPECT_EQ(o.tls.ca_file, "/etc/ca.pem");
  EXPECT_EQ(o.tls.ca_path, "/etc/certs");
  EXPECT_EQ(o.tls.cert_file, "/c.pem");
  EXPECT_EQ(o.tls.key_file, "/k ey.pem");
  EXPECT_EQ(o.tls.server_name, "redis.internal");
  EXPECT_TRUE(o.tls.verify_peer);
  EXPECT_TRUE(o.tls.verify_hostname);

  o = parse_url("rediss://h?ssl_cert_reqs=none");
  EXPECT_FALSE(o.tls.verify_peer);
  o = parse_url("rediss://h?ssl_cert_reqs=required&ssl_check_hostname=false");
  EXPECT_TRUE(o.tls.verify_peer);
  EXPECT_FALSE(o.tls.verify_hostname);
  o = parse_url("rediss://h?ssl_cert_reqs=none&ssl_check_hostname=false");
  EXPECT_FALSE(o.tls.verify_peer);
  EXPECT_TRUE(parse_url("rediss://h?ssl_check_hostname=true").tls.verify_hostname);
  // A combined certificate and key file.
  EXPECT_EQ(parse_url("rediss://h?ssl_certfile=/both.pem").tls.cert_file, "/both.pem");
}

TEST(ParseUrl, EndpointHasNoCredentials) {
  EXPECT_EQ(parse_url("redis://u:pw@h:1").endpoint(), "h:1");
  EXPECT_EQ(parse_url("unix://u:pw@/s").endpoint(), "/s");
}

TEST(ParseUrlErrors, SchemeAndShape) {
  expect_invalid("", "expected redis://");
  expect_invalid("localhost:6379", "expected redis://");
  expect_invalid("http://h", "unsupported scheme 'http'");
  expect_invalid("redis:/h", "expected redis://");
  expect_invalid("redis://h#frag", "fragment");
  expect_invalid("redis://", "no host");
  expect_invalid("redis://:6379", "no host");
  expect_invalid("redis:///0", "no host");
}

TEST(ParseUrlErrors, Hosts) {
  expect_invalid("redis://ex ample", "invalid host 'ex ample'");
  expect_invalid("redis://h%41", "invalid host");
  expect_invalid("redis://::1:6379", "IPv6 host must be in brackets");
  expect_invalid("redis://[::1", "unterminated '['");
  expect_invalid("redis://[::1]x", "unexpected 'x' after ']'");
  expect_invalid("redis://[nope]", "invalid IPv6 address 'nope'");
  expect_invalid("redis://[]", "invalid IPv6 address");
  expect_invalid("redis://[fe80::1%25]", "invalid IPv6 address");
  expect_invalid("redis://[fe80::1%eth0]", "invalid IPv6 address");
}

TEST(ParseUrlErrors, Ports) {
  expect_invalid("redis://h:", "invalid port ''");
  expect_invalid("redis://h:0", "invalid port '0'");
  expect_invalid("redis://h:65536", "invalid port '65536'");
  expect_invalid("redis://h:-1", "invalid port '-1'");
  expect_invalid("redis://h:+1", "invalid port");
  expect_invalid("redis://h:63x", "invalid port '63x'");
  expect_invalid("redis://[::1]:", "invalid port");
  expect_invalid("redis://h:99999999999999999999", "invalid port");
}

TEST(ParseUrlErrors, Db) {
  expect_invalid("redis://h/x", "invalid db 'x'");
  expect_invalid("redis://h/-1", "invalid db '-1'");
  expect_invalid("redis://h/1/2", "invalid db '1/2'");
  expect_invalid("redis://h/2147483648", "invalid db");
  expect_invalid("redis://h?db=", "invalid db ''");
  expect_invalid("redis://h?db=a", "invalid db 'a'");
  expect_invalid("redis://h/1?db=1", "db is given both");
}

TEST(ParseUrlErrors, Unix) {
  expect_invalid("unix://", "no socket path");
  expect_invalid("unix://host/path", "has no host");
  expect_invalid("unix://:pw@host/path", "has no host", {"pw"});
  expect_invalid("unix:///p%zz", "malformed percent-encoding in the socket path");
  expect_invalid("unix:///s?ssl_ca_certs=/ca", "needs a rediss:// URL");
}

TEST(ParseUrlErrors, Options) {
  expect_invalid("redis://h?foo=1", "unknown option 'foo'");
  expect_invalid("redis://h?ssl_foo=1", "unknown option 'ssl_foo'");
  expect_invalid("redis://h?DB=1", "unknown option 'DB'");
  expect_invalid("redis://h?db", "option 'db' has no '=value'");
  expect_invalid("redis://h?db=1&db=2", "option 'db' is given twice");
  expect_invalid("redis://h?client_name=a%zz", "malformed percent-encoding");
  expect_invalid("redis://h?client_name=a%20b", "client_name may only contain");
  expect_invalid("redis://h?client_name=%0a", "client_name may only contain");
  expect_invalid("redis://h?protocol=1", "protocol must be 2 or 3, not '1'");
  expect_invalid("redis://h?protocol=", "protocol must be 2 or 3");
  expect_invalid("redis://h?protocol=33", "protocol must be 2 or 3");
}

TEST(ParseUrlErrors, Timeouts) {
  for (const char* value : {"0", "0.0", "-1", "", "abc", "1s", "nan", "inf", "-inf", "1e400",
                            "2147484", " 1", "0x10"}) {
    expect_invalid(std::string("redis://h?socket_timeout=") + value,
                   "socket_timeout must be a number of seconds > 0");
    expect_invalid(std::string("redis://h?connect_timeout=") + value,
                   "connect_timeout must be a number of seconds > 0");
  }
}

TEST(ParseUrlErrors, TlsOptions) {
  for (const char* name : {"ssl_ca_certs", "ssl_ca_path", "ssl_certfile", "ssl_keyfile",
                           "ssl_cert_reqs", "ssl_check_hostname", "ssl_server_name"}) {
    expect_invalid(std::string("redis://h?") + name + "=x", "needs a rediss:// URL");
  }
  expect_invalid("rediss://h?ssl_ca_certs=", "option 'ssl_ca_certs' is empty");
  expect_invalid("rediss://h?ssl_cert_reqs=optional", "ssl_cert_reqs must be 'required' or 'none'");
  expect_invalid("rediss://h?ssl_check_hostname=yes",
                 "ssl_check_hostname must be 'true' or 'false'");
  expect_invalid("rediss://h?ssl_keyfile=/k.pem", "ssl_keyfile needs ssl_certfile");
  expect_invalid("rediss://h?ssl_cert_reqs=none&ssl_check_hostname=true",
                 "ssl_check_hostname=true needs certificate verification");
}

TEST(ParseUrlErrors, NeverShowThePassword) {
  const std::string secret = "Tr0ub4dor";
  // Every kind of mistake after valid credentials.
  for (const std::string tail :
       {"h:x", "h/x", "h?foo=1", "h?socket_timeout=0", "ex ample", "[zz]", "h#f", "h?db=1&db=1"}) {
    expect_invalid("redis://alice:" + secret + "@" + tail, "", {secret});
  }
  // Percent-encoded: neither the written nor the decoded form may appear.
  expect_invalid("redis://alice:Tr0ub%34dor@h:x", "invalid port", {"Tr0ub%34dor", secret});
  // Malformed escapes in the credentials.
  expect_invalid("redis://alice:Tr0ub%zzdor@h", "malformed percent-encoding in the password",
                 {"Tr0ub%zzdor", "Tr0ub"});
  expect_invalid("redis://al%zz:Tr0ub4dor@h", "malformed percent-encoding in the user name",
                 {secret});
  // No ':' before the '@': the single word may be a password.
  expect_invalid("redis://Tr0ub4dor@h", "has no ':'", {secret});
}

TEST(ParseUrlErrors, PasswordTextEchoedElsewhereIsMasked) {
  // The password also occurs as an option name: the message must still not show it.
  expect_invalid("redis://:Tr0ub4dor@h?Tr0ub4dor=1", "unknown option '***'", {"Tr0ub4dor"});
  // Also when it would be shown escaped.
  expect_invalid("redis://:\x01Tr0ub4dor@h?\x01Tr0ub4dor=1", "unknown option", {"Tr0ub4dor"});
  // A password made of '*' is masked with another character.
  expect_invalid("redis://:***@h?***=1", "unknown option", {"***"});
}

TEST(ParseUrlErrors, UnescapedDelimitersInPasswordsStayHidden) {
  // Passwords with an unescaped '/' or '?' split the URL inside them; no part of them may be
  // shown as a "host", "port", "db" or option.
  expect_invalid("redis://:pA/sS@h", "no host", {"pA", "sS"});
  expect_invalid("redis://u:pA/sS1@h", "invalid port", {"pA", "sS1"});
  expect_invalid("redis://u:p@sS/X1@h", "invalid db", {"sS/X1", "X1"});
  expect_invalid("redis://u:p@sS?Xq=v@h", "not shown", {"Xq"});
  expect_invalid("redis://u:pA?sSw@h", "invalid port", {"pA", "sSw"});
}

TEST(RedactUrl, HidesOnlyThePassword) {
  EXPECT_EQ(redact_url("redis://alice:s3cret@h:6379/0"), "redis://alice:***@h:6379/0");
  EXPECT_EQ(redact_url("redis://:s3cret@h"), "redis://:***@h");
  EXPECT_EQ(redact_url("rediss://u:p%40ss@[::1]:1?ssl_cert_reqs=none"),
            "rediss://u:***@[::1]:1?ssl_cert_reqs=none");
  EXPECT_EQ(redact_url("redis://u:p@ss@h"), "redis://u:***@h");
  EXPECT_EQ(redact_url("unix://:pw@/tmp/s"), "unix://:***@/tmp/s");
  // A lone word before '@' may be a password.
  EXPECT_EQ(redact_url("redis://s3cret@h"), "redis://***@h");
}

TEST(RedactUrl, LeavesUrlsWithoutCredentials) {
  EXPECT_EQ(redact_url("redis://h:6379/1?db=2"), "redis://h:6379/1?db=2");
  EXPECT_EQ(redact_url("unix:///tmp/s"), "unix:///tmp/s");
  EXPECT_EQ(redact_url(""), "");
}

TEST(RedactUrl, HidesEverythingUpToAnAtAfterTheHost) {
  // A password with an unescaped '/' or '?' reaches past where the host seems to end.
  EXPECT_EQ(redact_url("redis://:pa/ss@h/0"), "redis://***@h/0");
  EXPECT_EQ(redact_url("redis://u:pa?ss@h"), "redis://***@h");
  EXPECT_EQ(redact_url("pa:ss@h"), "***@h");
}

TEST(ParseUrl, QueryCredentialsAsRedisPyAcceptsThem) {
  const ConnectionOptions o = parse_url("redis://h:1/2?password=p%40ss%26w&username=al%20ice");
  EXPECT_EQ(o.password, "p@ss&w");
  EXPECT_EQ(o.username, "al ice");
  EXPECT_EQ(parse_url("redis://h?password=").password, "");
}

TEST(ParseUrlErrors, QueryPasswordsNeverShow) {
  const std::string secret = "Tr0ub4dor";
  expect_invalid("redis://:x@h?password=" + secret, "given both before '@' and as ?password=", {secret});
  expect_invalid("redis://h?password=" + secret + "&password=" + secret, "given twice", {secret});
  for (const std::string tail : {"&db=x", "&unknown=1", "&socket_timeout=0", "#frag", "&protocol=9"}) {
    expect_invalid("redis://h:1/0?password=" + secret + tail, "", {secret});
    expect_invalid("redis://h:1/0?password=Tr0ub%34dor" + tail, "", {"Tr0ub%34dor", secret});
    expect_invalid("redis://h:1/0?password=Tr@ub4dor" + tail, "", {"Tr@ub4dor", "ub4dor"});
  }
}

TEST(RedactUrl, HidesQueryPasswords) {
  EXPECT_EQ(redact_url("redis://h:1/0?db=1&password=s3cret&protocol=3"),
            "redis://h:1/0?db=1&password=***&protocol=3");
  EXPECT_EQ(redact_url("redis://u:pw@h?PassWord=s3cret"), "redis://u:***@h?PassWord=***");
  // An '@' in the value could be the end of the user info: only the scheme is left.
  EXPECT_EQ(redact_url("redis://h/0?password=p@ss"), "redis://***");
  EXPECT_EQ(url_secrets("redis://u:a%40b@h?password=c%26d"),
            (std::vector<std::string>{"c%26d", "c&d", "a%40b", "a@b"}));
}

TEST(ParseUrl, ShardSlotsSelectAPartition) {
  EXPECT_TRUE(parse_url("redis://h").shard_slots.empty());
  EXPECT_EQ(parse_url("redis+cluster://h?shard_slots=10923-16383,0-1").shard_slots,
            (SlotRanges{{0, 1}, {10923, 16383}}));
  EXPECT_EQ(parse_url("redis+cluster://h?shard_slots=0-10%2C11").shard_slots, (SlotRanges{{0, 11}}));
  expect_invalid("redis+cluster://:sEcr3t@h?shard_slots=9-3", "shard_slots", {"sEcr3t"});
  expect_invalid("redis+cluster://h?shard_slots=", "shard_slots");
  expect_invalid("redis+cluster://h?shard_slots=0-16384", "shard_slots");
}

}  // namespace
}  // namespace polars_redis::net
