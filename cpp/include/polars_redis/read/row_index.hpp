#pragma once
// Row numbers of the row index column, which is UInt32 as Polars' with_row_index makes it.
#include <cstdint>
#include <string>
#include <utility>

#include "polars_redis/arrow/record_batch.hpp"

namespace polars_redis::read {

inline constexpr int64_t kRowIndexMax = 4294967295;  // UInt32 max

// `offset + row`, or an InvalidArgument error naming `column` when that passes kRowIndexMax:
// a wrapped or missing number would give a wrong row index or uneven columns.
int64_t row_index_value(int64_t offset, int64_t row, const std::string& column);

// Numbers the rows of a reader whose order is known only when the consumer takes its batches
// (shards or streams merged as their batches arrive): each batch gets the UInt32 column
// `column` in front, continuing from the previous batch. Readers that produce rows in order
// number them as they build them (KeyRowColumns) instead.
class RowNumbering {
 public:
  RowNumbering(std::string column, int64_t offset) : column_(std::move(column)), offset_(offset) {}
  // Throws Error(kInvalidArgument) when the numbers would pass kRowIndexMax.
  arrow::RecordBatch number(arrow::RecordBatch batch);

 private:
  std::string column_;
  int64_t offset_;
  int64_t rows_ = 0;  // rows numbered so far
};

}  // namespace polars_redis::read
