#include "polars_redis/net/redirect.hpp"

#include <gtest/gtest.h>

namespace polars_redis::net {
namespace {

TEST(Redirect, MovedAndAsk) {
  EXPECT_EQ(parse_redirect("MOVED 3999 127.0.0.1:6381"), (Redirect{RedirectKind::kMoved, 3999, "127.0.0.1", 6381}));
  EXPECT_EQ(parse_redirect("ASK 0 redis-2.example:7000"), (Redirect{RedirectKind::kAsk, 0, "redis-2.example", 7000}));
  EXPECT_EQ(parse_redirect("MOVED 16383 10.0.0.1:1"), (Redirect{RedirectKind::kMoved, 16383, "10.0.0.1", 1}));
}

TEST(Redirect, Ipv6WithAndWithoutBrackets) {
  // Redis prints an IPv6 address without brackets: the port follows the last colon.
  EXPECT_EQ(parse_redirect("MOVED 12 ::1:6381"), (Redirect{RedirectKind::kMoved, 12, "::1", 6381}));
  EXPECT_EQ(parse_redirect("ASK 12 [fe80::1]:6381"), (Redirect{RedirectKind::kAsk, 12, "fe80::1", 6381}));
}

TEST(Redirect, UnknownEndpointKeepsTheHostEmpty) {
  // cluster-preferred-endpoint-type unknown-endpoint: "?" means the host that answered.
  EXPECT_EQ(parse_redirect("MOVED 5 ?:7001"), (Redirect{RedirectKind::kMoved, 5, "", 7001}));
  EXPECT_EQ(parse_redirect("ASK 5 :7001"), (Redirect{RedirectKind::kAsk, 5, "", 7001}));
}

TEST(Redirect, TryAgain) {
  EXPECT_EQ(parse_redirect("TRYAGAIN Multiple keys request during rehashing of slot"),
            (Redirect{RedirectKind::kTryAgain, -1, "", 0}));
  EXPECT_EQ(parse_redirect("TRYAGAIN"), (Redirect{RedirectKind::kTryAgain, -1, "", 0}));
  EXPECT_EQ(parse_redirect("TRYAGAINX"), std::nullopt);
}

TEST(Redirect, OtherErrorsAndMalformedRedirectsAreNotRedirects) {
  for (const char* message : {"ERR unknown command", "WRONGTYPE Operation against a key",
                              "EXECABORT Transaction discarded",
                              "CLUSTERDOWN Hash slot not served", "MOVED", "MOVED 3999", "MOVED 3999 127.0.0.1",
                              "MOVED x 127.0.0.1:6381", "MOVED 16384 127.0.0.1:6381", "MOVED -1 127.0.0.1:6381",
                              "ASK 1 127.0.0.1:", "ASK 1 127.0.0.1:0", "ASK 1 127.0.0.1:70000", "ASK 1 127.0.0.1:6381x",
                              "moved 1 127.0.0.1:6381", ""}) {
    EXPECT_EQ(parse_redirect(message), std::nullopt) << message;
  }
}

TEST(Redirect, KindNames) {
  EXPECT_STREQ(redirect_kind_name(RedirectKind::kMoved), "MOVED");
  EXPECT_STREQ(redirect_kind_name(RedirectKind::kAsk), "ASK");
  EXPECT_STREQ(redirect_kind_name(RedirectKind::kTryAgain), "TRYAGAIN");
}

}  // namespace
}  // namespace polars_redis::net
