#include "polars_redis/arrow/column_view.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "polars_redis/arrow/record_batch.hpp"
#include "polars_redis/error.hpp"
#include "support/thrown_error.hpp"

namespace polars_redis::arrow {
namespace {

using test_support::thrown_error;

// Builds one column from text with our builders, exports it, and renders it back through a view.
struct Column {
  ArrowSchema schema{};
  ArrowArray array{};
  std::unique_ptr<ColumnView> view;

  Column(const DataType& dtype, const std::vector<const char*>& cells) {
    auto builder = make_column_builder(dtype);
    for (const char* cell : cells) {
      if (cell == nullptr) {
        builder->append_null();
      } else {
        EXPECT_TRUE(builder->append_text(cell)) << cell;
      }
    }
    builder->export_schema(&schema, "col");
    builder->finish(&array);
    view = ColumnView::make(schema, array);
  }
  ~Column() {
    view.reset();
    if (array.release) array.release(&array);
    if (schema.release) schema.release(&schema);
  }
  std::string text(int64_t row) const {
    std::string out;
    view->append_text(row, out);
    return out;
  }
  std::string json(int64_t row) const {
    std::string out;
    view->append_json(row, out);
    return out;
  }
};

DataType datetime(TimeUnit unit, std::string zone) {
  DataType dtype = DataType::of(TypeId::kDatetime);
  dtype.unit = unit;
  dtype.time_zone = std::move(zone);
  return dtype;
}

TEST(ColumnView, ScalarsRenderCanonicalText) {
  Column flags(DataType::of(TypeId::kBoolean), {"yes", "0", nullptr});
  EXPECT_EQ(flags.text(0), "true");
  EXPECT_EQ(flags.text(1), "false");
  EXPECT_TRUE(flags.view->is_null(2));
  EXPECT_EQ(flags.json(2), "null");

  Column ints(DataType::of(TypeId::kInt64), {"-9223372036854775808", "+42"});
  EXPECT_EQ(ints.text(0), "-9223372036854775808");
  EXPECT_EQ(ints.json(1), "42");
  int64_t value = 0;
  ASSERT_TRUE(ints.view->as_int64(1, value));
  EXPECT_EQ(value, 42);

  Column big(DataType::of(TypeId::kUInt64), {"18446744073709551615"});
  EXPECT_EQ(big.text(0), "18446744073709551615");
  EXPECT_FALSE(big.view->as_int64(0, value));  // does not fit an int64

  Column floats(DataType::of(TypeId::kFloat64), {"0.1", "1e300", "-inf"});
  EXPECT_EQ(floats.text(0), "0.1");
  EXPECT_EQ(floats.text(1), "1e+300");
  EXPECT_EQ(floats.text(2), "-inf");
  EXPECT_THROW(floats.json(2), Error);  // JSON has no infinity

  DataType dec = DataType::of(TypeId::kDecimal);
  dec.precision = 10;
  dec.scale = 2;
  Column decimals(dec, {"-1.5", "12345678.91"});
  EXPECT_EQ(decimals.text(0), "-1.50");
  EXPECT_EQ(decimals.json(1), "12345678.91");
}

TEST(ColumnView, StringsInlineAndOutOfLine) {
  Column strings(DataType::of(TypeId::kString), {"short", "a string longer than twelve bytes", "quote\"\n", nullptr});
  EXPECT_EQ(strings.text(0), "short");
  EXPECT_EQ(strings.text(1), "a string longer than twelve bytes");
  EXPECT_EQ(strings.json(2), "\"quote\\\"\\n\"");
  EXPECT_EQ(strings.json(3), "null");
  Column bytes(DataType::of(TypeId::kBinary), {"\xff\x01"});
  EXPECT_EQ(bytes.text(0), "\xff\x01");
  EXPECT_THROW(bytes.json(0), Error);
}

TEST(ColumnView, TemporalValuesAsIso) {
  Column dates(DataType::of(TypeId::kDate), {"2024-02-29", "-1"});
  EXPECT_EQ(dates.text(0), "2024-02-29");
  EXPECT_EQ(dates.text(1), "1969-12-31");
  EXPECT_EQ(dates.json(0), "\"2024-02-29\"");

  // 05:06:07.5 at +01:00 is 04:06:07.5 UTC; a zoned column says so with Z.
  Column zoned(datetime(TimeUnit::kMicrosecond, "Europe/Paris"), {"2024-03-04T05:06:07.5+01:00"});
  EXPECT_EQ(zoned.text(0), "2024-03-04T04:06:07.500000Z");
  Column naive(datetime(TimeUnit::kMillisecond, ""), {"2024-03-04T05:06:07"});
  EXPECT_EQ(naive.text(0), "2024-03-04T05:06:07");

  Column times(DataType::of(TypeId::kTime), {"01:02:03.25"});
  EXPECT_EQ(times.text(0), "01:02:03.250000000");
}

TEST(ColumnView, SlicesHonourTheOffset) {
  Column ints(DataType::of(TypeId::kInt32), {"1", nullptr, "3", "4"});
  ints.array.offset = 1;
  ints.array.length = 3;
  auto view = ColumnView::make(ints.schema, ints.array);
  EXPECT_TRUE(view->is_null(0));
  std::string out;
  view->append_text(1, out);
  EXPECT_EQ(out, "3");
}

TEST(ColumnView, DictionaryListAndStruct) {
  // A dictionary-encoded column (what Polars exports for Categorical and Enum): uint8 indices.
  Column values(DataType::of(TypeId::kString), {"red", "green"});
  uint8_t indices[] = {1, 0, 1};
  const void* index_buffers[] = {nullptr, indices};
  ArrowArray dict_array{3, 0, 0, 2, 0, index_buffers, nullptr, &values.array, nullptr, nullptr};
  ArrowSchema dict_schema{"C", "color", nullptr, 0, 0, nullptr, &values.schema, nullptr, nullptr};
  auto colors = ColumnView::make(dict_schema, dict_array);
  std::string out;
  colors->append_text(0, out);
  EXPECT_EQ(out, "green");
  out.clear();
  colors->append_json(1, out);
  EXPECT_EQ(out, "\"red\"");

  // A large list of int64 [[1, 2], [], [3]] and a struct {a: int64, s: string}.
  Column items(DataType::of(TypeId::kInt64), {"1", "2", "3"});
  int64_t offsets[] = {0, 2, 2, 3};
  const void* list_buffers[] = {nullptr, offsets};
  ArrowArray* list_children[] = {&items.array};
  ArrowSchema* list_child_schemas[] = {&items.schema};
  ArrowArray list_array{3, 0, 0, 2, 1, list_buffers, list_children, nullptr, nullptr, nullptr};
  ArrowSchema list_schema{"+L", "l", nullptr, 0, 1, list_child_schemas, nullptr, nullptr, nullptr};
  auto lists = ColumnView::make(list_schema, list_array);
  out.clear();
  lists->append_json(0, out);
  EXPECT_EQ(out, "[1,2]");
  out.clear();
  lists->append_text(1, out);
  EXPECT_EQ(out, "[]");

  Column a(DataType::of(TypeId::kInt64), {"7", nullptr});
  Column s(DataType::of(TypeId::kString), {"x", "y"});
  a.schema.name = "a";
  s.schema.name = "s";
  ArrowArray* struct_children[] = {&a.array, &s.array};
  ArrowSchema* struct_child_schemas[] = {&a.schema, &s.schema};
  const void* struct_buffers[] = {nullptr};
  ArrowArray struct_array{2, 0, 0, 1, 2, struct_buffers, struct_children, nullptr, nullptr, nullptr};
  ArrowSchema struct_schema{"+s", "st", nullptr, 0, 2, struct_child_schemas, nullptr, nullptr, nullptr};
  auto structs = ColumnView::make(struct_schema, struct_array);
  out.clear();
  structs->append_json(1, out);
  EXPECT_EQ(out, "{\"a\":null,\"s\":\"y\"}");
}

TEST(ColumnView, UnsupportedFormatsNameTheColumn) {
  ArrowSchema duration{"tDu", "elapsed", nullptr, 0, 0, nullptr, nullptr, nullptr, nullptr};
  ArrowArray empty{};
  const Error e = thrown_error([&] { ColumnView::make(duration, empty); });
  EXPECT_EQ(e.kind(), ErrorKind::kInvalidArgument);
  EXPECT_NE(std::string(e.what()).find("elapsed"), std::string::npos);
}

}  // namespace
}  // namespace polars_redis::arrow
