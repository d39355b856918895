#include "polars_redis/read/row_index.hpp"

#include <gtest/gtest.h>

#include <string>

#include "polars_redis/error.hpp"
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

}  // namespace
}  // namespace polars_redis::read
