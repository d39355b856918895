#include "polars_redis/arrow/nested_builders.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "polars_redis/error.hpp"
#include "support/arrow_reading.hpp"

namespace polars_redis::arrow {
namespace {

using namespace test_support;  // NOLINT: the shared readers of exported arrays

// value_at with the buffer first, as the nested layouts read (offsets, then children's values).
template <typename T>
T value_at(const ArrowArray& array, int buffer, int64_t i) {
  return test_support::value_at<T>(array, i, buffer);
}

TEST(NestedBuilders, ListOfIntegersWithNullAndEmptyRows) {
  auto builder = make_column_builder(DataType::list_of(DataType::of(TypeId::kInt64)));
  auto& list = static_cast<ListBuilder&>(*builder);
  list.items().append_int64(1);
  list.items().append_int64(2);
  list.close_list();   // [1, 2]
  list.append_null();  // null
  list.close_list();   // []
  list.items().append_null();
  list.items().append_int64(3);
  list.close_list();   // [null, 3]
  Exported out;
  finish(*builder, out);

  EXPECT_STREQ(out.schema.format, "+L");
  ASSERT_EQ(out.schema.n_children, 1);
  EXPECT_STREQ(out.schema.children[0]->format, "l");
  EXPECT_STREQ(out.schema.children[0]->name, "item");
  ASSERT_EQ(out.array.length, 4);
  EXPECT_EQ(out.array.null_count, 1);
  ASSERT_EQ(out.array.n_buffers, 2);
  const int64_t offsets[] = {0, 2, 2, 2, 4};
  for (int i = 0; i < 5; ++i) EXPECT_EQ(value_at<int64_t>(out.array, 1, i), offsets[i]) << i;
  EXPECT_TRUE(bit(out.array.buffers[0], 0));
  EXPECT_FALSE(bit(out.array.buffers[0], 1));
  EXPECT_TRUE(bit(out.array.buffers[0], 2));
  EXPECT_TRUE(bit(out.array.buffers[0], 3));
  ASSERT_EQ(out.array.n_children, 1);
  const ArrowArray& items = *out.array.children[0];
  ASSERT_EQ(items.length, 4);
  EXPECT_EQ(items.null_count, 1);
  EXPECT_EQ(value_at<int64_t>(items, 1, 0), 1);
  EXPECT_EQ(value_at<int64_t>(items, 1, 1), 2);
  EXPECT_FALSE(bit(items.buffers[0], 2));
  EXPECT_EQ(value_at<int64_t>(items, 1, 3), 3);
}

TEST(NestedBuilders, NextBatchOffsetsStartAtZero) {
  auto builder = make_column_builder(DataType::list_of(DataType::of(TypeId::kInt32)));
  auto& list = static_cast<ListBuilder&>(*builder);
  list.items().append_int64(7);
  list.close_list();
  Exported first;
  finish(*builder, first);
  list.items().append_int64(8);
  list.items().append_int64(9);
  list.close_list();
  Exported second;
  finish(*builder, second);
  ASSERT_EQ(second.array.length, 1);
  EXPECT_EQ(second.array.null_count, 0);
  EXPECT_EQ(second.array.buffers[0], nullptr);  // no nulls: no bitmap
  EXPECT_EQ(value_at<int64_t>(second.array, 1, 0), 0);
  EXPECT_EQ(value_at<int64_t>(second.array, 1, 1), 2);
  EXPECT_EQ(value_at<int32_t>(*second.array.children[0], 1, 1), 9);
}

TEST(NestedBuilders, StructWithNestedListAndNullRow) {
  DataType dtype = DataType::struct_of({{"a", DataType::of(TypeId::kInt64)},
                                        {"b", DataType::list_of(DataType::of(TypeId::kFloat64))}});
  auto builder = make_column_builder(dtype);
  auto& row = static_cast<StructBuilder&>(*builder);
  ASSERT_EQ(row.num_fields(), 2u);
  row.field(0).append_int64(5);
  auto& b = static_cast<ListBuilder&>(row.field(1));
  b.items().append_double(1.5);
  b.close_list();
  row.close_struct();   // {a: 5, b: [1.5]}
  row.append_null();    // null: every field gets a null slot
  row.field(0).append_null();
  b.close_list();
  row.close_struct();   // {a: null, b: []}
  Exported out;
  finish(*builder, out);

  EXPECT_STREQ(out.schema.format, "+s");
  ASSERT_EQ(out.schema.n_children, 2);
  EXPECT_STREQ(out.schema.children[0]->name, "a");
  EXPECT_STREQ(out.schema.children[1]->name, "b");
  EXPECT_STREQ(out.schema.children[1]->format, "+L");
  EXPECT_STREQ(out.schema.children[1]->children[0]->format, "g");
  ASSERT_EQ(out.array.length, 3);
  EXPECT_EQ(out.array.n_buffers, 1);
  EXPECT_EQ(out.array.null_count, 1);
  EXPECT_FALSE(bit(out.array.buffers[0], 1));
  const ArrowArray& a = *out.array.children[0];
  const ArrowArray& list = *out.array.children[1];
  ASSERT_EQ(a.length, 3);
  ASSERT_EQ(list.length, 3);
  EXPECT_EQ(value_at<int64_t>(a, 1, 0), 5);
  EXPECT_EQ(a.null_count, 2);
  EXPECT_EQ(list.null_count, 1);
  EXPECT_EQ(value_at<int64_t>(list, 1, 3), 1);  // offsets 0,1,1,1
  EXPECT_EQ(value_at<double>(*list.children[0], 1, 0), 1.5);
}

TEST(NestedBuilders, NestedBuildersNeverTakeText) {
  auto list = make_column_builder(DataType::list_of(DataType::of(TypeId::kString)));
  EXPECT_FALSE(list->append_text("[1]"));
  EXPECT_FALSE(list->append_int64(1));
  auto row = make_column_builder(DataType::struct_of({{"a", DataType::of(TypeId::kString)}}));
  EXPECT_FALSE(row->append_text("{}"));
  EXPECT_EQ(list->length(), 0);
  EXPECT_EQ(row->length(), 0);
}

TEST(NestedBuilders, MalformedNestedDtypesAreRejected) {
  EXPECT_THROW(make_column_builder(DataType::of(TypeId::kList)), Error);
  DataType unnamed = DataType::of(TypeId::kStruct);
  unnamed.children.push_back(DataType::of(TypeId::kInt64));
  EXPECT_THROW(make_column_builder(unnamed), Error);
}

TEST(NestedBuilders, DtypeNamesReadLikePolars) {
  EXPECT_EQ(DataType::list_of(DataType::of(TypeId::kInt64)).name(), "List(Int64)");
  DataType row = DataType::struct_of({{"a", DataType::of(TypeId::kInt64)},
                                      {"b c", DataType::list_of(DataType::of(TypeId::kString))}});
  EXPECT_EQ(row.name(), "Struct({'a': Int64, 'b c': List(String)})");
  EXPECT_EQ(DataType::id_from_string("list"), TypeId::kList);
  EXPECT_STREQ(DataType::id_to_string(TypeId::kStruct), "struct");
}

}  // namespace
}  // namespace polars_redis::arrow
