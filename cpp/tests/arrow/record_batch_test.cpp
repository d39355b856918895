#include "polars_redis/arrow/record_batch.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <utility>

#include "polars_redis/error.hpp"
#include "support/arrow_reading.hpp"

namespace polars_redis::arrow {
namespace {

using test_support::type;

int64_t int64_at(const ArrowArray& array, int64_t i) { return test_support::value_at<int64_t>(array, i); }

// The bytes of an inlined (<= 12 bytes) view.
std::string inline_string_at(const ArrowArray& array, int64_t i) {
  const auto* view = static_cast<const uint8_t*>(array.buffers[1]) + i * 16;
  int32_t length;
  std::memcpy(&length, view, 4);
  return std::string(reinterpret_cast<const char*>(view + 4), static_cast<size_t>(length));
}

// Three columns, `rows` rows: id (Int64), name (String, null on odd rows), ok (Boolean).
BatchBuilder three_columns() {
  BatchBuilder builder;
  builder.add_column("id", type(TypeId::kInt64));
  builder.add_column("name", type(TypeId::kString));
  builder.add_column("ok", type(TypeId::kBoolean));
  return builder;
}

void append_rows(BatchBuilder& builder, int64_t first, int64_t rows) {
  for (int64_t i = first; i < first + rows; ++i) {
    builder.column(0).append_int64(i);
    if (i % 2 == 0) {
      builder.column(1).append_text("row" + std::to_string(i));
    } else {
      builder.column(1).append_null();
    }
    builder.column(2).append_bool(i % 3 == 0);
  }
}

// A batch exports as one struct array: the same owner as a column's.
using ExportedBatch = test_support::Exported;

TEST(RecordBatch, ExportsAStructOfColumns) {
  BatchBuilder builder = three_columns();
  append_rows(builder, 0, 4);
  EXPECT_EQ(builder.num_rows(), 4);
  RecordBatch batch = builder.finish();
  EXPECT_EQ(batch.num_rows(), 4);
  EXPECT_EQ(batch.num_columns(), 3u);

  ExportedBatch out;
  batch.export_to(&out.schema, &out.array);
  EXPECT_EQ(batch.num_columns(), 0u);

  EXPECT_STREQ(out.schema.format, "+s");
  EXPECT_STREQ(out.schema.name, "");
  EXPECT_EQ(out.schema.flags, 0);
  ASSERT_EQ(out.schema.n_children, 3);
  EXPECT_STREQ(out.schema.children[0]->name, "id");
  EXPECT_STREQ(out.schema.children[0]->format, "l");
  EXPECT_STREQ(out.schema.children[1]->name, "name");
  EXPECT_STREQ(out.schema.children[1]->format, "vu");
  EXPECT_STREQ(out.schema.children[2]->name, "ok");
  EXPECT_STREQ(out.schema.children[2]->format, "b");
  for (int i = 0; i < 3; ++i) EXPECT_NE(out.schema.children[i]->release, nullptr);

  EXPECT_EQ(out.array.length, 4);
  EXPECT_EQ(out.array.null_count, 0);
  EXPECT_EQ(out.array.offset, 0);
  ASSERT_EQ(out.array.n_buffers, 1);
  EXPECT_EQ(out.array.buffers[0], nullptr);
  ASSERT_EQ(out.array.n_children, 3);
  const ArrowArray& ids = *out.array.children[0];
  const ArrowArray& names = *out.array.children[1];
  const ArrowArray& oks = *out.array.children[2];
  EXPECT_EQ(ids.length, 4);
  EXPECT_EQ(int64_at(ids, 3), 3);
  EXPECT_EQ(names.null_count, 2);
  EXPECT_EQ(inline_string_at(names, 2), "row2");
  EXPECT_EQ(static_cast<const uint8_t*>(names.buffers[0])[0], 0b0101);
  EXPECT_EQ(static_cast<const uint8_t*>(oks.buffers[1])[0], 0b1001);
}

TEST(RecordBatch, TruncateKeepsTheFirstRowsAndRecountsNulls) {
  BatchBuilder builder = three_columns();
  append_rows(builder, 0, 10);  // names: null on the 5 odd rows
  RecordBatch batch = builder.finish();
  batch.truncate(20);  // more than it has: unchanged
  EXPECT_EQ(batch.num_rows(), 10);
  batch.truncate(3);   // rows 0, 1, 2: one null name
  EXPECT_EQ(batch.num_rows(), 3);

  ExportedBatch out;
  batch.export_to(&out.schema, &out.array);
  EXPECT_EQ(out.array.length, 3);
  const ArrowArray& ids = *out.array.children[0];
  const ArrowArray& names = *out.array.children[1];
  EXPECT_EQ(ids.length, 3);
  EXPECT_EQ(int64_at(ids, 2), 2);
  EXPECT_EQ(names.length, 3);
  EXPECT_EQ(names.null_count, 1);
  EXPECT_EQ(out.array.children[2]->length, 3);
}

TEST(RecordBatch, ParentReleaseFreesChildrenOnce) {
  BatchBuilder builder = three_columns();
  append_rows(builder, 0, 10);
  RecordBatch batch = builder.finish();
  ArrowSchema schema;
  ArrowArray array;
  batch.export_to(&schema, &array);
  // The children are freed by these calls: ASan reports a leak or a double free.
  array.release(&array);
  schema.release(&schema);
  EXPECT_EQ(array.release, nullptr);
  EXPECT_EQ(schema.release, nullptr);
}

TEST(RecordBatch, ConsumerMayMoveAChildOut) {
  BatchBuilder builder = three_columns();
  append_rows(builder, 0, 3);
  RecordBatch batch = builder.finish();
  ExportedBatch out;
  batch.export_to(&out.schema, &out.array);

  // As the spec allows: move the child struct, mark the original released, release it later.
  ArrowArray ids = *out.array.children[0];
  out.array.children[0]->release = nullptr;
  ArrowSchema id_schema = *out.schema.children[0];
  out.schema.children[0]->release = nullptr;
  out.array.release(&out.array);
  out.schema.release(&out.schema);

  EXPECT_EQ(int64_at(ids, 2), 2);  // still alive after the parent was released
  EXPECT_STREQ(id_schema.name, "id");
  ids.release(&ids);
  id_schema.release(&id_schema);
}

TEST(RecordBatch, ZeroColumnsKeepTheRowCount) {
  BatchBuilder builder;
  for (int i = 0; i < 5; ++i) builder.add_row_without_columns();
  EXPECT_EQ(builder.num_rows(), 5);
  RecordBatch batch = builder.finish();
  EXPECT_EQ(batch.num_rows(), 5);
  EXPECT_EQ(builder.num_rows(), 0);

  ExportedBatch out;
  batch.export_to(&out.schema, &out.array);
  EXPECT_STREQ(out.schema.format, "+s");
  EXPECT_EQ(out.schema.n_children, 0);
  EXPECT_EQ(out.array.length, 5);
  EXPECT_EQ(out.array.n_children, 0);
  EXPECT_EQ(out.array.n_buffers, 1);
  EXPECT_EQ(out.array.buffers[0], nullptr);
}

TEST(RecordBatch, DefaultBatchExportsEmptyStruct) {
  RecordBatch batch;
  ExportedBatch out;
  batch.export_to(&out.schema, &out.array);
  EXPECT_EQ(out.array.length, 0);
  EXPECT_EQ(out.array.n_children, 0);
}

TEST(RecordBatch, ExportIsOnce) {
  RecordBatch batch;
  ExportedBatch first;
  batch.export_to(&first.schema, &first.array);
  ExportedBatch second;
  EXPECT_THROW(batch.export_to(&second.schema, &second.array), Error);
  EXPECT_EQ(second.array.release, nullptr);
}

TEST(RecordBatch, UnexportedBatchIsReleasedByItsDestructor) {
  BatchBuilder builder = three_columns();
  append_rows(builder, 0, 100);
  RecordBatch batch = builder.finish();
  EXPECT_EQ(batch.num_rows(), 100);
}  // LeakSanitizer fails the run if the columns leak

TEST(RecordBatch, MoveTransfersOwnership) {
  BatchBuilder builder = three_columns();
  append_rows(builder, 0, 7);
  RecordBatch first = builder.finish();
  RecordBatch second(std::move(first));
  EXPECT_EQ(first.num_columns(), 0u);  // the moved-from batch is empty
  EXPECT_EQ(first.num_rows(), 0);
  EXPECT_EQ(second.num_rows(), 7);

  append_rows(builder, 7, 2);
  RecordBatch third = builder.finish();
  third = std::move(second);  // releases third's own columns first
  EXPECT_EQ(third.num_rows(), 7);
  EXPECT_EQ(third.num_columns(), 3u);

  ExportedBatch out;
  third.export_to(&out.schema, &out.array);
  EXPECT_EQ(int64_at(*out.array.children[0], 6), 6);
}

TEST(BatchBuilder, ReusedAcrossBatches) {
  BatchBuilder builder = three_columns();
  builder.reserve(8);
  append_rows(builder, 0, 5);
  RecordBatch first = builder.finish();
  EXPECT_EQ(builder.num_rows(), 0);
  append_rows(builder, 5, 3);
  RecordBatch second = builder.finish();
  EXPECT_EQ(first.num_rows(), 5);
  EXPECT_EQ(second.num_rows(), 3);

  ExportedBatch out;
  second.export_to(&out.schema, &out.array);
  EXPECT_EQ(out.array.children[0]->length, 3);
  EXPECT_EQ(int64_at(*out.array.children[0], 0), 5);
  EXPECT_EQ(inline_string_at(*out.array.children[1], 1), "row6");
}

TEST(BatchBuilder, UnequalColumnsAreRejectedWithoutLosingRows) {
  BatchBuilder builder = three_columns();
  append_rows(builder, 0, 2);
  builder.column(0).append_int64(99);
  EXPECT_THROW(builder.finish(), Error);
  builder.column(1).append_null();
  builder.column(2).append_null();
  RecordBatch batch = builder.finish();
  EXPECT_EQ(batch.num_rows(), 3);
}

TEST(RecordBatch, PrependPutsColumnsInFrontWithoutCopying) {
  BatchBuilder values = three_columns();
  append_rows(values, 0, 3);
  RecordBatch batch = values.finish();
  BatchBuilder index;
  index.add_column("n", type(TypeId::kInt64));
  for (int64_t i = 0; i < 3; ++i) index.column(0).append_int64(100 + i);
  batch.prepend(index.finish());
  EXPECT_EQ(batch.num_columns(), 4u);
  EXPECT_EQ(batch.num_rows(), 3);

  ExportedBatch out;
  batch.export_to(&out.schema, &out.array);
  ASSERT_EQ(out.schema.n_children, 4);
  EXPECT_STREQ(out.schema.children[0]->name, "n");
  EXPECT_STREQ(out.schema.children[1]->name, "id");
  EXPECT_STREQ(out.schema.children[3]->name, "ok");
  EXPECT_EQ(int64_at(*out.array.children[0], 2), 102);
  EXPECT_EQ(int64_at(*out.array.children[1], 2), 2);
  EXPECT_EQ(inline_string_at(*out.array.children[2], 2), "row2");
}

TEST(RecordBatch, PrependRefusesADifferentRowCount) {
  BatchBuilder values = three_columns();
  append_rows(values, 0, 3);
  RecordBatch batch = values.finish();
  BatchBuilder index;
  index.add_column("n", type(TypeId::kInt64)).append_int64(0);
  try {
    batch.prepend(index.finish());
    FAIL() << "a 1-row column went in front of 3 rows";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kInvalidArgument);
    EXPECT_STREQ(error.what(), "cannot put columns of 1 rows in front of a batch of 3");
  }
  EXPECT_EQ(batch.num_columns(), 3u);  // unchanged, and still releasable (LeakSanitizer)
}

}  // namespace
}  // namespace polars_redis::arrow
