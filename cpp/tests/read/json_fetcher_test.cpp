// The JSON fetcher, driven reply by reply: JSON.MGET for one path over many keys, JSON.GET for
// several paths, and the rows it makes (a nil is a document gone since SCAN).
#include "polars_redis/read/json_fetcher.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "polars_redis/arrow/record_batch.hpp"
#include "polars_redis/error.hpp"
#include "polars_redis/resp/encoder.hpp"
#include "support/arrow_reading.hpp"
#include "support/fetch_context.hpp"
#include "support/parsed_reply.hpp"

namespace polars_redis::read {
namespace {

using test_support::ParsedReply;
using test_support::RecordingContext;

std::string bulk(std::string_view s) { return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n"; }

std::string command(std::initializer_list<std::string_view> args) {
  std::string out;
  resp::append_command(out, args);
  return out;
}

JsonFetchOptions columns(std::initializer_list<std::pair<const char*, TypeId>> specs) {
  JsonFetchOptions options;
  for (const auto& [name, id] : specs) options.fields.push_back({name, DataType::of(id), std::nullopt});
  return options;
}

struct Fetch {
  JsonFetcher fetcher;
  arrow::BatchBuilder batch;
  RecordingContext context;
  explicit Fetch(JsonFetchOptions options) : fetcher(std::move(options)) {
    fetcher.add_columns(batch);
    context.verify_allowed = context.follow_ups_allowed = false;  // JSON nils tell a missing key
  }
  std::string encode(std::vector<std::string_view> keys) {
    std::string out;
    fetcher.encode(keys, out);
    return out;
  }
  void consume(std::vector<std::string_view> keys, int index, std::string reply) {
    ParsedReply parsed(std::move(reply));
    fetcher.consume(keys, index, parsed.root(), context);
  }
  std::vector<int64_t> ints(size_t column) {
    test_support::Exported out;
    test_support::finish(batch.column(column), out);
    std::vector<int64_t> values;
    for (int64_t i = 0; i < out.array.length; ++i) values.push_back(test_support::value_at<int64_t>(out.array, i));
    return values;
  }
};

TEST(JsonFetcher, OnePathIsOneMgetForManyKeysAndSeveralPathsAJsonGetPerKey) {
  Fetch one(columns({{"n", TypeId::kInt64}}));
  EXPECT_GT(one.fetcher.keys_per_command(), 1u);
  EXPECT_EQ(one.encode({"a", "b"}), command({"JSON.MGET", "a", "b", "$.n"}));
  Fetch two(columns({{"n", TypeId::kInt64}, {"s", TypeId::kString}}));
  EXPECT_EQ(two.fetcher.keys_per_command(), 1u);
  EXPECT_EQ(two.encode({"a"}), command({"JSON.GET", "a", "$.n", "$.s"}));
  JsonFetchOptions all = columns({{"n", TypeId::kInt64}, {"s", TypeId::kString}});
  all.fetch_all = true;
  Fetch whole(all);
  EXPECT_EQ(whole.encode({"a"}), command({"JSON.MGET", "a", "$"}));
}

TEST(JsonFetcher, MgetNilsAreDocumentsGoneSinceScan) {
  Fetch fetch(columns({{"n", TypeId::kInt64}}));
  fetch.consume({"a", "gone", "c"}, 0, "*3\r\n" + bulk("[1]") + "$-1\r\n" + bulk("[3]"));
  EXPECT_EQ(fetch.context.rows, (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(fetch.ints(0), (std::vector<int64_t>{1, 3}));
}

TEST(JsonFetcher, AnMgetReplyOfTheWrongShapeIsAProtocolError) {
  Fetch fetch(columns({{"n", TypeId::kInt64}}));
  try {
    fetch.consume({"a", "b"}, 0, "*1\r\n" + bulk("[1]"));
    ADD_FAILURE() << "a short JSON.MGET reply was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kProtocol);
  }
}

TEST(JsonFetcher, JsonGetRowsSkipNilsAndWrongTypesAndNameOtherErrors) {
  Fetch fetch(columns({{"n", TypeId::kInt64}, {"m", TypeId::kInt64}}));
  fetch.consume({"a"}, 0, bulk(R"({"$.n":[7],"$.m":[8]})"));
  fetch.consume({"gone"}, 0, "$-1\r\n");
  fetch.consume({"hash"}, 0, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  EXPECT_EQ(fetch.context.rows, (std::vector<std::string>{"a"}));
  EXPECT_EQ(fetch.ints(0), (std::vector<int64_t>{7}));
  EXPECT_EQ(fetch.ints(1), (std::vector<int64_t>{8}));
  try {
    fetch.consume({"a"}, 0, "-ERR boom\r\n");
    ADD_FAILURE() << "an error reply was ignored";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kResponse);
    EXPECT_EQ(std::string(e.what()), "JSON.GET 'a' failed: ERR boom");
  }
}

TEST(JsonFetcher, MetadataComesFirstAndAVanishedKeyMakesNoRow) {
  JsonFetchOptions options = columns({{"n", TypeId::kInt64}});
  options.metadata.include_ttl = true;
  Fetch fetch(options);
  EXPECT_EQ(fetch.encode({"a", "b"}), command({"TTL", "a"}) + command({"TTL", "b"}) + command({"JSON.MGET", "a", "b", "$.n"}));
  fetch.consume({"a", "b"}, 0, ":-1\r\n");
  fetch.consume({"a", "b"}, 1, ":-2\r\n");  // b expired between SCAN and its TTL
  fetch.consume({"a", "b"}, 2, "*2\r\n" + bulk("[1]") + bulk("[2]"));
  EXPECT_EQ(fetch.context.rows, (std::vector<std::string>{"a"}));
}

// Large documents make fewer keys per JSON.MGET (a reply stays near 1 MiB), never fewer than one.
TEST(JsonFetcher, KeysPerMgetShrinkWithTheDocumentSize) {
  JsonFetchOptions options = columns({{"n", TypeId::kString}});
  options.keys_per_mget = 50;
  Fetch fetch(options);
  EXPECT_EQ(fetch.fetcher.keys_per_command(), 50u);
  const std::string big = "[\"" + std::string(300 * 1024, 'x') + "\"]";
  for (int i = 0; i < 40; ++i) fetch.consume({"k"}, 0, "*1\r\n" + bulk(big));
  EXPECT_LT(fetch.fetcher.keys_per_command(), 50u);
  EXPECT_GE(fetch.fetcher.keys_per_command(), 1u);
}

}  // namespace
}  // namespace polars_redis::read
