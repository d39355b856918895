#include "polars_redis/read/row_index.hpp"

#include "polars_redis/error.hpp"

namespace polars_redis::read {

int64_t row_index_value(int64_t offset, int64_t row, const std::string& column) {
  // Both are >= 0 and offset <= kRowIndexMax (checked when the scan was built), so no overflow.
  if (offset < 0 || offset > kRowIndexMax || row > kRowIndexMax - offset) {
    throw Error(ErrorKind::kInvalidArgument,
                "row index column '" + quote_for_message(column) + "' overflows UInt32: row_index_offset " +
                    std::to_string(offset) + " plus " + std::to_string(static_cast<uint64_t>(row) + 1) + " rows passes " +
                    std::to_string(kRowIndexMax) + "; pass a smaller row_index_offset");
  }
  return offset + row;
}

arrow::RecordBatch RowNumbering::number(arrow::RecordBatch batch) {
  arrow::BatchBuilder index;
  arrow::ColumnBuilder& column = index.add_column(column_, DataType::of(TypeId::kUInt32));
  column.reserve(batch.num_rows());
  for (int64_t i = 0; i < batch.num_rows(); ++i) column.append_int64(row_index_value(offset_, rows_ + i, column_));
  rows_ += batch.num_rows();
  batch.prepend(index.finish());
  return batch;
}

}  // namespace polars_redis::read
