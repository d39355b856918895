#include "polars_redis/read/key_metadata.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "polars_redis/error.hpp"
#include "support/parsed_reply.hpp"
#include "support/thrown_error.hpp"

namespace polars_redis::read {
namespace {

using test_support::thrown_error;
using test_support::ParsedReply;

// The Int64 values of every column of a finished batch, column by column.
std::vector<std::vector<int64_t>> int64_columns(arrow::BatchBuilder& batch) {
  arrow::RecordBatch finished = batch.finish();
  ArrowSchema schema;
  ArrowArray array;
  finished.export_to(&schema, &array);
  std::vector<std::vector<int64_t>> columns;
  for (int64_t c = 0; c < array.n_children; ++c) {
    const ArrowArray& child = *array.children[c];
    std::vector<int64_t> values(static_cast<size_t>(child.length));
    std::memcpy(values.data(), child.buffers[1], values.size() * sizeof(int64_t));
    columns.push_back(std::move(values));
  }
  array.release(&array);
  schema.release(&schema);
  return columns;
}

KeyMetadataOptions both() {
  KeyMetadataOptions options;
  options.include_ttl = true;
  options.include_memory_usage = true;
  return options;
}

TEST(KeyMetadata, NothingSelectedSendsNothing) {
  KeyMetadata metadata{KeyMetadataOptions{}};
  std::vector<std::string_view> keys{"a", "b"};
  std::string out;
  EXPECT_EQ(metadata.replies_per_key(), 0);
  EXPECT_EQ(metadata.encode(keys, out), 0);
  EXPECT_TRUE(out.empty());
}

TEST(KeyMetadata, EncodesTtlThenMemoryUsageKeyByKey) {
  KeyMetadata metadata{both()};
  std::vector<std::string_view> keys{"k1", "key:2"};
  std::string out;
  EXPECT_EQ(metadata.encode(keys, out), 4);
  EXPECT_EQ(out,
            "*2\r\n$3\r\nTTL\r\n$2\r\nk1\r\n"
            "*3\r\n$6\r\nMEMORY\r\n$5\r\nUSAGE\r\n$2\r\nk1\r\n"
            "*2\r\n$3\r\nTTL\r\n$5\r\nkey:2\r\n"
            "*3\r\n$6\r\nMEMORY\r\n$5\r\nUSAGE\r\n$5\r\nkey:2\r\n");
}

TEST(KeyMetadata, MemoryUsageAloneIsOneCommandPerKey) {
  KeyMetadataOptions options;
  options.include_memory_usage = true;
  KeyMetadata metadata{options};
  std::vector<std::string_view> keys{"x"};
  std::string out;
  EXPECT_EQ(metadata.encode(keys, out), 1);
  EXPECT_EQ(out, "*3\r\n$6\r\nMEMORY\r\n$5\r\nUSAGE\r\n$1\r\nx\r\n");
}

TEST(KeyMetadata, ConsumesRepliesIntoColumnsAndTellsMissingKeys) {
  KeyMetadata metadata{both()};
  arrow::BatchBuilder batch;
  metadata.add_columns(batch);
  std::vector<std::string_view> keys{"a", "gone", "b", "vanished"};
  // a: no expiry, 56 bytes; gone: TTL -2; b: 30 s, 72 bytes; vanished: MEMORY USAGE nil (RESP3).
  const char* replies[] = {":-1\r\n", ":56\r\n", ":-2\r\n", "$-1\r\n", ":30\r\n", ":72\r\n", ":-1\r\n", "_\r\n"};
  std::vector<size_t> completed;
  for (int i = 0; i < 8; ++i) {
    ParsedReply reply(replies[i]);
    if (auto key = metadata.consume(keys, i, reply.root())) completed.push_back(*key);
  }
  EXPECT_EQ(completed, (std::vector<size_t>{0, 1, 2, 3}));
  EXPECT_TRUE(metadata.exists(0));
  EXPECT_FALSE(metadata.exists(1));
  EXPECT_TRUE(metadata.exists(2));
  EXPECT_FALSE(metadata.exists(3));
  metadata.append(2);
  metadata.append(0);
  auto columns = int64_columns(batch);
  ASSERT_EQ(columns.size(), 2u);
  EXPECT_EQ(columns[0], (std::vector<int64_t>{30, -1}));
  EXPECT_EQ(columns[1], (std::vector<int64_t>{72, 56}));
}

TEST(KeyMetadata, EachGroupStartsAfresh) {
  KeyMetadataOptions options;
  options.include_ttl = true;
  KeyMetadata metadata{options};
  std::vector<std::string_view> first{"a", "b"};
  ParsedReply gone(":-2\r\n");
  ParsedReply kept(":5\r\n");
  metadata.consume(first, 0, gone.root());
  metadata.consume(first, 1, kept.root());
  EXPECT_FALSE(metadata.exists(0));
  std::vector<std::string_view> second{"c"};
  metadata.consume(second, 0, kept.root());
  EXPECT_TRUE(metadata.exists(0));
}

TEST(KeyMetadata, ErrorRepliesNameTheCommandAndKey) {
  KeyMetadata metadata{both()};
  std::vector<std::string_view> keys{"user:1"};
  ParsedReply error("-ERR something broke\r\n");
  const Error failed = thrown_error([&] { metadata.consume(keys, 1, error.root()); });
  EXPECT_EQ(failed.kind(), ErrorKind::kResponse);
  EXPECT_STREQ(failed.what(), "MEMORY USAGE 'user:1' failed: ERR something broke");
  ParsedReply text("+OK\r\n");
  const Error malformed = thrown_error([&] { metadata.consume(keys, 0, text.root()); });
  EXPECT_EQ(malformed.kind(), ErrorKind::kProtocol);
  EXPECT_NE(std::string(malformed.what()).find("TTL 'user:1'"), std::string::npos);
}

}  // namespace
}  // namespace polars_redis::read
