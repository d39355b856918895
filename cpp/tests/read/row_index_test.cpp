#include "polars_redis/read/row_index.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "polars_redis/error.hpp"
#include "support/arrow_reading.hpp"
#include "support/int_batch.hpp"
#include "support/thrown_error.hpp"

namespace polars_redis::read {
namespace {

using test_support::thrown_error;

TEST(RowIndex, NumbersUpToUInt32Max) {
  EXPECT_EQ(row_index_value(0, 0, "_index"), 0);
  EXPECT_EQ(row_index_value(10, 5, "_index"), 15);
  EXPECT_EQ(row_index_value(kRowIndexMax, 0, "_index"), kRowIndexMax);
  EXPECT_EQ(row_index_value(kRowIndexMax - 2, 2, "_index"), kRowIndexMax);
  EXPECT_EQ(row_index_value(0, kRowIndexMax, "_index"), kRowIndexMax);
}

TEST(RowIndex, PastTheMaximumIsAnErrorNamingTheColumn) {
  for (auto [offset, row] : {std::pair<int64_t, int64_t>{kRowIndexMax, 1}, {kRowIndexMax - 2, 3}, {0, kRowIndexMax + 1},
                             {kRowIndexMax + 1, 0}, {-1, 0}, {INT64_MAX, INT64_MAX}}) {
    const Error error =
        thrown_error([&] { row_index_value(offset, row, "n"); }, std::to_string(offset) + " + " + std::to_string(row));
    EXPECT_EQ(error.kind(), ErrorKind::kInvalidArgument);
    EXPECT_NE(std::string(error.what()).find("row index column 'n' overflows UInt32"), std::string::npos);
  }
}

// The values of the UInt32 column in front of `batch` (exported, then released).
std::vector<uint32_t> leading_index(arrow::RecordBatch batch, std::string* name = nullptr) {
  test_support::Exported out;
  batch.export_to(&out.schema, &out.array);
  if (name) *name = out.schema.children[0]->name;
  std::vector<uint32_t> values;
  for (int64_t i = 0; i < out.array.length; ++i) values.push_back(test_support::value_at<uint32_t>(*out.array.children[0], i));
  return values;
}

TEST(RowNumbering, ContinuesAcrossBatchesFromTheOffset) {
  RowNumbering numbering("_index", 10);
  std::string name;
  EXPECT_EQ(leading_index(numbering.number(test_support::int_batch(2)), &name), (std::vector<uint32_t>{10, 11}));
  EXPECT_EQ(name, "_index");
  EXPECT_EQ(leading_index(numbering.number(test_support::int_batch(0))), std::vector<uint32_t>{});
  EXPECT_EQ(leading_index(numbering.number(test_support::int_batch(3))), (std::vector<uint32_t>{12, 13, 14}));
}

TEST(RowNumbering, ABatchPassingUInt32MaxIsAnError) {
  RowNumbering numbering("n", kRowIndexMax - 2);
  EXPECT_EQ(leading_index(numbering.number(test_support::int_batch(2))).back(), kRowIndexMax - 1);
  const Error error = thrown_error([&] { numbering.number(test_support::int_batch(2)); });
  EXPECT_EQ(error.kind(), ErrorKind::kInvalidArgument);
  EXPECT_NE(std::string(error.what()).find("row index column 'n' overflows UInt32"), std::string::npos);
}

}  // namespace
}  // namespace polars_redis::read
