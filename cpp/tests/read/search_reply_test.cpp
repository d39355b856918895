#include "polars_redis/read/search_reply.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "polars_redis/error.hpp"
#include "support/parsed_reply.hpp"
#include "support/thrown_error.hpp"

namespace polars_redis::read {
namespace {

using test_support::thrown_error;

// The reply shapes below were captured from Redis Stack 7.4 with RediSearch 2.10
// (FT.AGGREGATE ... LOAD 2 @__key @age WITHCURSOR COUNT 2).
using test_support::ParsedReply;

using Rows = std::vector<std::vector<std::pair<std::string, std::string>>>;

Rows rows_of(const SearchPage& page) {
  Rows rows;
  page.for_each_row([&](const SearchRow& row) {
    rows.emplace_back();
    row.for_each([&](std::string_view name, const resp::NodeView& value) {
      rows.back().emplace_back(std::string(name), std::string(value.str()));
    });
  });
  return rows;
}

const SearchCommand kWhat{"FT.AGGREGATE", "idx", "@age:[1 5]"};

const std::string kResp3Page =
    "*2\r\n"
    "%5\r\n"
    "+attributes\r\n*0\r\n"
    "+total_results\r\n:5\r\n"
    "+format\r\n+STRING\r\n"
    "+results\r\n*2\r\n"
    "%2\r\n+extra_attributes\r\n%2\r\n$5\r\n__key\r\n$3\r\np:4\r\n$3\r\nage\r\n$1\r\n4\r\n+values\r\n*0\r\n"
    "%2\r\n+extra_attributes\r\n%2\r\n$5\r\n__key\r\n$3\r\np:3\r\n$3\r\nage\r\n$1\r\n3\r\n+values\r\n*0\r\n"
    "+warning\r\n*0\r\n"
    ":147909986\r\n";

TEST(SearchPage, Resp3RowsInOrderWithTheCursor) {
  ParsedReply reply(kResp3Page);
  SearchPage page(reply.root(), kWhat);
  EXPECT_EQ(page.cursor(), 147909986);
  EXPECT_EQ(page.size(), 2u);
  EXPECT_NO_THROW(page.check_warnings());
  EXPECT_EQ(rows_of(page), (Rows{{{"__key", "p:4"}, {"age", "4"}}, {{"__key", "p:3"}, {"age", "3"}}}));
}

TEST(SearchPage, Resp2RowsInOrderWithTheCursor) {
  ParsedReply reply(
      "*2\r\n*3\r\n:5\r\n"
      "*4\r\n$5\r\n__key\r\n$3\r\np:4\r\n$3\r\nage\r\n$1\r\n4\r\n"
      "*4\r\n$5\r\n__key\r\n$3\r\np:3\r\n$3\r\nage\r\n$1\r\n3\r\n"
      ":0\r\n");
  SearchPage page(reply.root(), kWhat);
  EXPECT_EQ(page.cursor(), 0);
  EXPECT_EQ(rows_of(page), (Rows{{{"__key", "p:4"}, {"age", "4"}}, {{"__key", "p:3"}, {"age", "3"}}}));
}

TEST(SearchPage, EmptyPages) {
  ParsedReply resp3("*2\r\n%2\r\n+results\r\n*0\r\n+warning\r\n*0\r\n:0\r\n");
  EXPECT_EQ(SearchPage(resp3.root(), kWhat).size(), 0u);
  ParsedReply resp2("*2\r\n*1\r\n:0\r\n:0\r\n");
  EXPECT_EQ(SearchPage(resp2.root(), kWhat).size(), 0u);
}

TEST(SearchPage, WarningMeansIncompleteResults) {
  ParsedReply reply(
      "*2\r\n%2\r\n+results\r\n*0\r\n+warning\r\n*1\r\n+Max prefix expansions limit was reached\r\n:42\r\n");
  SearchPage page(reply.root(), kWhat);
  EXPECT_EQ(page.cursor(), 42);  // known before the error, so the caller can delete the cursor
  const Error e = thrown_error([&] { page.check_warnings(); });
  EXPECT_EQ(e.kind(), ErrorKind::kResponse);
  const std::string message = e.what();
  EXPECT_NE(message.find("FT.AGGREGATE"), std::string::npos) << message;
  EXPECT_NE(message.find("idx"), std::string::npos) << message;
  EXPECT_NE(message.find("Max prefix expansions limit was reached"), std::string::npos) << message;
}

TEST(SearchPage, ErrorReplyNamesCommandIndexAndQuery) {
  ParsedReply reply("-Syntax error at offset 6 near name\r\n");
  const Error e = thrown_error([&] { SearchPage page(reply.root(), kWhat); });
  EXPECT_EQ(e.kind(), ErrorKind::kResponse);
  EXPECT_STREQ(e.what(), "FT.AGGREGATE failed on index 'idx' (query '@age:[1 5]'): Syntax error at offset 6 near name");
}

TEST(SearchPage, OtherShapesAreProtocolErrors) {
  for (std::string bytes : {"+OK\r\n", "*1\r\n:0\r\n", "*2\r\n%1\r\n+results\r\n*0\r\n$1\r\nx\r\n",
                            "*2\r\n%1\r\n+other\r\n*0\r\n:0\r\n"}) {
    ParsedReply reply(bytes);
    try {
      SearchPage page(reply.root(), kWhat);
      FAIL() << "no error for " << bytes;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kProtocol) << bytes;
    }
  }
}

// FT.SEARCH idx * NOCONTENT LIMIT 0 2, as Redis Stack 7.4 answers it in each protocol.
TEST(SearchIdsPage, ReadsTotalAndIdsInBothProtocols) {
  const SearchCommand what{"FT.SEARCH", "idx", "*"};
  ParsedReply resp2("*3\r\n:81\r\n$8\r\nuser:948\r\n$9\r\nuser:2049\r\n");
  ParsedReply resp3(
      "%4\r\n$10\r\nattributes\r\n*0\r\n$13\r\ntotal_results\r\n:81\r\n$7\r\nresults\r\n*2\r\n"
      "%2\r\n$2\r\nid\r\n$8\r\nuser:948\r\n$6\r\nvalues\r\n*0\r\n"
      "%2\r\n$2\r\nid\r\n$9\r\nuser:2049\r\n$6\r\nvalues\r\n*0\r\n$7\r\nwarning\r\n*0\r\n");
  for (ParsedReply* reply : {&resp2, &resp3}) {
    SearchIdsPage page(reply->root(), what);
    EXPECT_EQ(page.total(), 81);
    std::vector<std::string> ids;
    page.for_each_id([&](std::string_view id) { ids.emplace_back(id); });
    EXPECT_EQ(ids, (std::vector<std::string>{"user:948", "user:2049"}));
    EXPECT_NO_THROW(page.check_warnings());
  }
}

TEST(SearchIdsPage, ErrorsAndWarningsAreRaised) {
  const SearchCommand what{"FT.SEARCH", "idx", "@a:x*"};
  ParsedReply error("-Unknown index name\r\n");
  EXPECT_THROW(SearchIdsPage(error.root(), what), Error);
  ParsedReply warned(
      "%3\r\n$13\r\ntotal_results\r\n:1\r\n$7\r\nresults\r\n*0\r\n$7\r\nwarning\r\n*1\r\n"
      "$20\r\nMax prefix expansion\r\n");
  SearchIdsPage page(warned.root(), what);
  EXPECT_THROW(page.check_warnings(), Error);
  ParsedReply shapeless("*1\r\n$3\r\nabc\r\n");
  EXPECT_THROW(SearchIdsPage(shapeless.root(), what), Error);
}

}  // namespace
}  // namespace polars_redis::read
