#include "polars_redis/read/expansion_check.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "polars_redis/error.hpp"
#include "support/parsed_reply.hpp"
#include "support/thrown_error.hpp"

namespace polars_redis::read {
namespace {

using test_support::thrown_error;
using test_support::ParsedReply;

const SearchCommand kWhat{"FT.AGGREGATE", "idx", "@f:ab*"};

TEST(ExpansionCheck, QueriesThatMayExpandTerms) {
  EXPECT_TRUE(query_may_expand("@f:ab*"));
  EXPECT_TRUE(query_may_expand("@t:{pre*}"));
  EXPECT_TRUE(query_may_expand("@f:%abc%"));
  EXPECT_TRUE(query_may_expand("@f:*suffix"));
  EXPECT_FALSE(query_may_expand("*"));
  EXPECT_FALSE(query_may_expand("  *  "));
  EXPECT_FALSE(query_may_expand("@age:[10 +inf]"));
  EXPECT_FALSE(query_may_expand("@city:{Oslo}"));
}

TEST(ExpansionCheck, ProfileCommand) {
  std::string out;
  append_expansion_check(out, "idx", "@f:$p*", {{"p", "ab"}}, 2);
  EXPECT_EQ(out,
            "*15\r\n$10\r\nFT.PROFILE\r\n$3\r\nidx\r\n$9\r\nAGGREGATE\r\n$7\r\nLIMITED\r\n$5\r\nQUERY\r\n"
            "$6\r\n@f:$p*\r\n$5\r\nLIMIT\r\n$1\r\n0\r\n$1\r\n0\r\n$6\r\nPARAMS\r\n$1\r\n2\r\n$1\r\np\r\n$2\r\nab\r\n"
            "$7\r\nDIALECT\r\n$1\r\n2\r\n");
  out.clear();
  append_expansion_check(out, "idx", "q*", {}, 0);  // no DIALECT: the server's default
  EXPECT_EQ(out.find("DIALECT"), std::string::npos);
}

// Shapes captured from RediSearch 2.10 (FT.PROFILE ... AGGREGATE LIMITED QUERY @f:ab* LIMIT 0 0).
TEST(ExpansionCheck, Resp3ProfileWithAWarning) {
  ParsedReply reply(
      "%2\r\n+results\r\n*0\r\n+profile\r\n%3\r\n"
      "+Warning\r\n+None\r\n"
      "+Iterators profile\r\n*1\r\n%3\r\n+Type\r\n+UNION\r\n+Counter\r\n:200\r\n"
      "+Warning\r\n+Max prefix expansion reached\r\n"
      "+Total profile time\r\n,2\r\n");
  const Error e = thrown_error([&] { check_expansion_profile(reply.root(), kWhat); });
  EXPECT_EQ(e.kind(), ErrorKind::kResponse);
  EXPECT_STREQ(e.what(),
               "FT.AGGREGATE failed on index 'idx' (query '@f:ab*'): the results would be incomplete "
               "(warning: Max prefix expansion reached)");
}

TEST(ExpansionCheck, Resp2ProfileWithAndWithoutAWarning) {
  ParsedReply warned(
      "*2\r\n*1\r\n:0\r\n*2\r\n*1\r\n$7\r\nWarning\r\n"
      "*2\r\n$17\r\nIterators profile\r\n*4\r\n$4\r\nType\r\n$5\r\nUNION\r\n$7\r\nWarning\r\n"
      "$28\r\nMax prefix expansion reached\r\n");
  EXPECT_THROW(check_expansion_profile(warned.root(), kWhat), Error);
  ParsedReply clean(
      "*2\r\n*1\r\n:0\r\n*2\r\n*1\r\n$7\r\nWarning\r\n"
      "*2\r\n$17\r\nIterators profile\r\n*4\r\n$4\r\nType\r\n$5\r\nUNION\r\n$7\r\nCounter\r\n:111\r\n");
  EXPECT_NO_THROW(check_expansion_profile(clean.root(), kWhat));
}

TEST(ExpansionCheck, Resp3ProfileWithoutAWarning) {
  ParsedReply reply("%2\r\n+results\r\n*0\r\n+profile\r\n%1\r\n+Warning\r\n+None\r\n");
  EXPECT_NO_THROW(check_expansion_profile(reply.root(), kWhat));
}

TEST(ExpansionCheck, ErrorReply) {
  ParsedReply reply("-idx: no such index\r\n");
  EXPECT_THROW(check_expansion_profile(reply.root(), kWhat), Error);
}

}  // namespace
}  // namespace polars_redis::read
