// The set, list and sorted-set fetchers on hand-written RESP2/RESP3 replies: which commands they
// send (first page, follow-up pages, cardinality only) and the rows they make of the replies.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "polars_redis/error.hpp"
#include "polars_redis/read/list_fetcher.hpp"
#include "polars_redis/read/set_fetcher.hpp"
#include "polars_redis/read/zset_fetcher.hpp"
#include "polars_redis/resp/encoder.hpp"
#include "support/fetch_context.hpp"
#include "support/thrown_error.hpp"

namespace polars_redis::read {
namespace {

using test_support::thrown_error;
using Recorder = test_support::RecordingContext;

// Collections never ask for EXISTS (their replies tell a missing key).
Recorder collection_context() {
  Recorder context;
  context.verify_allowed = false;
  return context;
}

std::string command(std::initializer_list<std::string_view> args) {
  std::string out;
  resp::append_command(out, args);
  return out;
}

std::string bulk(std::string_view s) { return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n"; }

// The values of column `i` (Int64 or Float64) as doubles, nulls as NaN; empties the builder.
std::vector<double> values(arrow::BatchBuilder& batch, size_t i) {
  ArrowArray array{};
  auto& column = batch.column(i);
  const bool is_double = column.dtype().id == TypeId::kFloat64;
  column.finish(&array);
  std::vector<double> out;
  for (int64_t r = 0; r < array.length; ++r) {
    const auto* validity = static_cast<const uint8_t*>(array.buffers[0]);
    if (validity && !((validity[r / 8] >> (r % 8)) & 1)) {
      out.push_back(NAN);
      continue;
    }
    const auto* data = static_cast<const uint8_t*>(array.buffers[1]) + r * 8;
    if (is_double) {
      double v;
      std::memcpy(&v, data, 8);
      out.push_back(v);
    } else {
      int64_t v;
      std::memcpy(&v, data, 8);
      out.push_back(static_cast<double>(v));
    }
  }
  array.release(&array);
  return out;
}

// The commands a fetcher sends first for a key, and how many.
struct FirstCommands {
  int count;
  std::string text;
};

// One key read by a `Fetcher`: its columns, the commands it sends and the replies it is handed
// (each parsed from complete RESP text).
template <typename Fetcher>
struct KeyRead {
  template <typename Options>
  KeyRead(Options options, std::string key_name) : fetcher(std::move(options)), key(std::move(key_name)) {
    fetcher.add_columns(batch);
  }

  FirstCommands first_commands() {
    FirstCommands first{0, ""};
    std::string_view keys[] = {key};
    first.count = fetcher.encode(keys, first.text);
    return first;
  }

  // Hands the fetcher `reply` as the answer to its command `index` for the key.
  void feed(int index, std::string reply) { feed(index, std::move(reply), context); }
  void feed(int index, std::string reply, Recorder& into) {
    bytes = std::move(reply);
    parser.reset();
    ASSERT_EQ(parser.feed(bytes.data(), bytes.size()), resp::ReplyParser::Status::kComplete);
    std::string_view keys[] = {key};
    fetcher.consume(keys, index, parser.reply(bytes.data()).root(), into);
  }

  Fetcher fetcher;
  std::string key;
  arrow::BatchBuilder batch;
  Recorder context = collection_context();
  resp::ReplyParser parser;
  std::string bytes;
};

ZSetFetchOptions int_zset() {
  ZSetFetchOptions options;
  options.member_type = DataType::of(TypeId::kInt64);
  options.include_rank = true;
  return options;
}

TEST(ZSetFetcher, Resp2AndResp3ScoresGiveTheSameRows) {
  for (bool resp3 : {false, true}) {
    KeyRead<ZSetFetcher> read(int_zset(), "z");
    const FirstCommands first = read.first_commands();
    ASSERT_EQ(first.count, 1);
    EXPECT_EQ(first.text, command({"ZRANGE", "z", "0", "999", "WITHSCORES"}));
    std::string reply = resp3 ? "*3\r\n*2\r\n" + bulk("7") + ",-inf\r\n*2\r\n" + bulk("8") + ",1.5\r\n*2\r\n" +
                                    bulk("9") + ",inf\r\n"
                              : "*6\r\n" + bulk("7") + bulk("-inf") + bulk("8") + bulk("1.5") + bulk("9") + bulk("inf");
    read.feed(0, reply);
    EXPECT_EQ(read.context.rows, (std::vector<std::string>{"z", "z", "z"}));
    EXPECT_TRUE(read.context.follow_ups.empty());  // a short first page is the whole key
    EXPECT_EQ(values(read.batch, 0), (std::vector<double>{7, 8, 9}));
    EXPECT_EQ(values(read.batch, 1), (std::vector<double>{-INFINITY, 1.5, INFINITY}));
    EXPECT_EQ(values(read.batch, 2), (std::vector<double>{0, 1, 2}));
  }
}

TEST(ZSetFetcher, BoundedRankAsksForTheRankOfMinFirst) {
  ZSetFetchOptions options = int_zset();
  options.min = "(5";
  options.max = "10";
  options.count = 3;
  KeyRead<ZSetFetcher> read(options, "z");
  const FirstCommands first = read.first_commands();
  ASSERT_EQ(first.count, 2);
  EXPECT_EQ(first.text, command({"ZCOUNT", "z", "-inf", "5"}) +
                            command({"ZRANGE", "z", "(5", "10", "BYSCORE", "LIMIT", "0", "3", "WITHSCORES"}));
  read.feed(0, ":4\r\n");
  read.feed(1, "*4\r\n" + bulk("1") + bulk("6") + bulk("2") + bulk("7"));
  EXPECT_EQ(values(read.batch, 2), (std::vector<double>{4, 5}));
}

TEST(ZSetFetcher, FullFirstPageContinuesByRankWithinTheBounds) {
  ZSetFetchOptions options;
  options.member_type = DataType::of(TypeId::kInt64);
  options.min = "0";
  options.first_page = 2;
  options.page_size = 2;
  options.pages_in_flight = 2;
  options.count = 7;
  KeyRead<ZSetFetcher> read(options, "z");
  Recorder& context = read.context;
  read.feed(0, "*4\r\n" + bulk("1") + bulk("0") + bulk("2") + bulk("0"));
  // The rank range: members before min (below "0" means "(0"), and up to max.
  EXPECT_EQ(context.follow_ups, command({"ZCOUNT", "z", "-inf", "(0"}) + command({"ZCOUNT", "z", "-inf", "+inf"}));
  EXPECT_EQ(context.expected, (std::vector<int>{2}));
  context.follow_ups.clear();
  read.feed(0, ":10\r\n");
  read.feed(1, ":100\r\n");
  // count 7 caps the end at rank 10 + 7: pages [12, 13], [14, 15] in flight, then [16, 16].
  EXPECT_EQ(context.follow_ups, command({"ZRANGE", "z", "12", "13", "WITHSCORES"}) +
                                    command({"ZRANGE", "z", "14", "15", "WITHSCORES"}));
  context.follow_ups.clear();
  // A member whose score left the bounds since the first page is dropped.
  read.feed(0, "*4\r\n" + bulk("3") + bulk("-1") + bulk("4") + bulk("1"));
  EXPECT_EQ(context.follow_ups, command({"ZRANGE", "z", "16", "16", "WITHSCORES"}));
  read.feed(0, "*4\r\n" + bulk("5") + bulk("2") + bulk("6") + bulk("2"));
  read.feed(0, "*2\r\n" + bulk("7") + bulk("3"));
  EXPECT_EQ(values(read.batch, 0), (std::vector<double>{1, 2, 4, 5, 6, 7}));
  EXPECT_EQ(context.rows.size(), 6u);
}

TEST(ZSetFetcher, KeyOnlyCountsWithZcountCappedByCount) {
  ZSetFetchOptions options;
  options.include_member = options.include_score = false;
  options.count = 2;
  KeyRead<ZSetFetcher> read(options, "z");
  EXPECT_EQ(read.first_commands().text, command({"ZCOUNT", "z", "-inf", "+inf"}));
  read.feed(0, ":5\r\n");
  EXPECT_EQ(read.context.rows.size(), 2u);
  // Rows stop at n_rows.
  Recorder limited = collection_context();
  limited.limit_rows = 1;
  read.feed(0, ":5\r\n", limited);
  EXPECT_EQ(limited.rows.size(), 1u);
}

TEST(ZSetFetcher, RejectsBoundsThatAreNotScores) {
  for (const char* bad : {"x", "((1", "nan", ""}) {
    ZSetFetchOptions options;
    options.max = bad;
    EXPECT_THROW(ZSetFetcher{options}, Error) << bad;
  }
}

TEST(ListFetcher, PagesAheadUntilAShortPage) {
  ListFetchOptions options;
  options.element_type = DataType::of(TypeId::kInt64);
  options.first_page = 2;
  options.page_size = 3;
  options.pages_in_flight = 2;
  KeyRead<ListFetcher> read(options, "l");
  Recorder& context = read.context;
  EXPECT_EQ(read.first_commands().text, command({"LRANGE", "l", "0", "1"}));
  read.feed(0, "*2\r\n" + bulk("5") + bulk("5"));
  EXPECT_EQ(context.follow_ups, command({"LRANGE", "l", "2", "4"}) + command({"LRANGE", "l", "5", "7"}));
  context.follow_ups.clear();
  read.feed(0, "*3\r\n" + bulk("6") + bulk("7") + bulk("8"));
  EXPECT_EQ(context.follow_ups, command({"LRANGE", "l", "8", "10"}));
  context.follow_ups.clear();
  read.feed(0, "*1\r\n" + bulk("9"));  // short: the list ends here
  read.feed(0, "*0\r\n");
  EXPECT_TRUE(context.follow_ups.empty());
  EXPECT_EQ(values(read.batch, 0), (std::vector<double>{5, 5, 6, 7, 8, 9}));
  EXPECT_EQ(values(read.batch, 1), (std::vector<double>{0, 1, 2, 3, 4, 5}));
  // The key is finished: a new read of it starts from the first page again.
  read.feed(0, "*1\r\n" + bulk("1"));
  EXPECT_EQ(values(read.batch, 1), (std::vector<double>{0}));
}

TEST(ListFetcher, ElementErrorsNameElementKeyAndType) {
  ListFetchOptions options;
  options.element_type = DataType::of(TypeId::kInt64);
  KeyRead<ListFetcher> read(options, "l");
  const Error error = thrown_error([&] { read.feed(0, "*1\r\n" + bulk("abc")); }, "expected a schema error");
  EXPECT_EQ(error.kind(), ErrorKind::kSchema);
  EXPECT_NE(std::string(error.what()).find("element 'abc' of list 'l' as Int64"), std::string::npos);
}

TEST(SetFetcher, DeduplicatesAcrossPagesOnly) {
  SetFetchOptions options;
  options.member_type = DataType::of(TypeId::kInt64);
  KeyRead<SetFetcher> read(options, "s");
  EXPECT_EQ(read.first_commands().text, command({"SSCAN", "s", "0", "COUNT", "1000"}));
  read.feed(0, "*2\r\n" + bulk("17") + "*2\r\n" + bulk("1") + bulk("2"));
  EXPECT_EQ(read.context.follow_ups, command({"SSCAN", "s", "17", "COUNT", "10000"}));
  read.feed(0, "*2\r\n" + bulk("0") + "*3\r\n" + bulk("2") + bulk("3") + bulk("1"));
  EXPECT_EQ(values(read.batch, 0), (std::vector<double>{1, 2, 3}));
  // A set read in one call is not tracked (nothing to deduplicate).
  read.feed(0, "*2\r\n" + bulk("0") + "*2\r\n" + bulk("2") + bulk("2"));
  EXPECT_EQ(values(read.batch, 0), (std::vector<double>{2, 2}));
}

TEST(SetFetcher, WrongTypeIsSkipped) {
  KeyRead<SetFetcher> read(SetFetchOptions{}, "s");
  read.feed(0, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  EXPECT_TRUE(read.context.rows.empty());
}

}  // namespace
}  // namespace polars_redis::read
