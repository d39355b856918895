#include "polars_redis/read/string_fetcher.hpp"

#include <gtest/gtest.h>

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "polars_redis/error.hpp"
#include "support/parsed_reply.hpp"
#include "support/fetch_context.hpp"
#include "support/thrown_error.hpp"

namespace polars_redis::read {
namespace {

using test_support::thrown_error;
using test_support::ParsedReply;
using test_support::RecordingContext;

// A string fetcher only makes rows: it never asks for EXISTS or follow-ups.
RecordingContext strings_context() {
  RecordingContext context;
  context.verify_allowed = context.follow_ups_allowed = false;
  return context;
}

StringFetchOptions value_of(TypeId id) {
  StringFetchOptions options;
  options.value = FieldSpec{"value", DataType::of(id)};
  return options;
}

// A string fetcher with its columns added, and the context its rows go to.
struct StringRead {
  explicit StringRead(StringFetchOptions options) : fetcher(std::move(options)) { fetcher.add_columns(batch); }
  StringFetcher fetcher;
  arrow::BatchBuilder batch;
  RecordingContext context = strings_context();
};

// The Error a fetcher of `type` throws when it consumes `reply` as the MGET of `key`.
Error mget_error(TypeId type, std::string_view key, const std::string& reply) {
  StringRead read(value_of(type));
  std::vector<std::string_view> keys{key};
  ParsedReply parsed(reply);
  return thrown_error([&] { read.fetcher.consume(keys, 0, parsed.root(), read.context); });
}

TEST(StringFetcher, OneMgetForTheGroup) {
  StringRead read(value_of(TypeId::kInt64));
  std::vector<std::string_view> keys{"a", "bb"};
  std::string out;
  EXPECT_EQ(read.fetcher.encode(keys, out), 1);
  EXPECT_EQ(out, "*3\r\n$4\r\nMGET\r\n$1\r\na\r\n$2\r\nbb\r\n");
}

TEST(StringFetcher, NilValuesAreKeysGoneSinceScan) {
  StringRead read(value_of(TypeId::kInt64));
  std::vector<std::string_view> keys{"a", "b", "c"};
  ParsedReply reply("*3\r\n$1\r\n1\r\n$-1\r\n$2\r\n-3\r\n");
  read.fetcher.consume(keys, 0, reply.root(), read.context);
  EXPECT_EQ(read.context.rows, (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(read.batch.num_rows(), 2);
}

TEST(StringFetcher, MetadataComesFirstAndDropsVanishedKeys) {
  StringFetchOptions options = value_of(TypeId::kString);
  options.metadata.include_ttl = true;
  StringRead read(options);
  std::vector<std::string_view> keys{"a", "b"};
  std::string out;
  EXPECT_EQ(read.fetcher.encode(keys, out), 3);
  EXPECT_EQ(out,
            "*2\r\n$3\r\nTTL\r\n$1\r\na\r\n*2\r\n$3\r\nTTL\r\n$1\r\nb\r\n"
            "*3\r\n$4\r\nMGET\r\n$1\r\na\r\n$1\r\nb\r\n");
  ParsedReply ttl_a(":-2\r\n"), ttl_b(":9\r\n");
  // a's TTL said it was gone: even if it reappeared before the MGET, it makes no row.
  ParsedReply values("*2\r\n$1\r\nx\r\n$1\r\ny\r\n");
  read.fetcher.consume(keys, 0, ttl_a.root(), read.context);
  read.fetcher.consume(keys, 1, ttl_b.root(), read.context);
  EXPECT_TRUE(read.context.rows.empty());
  read.fetcher.consume(keys, 2, values.root(), read.context);
  EXPECT_EQ(read.context.rows, (std::vector<std::string>{"b"}));
}

TEST(StringFetcher, MetadataAloneMakesRowsWithoutMget) {
  StringFetchOptions options;
  options.metadata.include_memory_usage = true;
  StringRead read(options);
  std::vector<std::string_view> keys{"a", "b"};
  std::string out;
  EXPECT_EQ(read.fetcher.encode(keys, out), 2);
  EXPECT_EQ(out.find("MGET"), std::string::npos);
  ParsedReply nil("$-1\r\n"), bytes(":48\r\n");
  read.fetcher.consume(keys, 0, nil.root(), read.context);
  read.fetcher.consume(keys, 1, bytes.root(), read.context);
  EXPECT_EQ(read.context.rows, (std::vector<std::string>{"b"}));
}

TEST(StringFetcher, UnparsableValueNamesKeyValueAndDtype) {
  const Error e = mget_error(TypeId::kInt64, "counter:1", "*1\r\n$3\r\n1.5\r\n");
  EXPECT_EQ(e.kind(), ErrorKind::kSchema);
  std::string message = e.what();
  EXPECT_NE(message.find("'counter:1'"), std::string::npos) << message;
  EXPECT_NE(message.find("'1.5'"), std::string::npos) << message;
  EXPECT_NE(message.find("Int64"), std::string::npos) << message;
}

TEST(StringFetcher, InvalidUtf8PointsToBinaryOrIgnoreErrors) {
  const std::string reply = "*1\r\n$2\r\n\xff\xfe\r\n";
  const Error e = mget_error(TypeId::kString, "blob", reply);
  EXPECT_EQ(e.kind(), ErrorKind::kSchema);
  std::string message = e.what();
  EXPECT_NE(message.find("'blob'"), std::string::npos) << message;
  EXPECT_NE(message.find("not valid UTF-8"), std::string::npos) << message;
  EXPECT_NE(message.find("pl.Binary"), std::string::npos) << message;
  StringFetchOptions lenient_options = value_of(TypeId::kString);
  lenient_options.ignore_errors = true;
  StringRead lenient(lenient_options);
  std::vector<std::string_view> keys{"blob"};
  ParsedReply parsed(reply);
  lenient.fetcher.consume(keys, 0, parsed.root(), lenient.context);
  EXPECT_EQ(lenient.context.rows, (std::vector<std::string>{"blob"}));
}

// An MGET reply of `n` values of `size` bytes each.
std::string mget_reply(size_t n, size_t size) {
  std::string reply = "*" + std::to_string(n) + "\r\n";
  for (size_t i = 0; i < n; ++i) reply += "$" + std::to_string(size) + "\r\n" + std::string(size, 'v') + "\r\n";
  return reply;
}

TEST(StringFetcher, GroupsFollowValueSizes) {
  StringRead read(value_of(TypeId::kString));
  // Before any value was seen: small groups.
  EXPECT_EQ(read.fetcher.keys_per_command(), 16u);
  std::vector<std::string_view> two{"a", "b"};
  ParsedReply large(mget_reply(2, 600 * 1024));
  read.fetcher.consume(two, 0, large.root(), read.context);
  EXPECT_EQ(read.fetcher.keys_per_command(), 1u);  // one 600 KiB value per MGET
  ParsedReply medium(mget_reply(2, 64 * 1024));
  read.fetcher.consume(two, 0, medium.root(), read.context);
  EXPECT_EQ(read.fetcher.keys_per_command(), 16u);  // 1 MiB / 64 KiB
  ParsedReply small(mget_reply(2, 40));
  read.fetcher.consume(two, 0, small.root(), read.context);
  EXPECT_EQ(read.fetcher.keys_per_command(), 1000u);  // capped at keys_per_mget
}

TEST(StringFetcher, OneSampleGroupIsInFlightUntilValueSizesAreKnown) {
  StringRead read(value_of(TypeId::kString));
  // Before the first reply, one group of 16 at a time: a thousand 100 MiB values must not be
  // asked for in 64 groups at once.
  EXPECT_EQ(read.fetcher.max_keys_in_flight(), 16);
  std::vector<std::string_view> two{"a", "b"};
  ParsedReply small(mget_reply(2, 40));
  read.fetcher.consume(two, 0, small.root(), read.context);
  EXPECT_EQ(read.fetcher.max_keys_in_flight(), -1);
  // Without a value column there is no MGET whose size could matter.
  StringFetchOptions ttl_only;
  ttl_only.metadata.include_ttl = true;
  StringRead metadata_read(ttl_only);
  EXPECT_EQ(metadata_read.fetcher.max_keys_in_flight(), -1);
}

// An MGET reply of n values, the first `nils` of them nil (keys gone or of another type).
std::string mget_with_nils(size_t n, size_t nils) {
  std::string reply = "*" + std::to_string(n) + "\r\n";
  for (size_t i = 0; i < n; ++i) reply += i < nils ? "$-1\r\n" : "$1\r\nv\r\n";
  return reply;
}

TEST(StringFetcher, TheTypeFilterIsNeededOnceOneKeyInEightIsMissing) {
  StringRead read(value_of(TypeId::kString));
  EXPECT_FALSE(read.fetcher.needs_type_filter());  // MGET's nil skips other types by itself
  std::vector<std::string> names;
  for (int i = 0; i < 200; ++i) names.push_back("k" + std::to_string(i));
  const std::vector<std::string_view> keys(names.begin(), names.end());
  auto consume = [&](size_t n, size_t nils) {
    ParsedReply reply(mget_with_nils(n, nils));
    read.fetcher.consume(std::span(keys).first(n), 0, reply.root(), read.context);
  };
  consume(16, 15);  // 15 of 16 missing: too few to judge
  EXPECT_FALSE(read.fetcher.needs_type_filter());
  consume(200, 10);  // 25 of 216 missing: under one in eight
  EXPECT_FALSE(read.fetcher.needs_type_filter());
  consume(100, 5);  // 30 of 316
  EXPECT_FALSE(read.fetcher.needs_type_filter());
  consume(100, 25);  // 55 of 416: over one in eight (52)
  EXPECT_TRUE(read.fetcher.needs_type_filter());
}

TEST(StringFetcher, ReadsWithoutMgetOrWithMetadataNeedTheTypeFilter) {
  // Only the key (no value column): nothing would tell a hash from a string.
  StringFetchOptions key_only;
  StringRead keys(key_only);
  EXPECT_TRUE(keys.fetcher.needs_type_filter());
  // With TTL, each key costs a command of its own before MGET: the server's TYPE check is cheaper.
  StringFetchOptions with_ttl = value_of(TypeId::kString);
  with_ttl.metadata.include_ttl = true;
  StringRead ttl(with_ttl);
  EXPECT_TRUE(ttl.fetcher.needs_type_filter());
}

TEST(StringFetcher, MetadataKeepsGroupsSmall) {
  StringFetchOptions options = value_of(TypeId::kString);
  options.metadata.include_ttl = true;
  StringRead read(options);
  std::vector<std::string_view> two{"a", "b"};
  ParsedReply ttl(":-1\r\n");
  ParsedReply small(mget_reply(2, 40));
  read.fetcher.consume(two, 0, ttl.root(), read.context);
  read.fetcher.consume(two, 1, ttl.root(), read.context);
  read.fetcher.consume(two, 2, small.root(), read.context);
  EXPECT_EQ(read.fetcher.keys_per_command(), 16u);
}

TEST(StringFetcher, MgetErrorReplyIsAResponseError) {
  const Error e = mget_error(TypeId::kString, "a", "-NOPERM no access\r\n");
  EXPECT_EQ(e.kind(), ErrorKind::kResponse);
  EXPECT_NE(std::string(e.what()).find("NOPERM"), std::string::npos);
}

}  // namespace
}  // namespace polars_redis::read
