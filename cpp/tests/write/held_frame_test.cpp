// A frame held for a cluster write (held_frame.hpp): read once, replayed to several readers; and
// the slot of every row's key as the row writer renders it (row_key_slots).
#include "polars_redis/write/held_frame.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "polars_redis/arrow/imported_stream.hpp"
#include "polars_redis/arrow/record_batch.hpp"
#include "polars_redis/error.hpp"
#include "polars_redis/net/cluster_slot.hpp"
#include "polars_redis/write/row_writer.hpp"
#include "support/batch_stream.hpp"
#include "support/thrown_error.hpp"

namespace polars_redis::write {
namespace {

using test_support::thrown_error;

// One batch of a "_key" string column (nullopt: a null key) and an "n" integer column.
arrow::RecordBatch keys_batch(const std::vector<std::optional<std::string>>& keys, int64_t first_n) {
  arrow::BatchBuilder builder;
  auto& key = builder.add_column("_key", DataType::of(TypeId::kString));
  auto& n = builder.add_column("n", DataType::of(TypeId::kInt64));
  for (const auto& k : keys) {
    if (k) {
      key.append_text(*k);
    } else {
      key.append_null();
    }
    n.append_int64(first_n++);
  }
  return builder.finish();
}

ArrowArrayStream two_batches() {
  std::vector<arrow::RecordBatch> batches;
  batches.push_back(keys_batch({"a", "b", "c"}, 0));
  batches.push_back(keys_batch({"{t}x", "d"}, 3));
  return test_support::batch_stream(std::move(batches));
}

// The "_key" column's texts, read the way a writer reads a stream.
std::vector<std::string> keys_of(ArrowArrayStream* stream) {
  arrow::ImportedStream in(stream);
  std::vector<std::string> keys;
  while (in.next()) {
    for (int64_t row = 0; row < in.num_rows(); ++row) {
      std::string text;
      in.column(0).append_text(row, text);
      keys.push_back(text);
    }
  }
  return keys;
}

TEST(HeldFrame, EveryReplayReadsTheWholeFrame) {
  ArrowArrayStream stream = two_batches();
  const HeldFrame frame(&stream);
  EXPECT_EQ(stream.release, nullptr);  // taken over
  EXPECT_EQ(frame.num_rows(), 5);
  const std::vector<std::string> expected = {"a", "b", "c", "{t}x", "d"};
  ReplayedStream first = frame.replay(), second = frame.replay();
  EXPECT_EQ(keys_of(first.get()), expected);
  EXPECT_EQ(keys_of(second.get()), expected);  // readers do not consume the held batches
  ReplayedStream unread = frame.replay();  // released unread: nothing leaks (ASan)
}

TEST(HeldFrame, SlotsOfTheKeysTheWriterRenders) {
  ArrowArrayStream stream = two_batches();
  const HeldFrame frame(&stream);
  RowWriteOptions options;
  options.key_column = "_key";
  options.key_prefix = "p:";
  ReplayedStream keyed = frame.replay();
  const std::vector<uint16_t> slots = row_key_slots(keyed.get(), options);
  ASSERT_EQ(slots.size(), 5u);
  EXPECT_EQ(slots[0], net::key_slot("p:a"));
  EXPECT_EQ(slots[3], net::key_slot("t"));  // the hash tag
  EXPECT_EQ(slots[4], net::key_slot("p:d"));

  // Generated keys: prefix + the row's number, counted from row_offset (a sink's later batch).
  options.key_column.reset();
  options.row_offset = 100;
  ReplayedStream generated = frame.replay();
  const std::vector<uint16_t> numbered = row_key_slots(generated.get(), options);
  for (size_t i = 0; i < numbered.size(); ++i) EXPECT_EQ(numbered[i], net::key_slot("p:" + std::to_string(100 + i)));
}

TEST(HeldFrame, ANullKeyNamesItsRow) {
  std::vector<arrow::RecordBatch> batches;
  batches.push_back(keys_batch({"a"}, 0));
  batches.push_back(keys_batch({"b", std::nullopt}, 1));
  ArrowArrayStream stream = test_support::batch_stream(std::move(batches));
  RowWriteOptions options;
  options.key_column = "_key";
  options.row_offset = 10;
  const Error error = thrown_error([&] { row_key_slots(&stream, options); });
  EXPECT_EQ(error.kind(), ErrorKind::kInvalidArgument);
  EXPECT_NE(std::string(error.what()).find("row 12: "), std::string::npos) << error.what();
}

}  // namespace
}  // namespace polars_redis::write
