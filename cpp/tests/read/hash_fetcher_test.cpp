// The hash fetcher, driven reply by reply: the commands it pipelines per key and the rows it makes
// from HMGET / HGETALL replies (RESP2 and RESP3 shapes).
#include "polars_redis/read/hash_fetcher.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "polars_redis/arrow/record_batch.hpp"
#include "polars_redis/error.hpp"
#include "polars_redis/resp/encoder.hpp"
#include "support/arrow_reading.hpp"
#include "support/fetch_context.hpp"
#include "support/parsed_reply.hpp"
#include "support/thrown_error.hpp"

namespace polars_redis::read {
namespace {

using test_support::thrown_error;
using test_support::ParsedReply;
using test_support::RecordingContext;

HashFetchOptions fields(std::initializer_list<std::pair<const char*, TypeId>> specs) {
  HashFetchOptions options;
  for (const auto& [name, id] : specs) options.fields.push_back({name, DataType::of(id)});
  return options;
}

std::string bulk(std::string_view s) { return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n"; }

std::string command(std::initializer_list<std::string_view> args) {
  std::string out;
  resp::append_command(out, args);
  return out;
}

// Column `i` of the batch as strings (nullopt for null); empties the builder.
std::vector<std::optional<std::string>> strings_of(arrow::BatchBuilder& batch, size_t i) {
  test_support::Exported out;
  test_support::finish(batch.column(i), out);
  std::vector<std::optional<std::string>> values;
  for (int64_t row = 0; row < out.array.length; ++row) {
    if (test_support::valid_at(out.array, row)) {
      values.emplace_back(test_support::string_at(out.array, row));
    } else {
      values.emplace_back(std::nullopt);
    }
  }
  return values;
}

struct Fetch {
  HashFetcher fetcher;
  arrow::BatchBuilder batch;
  RecordingContext context;
  explicit Fetch(HashFetchOptions options) : fetcher(std::move(options)) { fetcher.add_columns(batch); }
  std::string encode(std::string_view key) {
    std::string out;
    std::string_view keys[] = {key};
    replies = fetcher.encode(keys, out);
    return out;
  }
  // A key's first reply follows its commands: they are encoded then, as the key scan does.
  void consume(std::string_view key, int index, std::string reply) {
    if (index == 0) encode(key);
    answer(key, index, std::move(reply));
  }
  // A reply to commands encoded earlier.
  void answer(std::string_view key, int index, std::string reply) {
    ParsedReply parsed(std::move(reply));
    std::string_view keys[] = {key};
    fetcher.consume(keys, index, parsed.root(), context);
  }
  int replies = 0;
};

TEST(HashFetcher, ProjectedFieldsAreOneHmgetAndEveryFieldIsOneHgetall) {
  Fetch some(fields({{"a", TypeId::kString}, {"b", TypeId::kInt64}}));
  EXPECT_EQ(some.encode("h:1"), command({"HMGET", "h:1", "a", "b"}));
  EXPECT_EQ(some.replies, 1);
  HashFetchOptions all = fields({{"a", TypeId::kString}});
  all.fetch_all = true;
  Fetch every(all);
  EXPECT_EQ(every.encode("h:1"), command({"HGETALL", "h:1"}));
  HashFetchOptions ttl = fields({{"a", TypeId::kString}});
  ttl.metadata.include_ttl = true;
  Fetch with_ttl(ttl);
  // The metadata comes first, so it is known (and tells a vanished key) when the fields arrive.
  EXPECT_EQ(with_ttl.encode("h:1"), command({"TTL", "h:1"}) + command({"HMGET", "h:1", "a"}));
  EXPECT_EQ(with_ttl.replies, 2);
}

TEST(HashFetcher, HmgetNilsAreNullsButAllNilsAskWhetherTheKeyExists) {
  Fetch fetch(fields({{"a", TypeId::kString}, {"b", TypeId::kInt64}}));
  fetch.consume("h:1", 0, "*2\r\n" + bulk("x") + "$-1\r\n");
  fetch.consume("h:2", 0, "*2\r\n$-1\r\n$-1\r\n");  // a missing key answers like a key without a and b
  EXPECT_EQ(fetch.context.rows, (std::vector<std::string>{"h:1"}));
  EXPECT_EQ(fetch.context.verified, (std::vector<std::string>{"h:2"}));
  fetch.fetcher.append_row_without_values();  // EXISTS said yes: a row of nulls
  EXPECT_EQ(strings_of(fetch.batch, 0), (std::vector<std::optional<std::string>>{"x", std::nullopt}));
}

TEST(HashFetcher, WithMetadataAnAllNilRowNeedsNoExistsAndAVanishedKeyNoRow) {
  HashFetchOptions options = fields({{"a", TypeId::kString}});
  options.metadata.include_ttl = true;
  Fetch fetch(options);
  fetch.consume("h:1", 0, ":-1\r\n");
  fetch.consume("h:1", 1, "*1\r\n$-1\r\n");
  fetch.consume("gone", 0, ":-2\r\n");
  fetch.consume("gone", 1, "*1\r\n$-1\r\n");
  EXPECT_EQ(fetch.context.rows, (std::vector<std::string>{"h:1"}));
  EXPECT_TRUE(fetch.context.verified.empty());
}

TEST(HashFetcher, HgetallTakesTheSchemaFieldsInAnyOrderAndNullsTheAbsentOnes) {
  HashFetchOptions options = fields({{"a", TypeId::kString}, {"b", TypeId::kString}});
  options.fetch_all = true;
  Fetch fetch(options);
  fetch.consume("h:1", 0, "*6\r\n" + bulk("b") + bulk("2") + bulk("extra") + bulk("?") + bulk("a") + bulk("1"));
  fetch.consume("h:2", 0, "%1\r\n" + bulk("a") + bulk("only"));  // RESP3 map
  fetch.consume("gone", 0, "*0\r\n");                           // HGETALL of a missing key
  EXPECT_EQ(fetch.context.rows, (std::vector<std::string>{"h:1", "h:2"}));
  EXPECT_EQ(strings_of(fetch.batch, 1), (std::vector<std::optional<std::string>>{"2", std::nullopt}));
  EXPECT_EQ(strings_of(fetch.batch, 0), (std::vector<std::optional<std::string>>{"1", "only"}));
}

// HGETALL replies of varying field order, subsets and unknown fields: every row holds exactly
// its hash's values (the fetcher guesses each position's field from the previous reply).
TEST(HashFetcher, HgetallRowsMatchTheirHashesWhateverTheFieldOrder) {
  const std::vector<std::string> names{"a", "b", "c", "d"};
  HashFetchOptions options;
  for (const auto& name : names) options.fields.push_back({name, DataType::of(TypeId::kString)});
  options.fetch_all = true;
  Fetch fetch(options);
  std::mt19937 rng(15);
  std::vector<std::map<std::string, std::string>> hashes;
  for (int row = 0; row < 300; ++row) {
    std::vector<std::string> present = names;
    present.push_back("unknown");
    std::shuffle(present.begin(), present.end(), rng);
    present.resize(1 + rng() % present.size());
    std::map<std::string, std::string> hash;
    std::string reply = "*" + std::to_string(2 * present.size()) + "\r\n";
    for (const auto& field : present) {
      hash[field] = field + std::to_string(row);
      reply += bulk(field) + bulk(hash[field]);
    }
    hashes.push_back(hash);
    fetch.consume("h", 0, reply);
  }
  for (size_t column = 0; column < names.size(); ++column) {
    const auto values = strings_of(fetch.batch, column);
    ASSERT_EQ(values.size(), hashes.size());
    for (size_t row = 0; row < hashes.size(); ++row) {
      const auto found = hashes[row].find(names[column]);
      const std::optional<std::string> expected =
          found == hashes[row].end() ? std::nullopt : std::optional<std::string>(found->second);
      EXPECT_EQ(values[row], expected) << "row " << row << " field " << names[column];
    }
  }
}

TEST(HashFetcher, AValueThatDoesNotParseNamesFieldKeyRawValueAndDtype) {
  Fetch strict(fields({{"age", TypeId::kInt64}}));
  const Error e = thrown_error([&] { strict.consume("user:1", 0, "*1\r\n" + bulk("old")); },
                               "an unparsable value was accepted");
  EXPECT_EQ(e.kind(), ErrorKind::kSchema);
  const std::string message = e.what();
  for (const char* part : {"'age'", "'user:1'", "'old'", "Int64", "ignore_errors=True"}) {
    EXPECT_NE(message.find(part), std::string::npos) << message;
  }
  HashFetchOptions lenient = fields({{"age", TypeId::kInt64}});
  lenient.ignore_errors = true;
  Fetch fetch(lenient);
  fetch.consume("user:1", 0, "*1\r\n" + bulk("old"));
  EXPECT_EQ(fetch.context.rows, (std::vector<std::string>{"user:1"}));
  test_support::Exported out;
  test_support::finish(fetch.batch.column(0), out);
  EXPECT_FALSE(test_support::valid_at(out.array, 0));
}

TEST(HashFetcher, AKeyReplacedByAnotherTypeIsSkippedAndOtherErrorsNameTheCommand) {
  Fetch fetch(fields({{"a", TypeId::kString}}));
  fetch.consume("h:1", 0, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  EXPECT_TRUE(fetch.context.rows.empty());
  const Error e = thrown_error([&] { fetch.consume("h:1", 0, "-ERR boom\r\n"); }, "an error reply was ignored");
  EXPECT_EQ(e.kind(), ErrorKind::kResponse);
  EXPECT_EQ(std::string(e.what()), "HMGET 'h:1' failed: ERR boom");
}

// An HGETALL reply of `pairs` fields: the schema's "a" and "b" (values `row`-a, `row`-b), then
// fields of no interest.
std::string wide_hash(int row, int pairs) {
  std::string reply = "*" + std::to_string(2 * pairs) + "\r\n";
  for (int p = 0; p < pairs; ++p) {
    const std::string name = p == 0 ? "a" : p == 1 ? "b" : "other" + std::to_string(p);
    reply += bulk(name) + bulk(std::to_string(row) + "-" + name);
  }
  return reply;
}

HashFetchOptions whole_schema_ab() {
  HashFetchOptions options = fields({{"a", TypeId::kString}, {"b", TypeId::kString}});
  options.fetch_all = true;
  return options;
}

// Hashes much wider than the schema: after the sample, HMGET of the schema's fields. Commands
// already in flight are still answered as HGETALL, so every row stays right across the switch.
TEST(HashFetcher, HashesMuchWiderThanTheSchemaAreReadByHmgetAfterTheSample) {
  Fetch fetch(whole_schema_ab());
  const int in_flight = static_cast<int>(kWidthSample) + 40;
  std::vector<std::string> keys;
  for (int row = 0; row < in_flight; ++row) {
    keys.push_back("h:" + std::to_string(row));
    EXPECT_EQ(fetch.encode(keys.back()), command({"HGETALL", keys.back()}));
  }
  const int pairs = 2 * static_cast<int>(kWiderThan);  // kWiderThan x the 2 schema fields
  for (int row = 0; row < in_flight; ++row) fetch.answer(keys[row], 0, wide_hash(row, pairs));
  EXPECT_EQ(fetch.encode("h:next"), command({"HMGET", "h:next", "a", "b"}));
  fetch.answer("h:next", 0, "*2\r\n" + bulk("next-a") + "$-1\r\n");
  ASSERT_EQ(fetch.context.rows.size(), static_cast<size_t>(in_flight + 1));
  const auto a = strings_of(fetch.batch, 0);
  const auto b = strings_of(fetch.batch, 1);
  for (int row = 0; row < in_flight; ++row) {
    EXPECT_EQ(a[row], std::to_string(row) + "-a");
    EXPECT_EQ(b[row], std::to_string(row) + "-b");
  }
  EXPECT_EQ(a.back(), "next-a");
  EXPECT_EQ(b.back(), std::nullopt);
}

// No more HGETALLs go out than the sample needs: the window shrinks as their replies arrive,
// and opens once kWidthSample have (whatever they held: missing keys count too).
TEST(HashFetcher, TheSampleHoldsBackTheScanUntilItsRepliesArrive) {
  Fetch fetch(whole_schema_ab());
  EXPECT_EQ(fetch.fetcher.max_keys_in_flight(), kWidthSample);
  std::vector<std::string> keys;
  for (int row = 0; row < kWidthSample; ++row) keys.push_back("h:" + std::to_string(row));
  for (const auto& key : keys) fetch.encode(key);
  for (int row = 0; row < kWidthSample; ++row) {
    EXPECT_EQ(fetch.fetcher.max_keys_in_flight(), kWidthSample - row) << row;
    fetch.answer(keys[static_cast<size_t>(row)], 0, row % 2 ? wide_hash(row, 2) : "*0\r\n");
  }
  EXPECT_EQ(fetch.fetcher.max_keys_in_flight(), -1);
  // A projection (HMGET from the start) and hashes kept with HGETALL hold nothing back.
  EXPECT_EQ(Fetch(fields({{"a", TypeId::kString}})).fetcher.max_keys_in_flight(), -1);
}

TEST(HashFetcher, HashesLessThanKWiderThanTheSchemaStayWithHgetall) {
  Fetch fetch(whole_schema_ab());
  const int pairs = 2 * static_cast<int>(kWiderThan) - 1;
  for (int row = 0; row < 3 * kWidthSample; ++row) {
    const std::string key = "h:" + std::to_string(row);
    EXPECT_EQ(fetch.encode(key), command({"HGETALL", key})) << "row " << row;
    fetch.answer(key, 0, wide_hash(row, pairs));
  }
  EXPECT_EQ(fetch.context.rows.size(), static_cast<size_t>(3 * kWidthSample));
  EXPECT_NE(fetch.fetcher.later_commands().find("HMGET"), std::string::npos);
  EXPECT_EQ(Fetch(fields({{"a", TypeId::kString}})).fetcher.later_commands(), "");
}

// The TTL reply comes first; a key whose replies the scan skips (moved to another cluster node)
// is forgotten, so the replies after it are still matched with their own commands.
TEST(HashFetcher, SkippedAndMetadataRepliesKeepEachFieldReplyWithItsCommand) {
  HashFetchOptions options = whole_schema_ab();
  options.metadata.include_ttl = true;
  Fetch fetch(options);
  const int pairs = 2 * static_cast<int>(kWiderThan);
  for (int row = 0; row < kWidthSample; ++row) {
    const std::string key = "h:" + std::to_string(row);
    fetch.encode(key);
    fetch.answer(key, 0, ":-1\r\n");
    fetch.answer(key, 1, wide_hash(row, pairs));
  }
  EXPECT_EQ(fetch.encode("moved"), command({"TTL", "moved"}) + command({"HMGET", "moved", "a", "b"}));
  EXPECT_EQ(fetch.encode("h:last"), command({"TTL", "h:last"}) + command({"HMGET", "h:last", "a", "b"}));
  const std::string_view moved[] = {"moved"};
  fetch.fetcher.discard(moved, 0);
  fetch.fetcher.discard(moved, 1);
  fetch.answer("h:last", 0, ":5\r\n");
  fetch.answer("h:last", 1, "*2\r\n" + bulk("x") + bulk("y"));
  ASSERT_EQ(fetch.context.rows.size(), static_cast<size_t>(kWidthSample + 1));
  EXPECT_EQ(fetch.context.rows.back(), "h:last");
  EXPECT_EQ(strings_of(fetch.batch, 0).back(), "x");
}

}  // namespace
}  // namespace polars_redis::read
