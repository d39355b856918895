#include "polars_redis/arrow/record_batch.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "export.hpp"
#include "polars_redis/error.hpp"

namespace polars_redis::arrow {

RecordBatch::RecordBatch(RecordBatch&& other) noexcept
    : schemas_(std::exchange(other.schemas_, {})),
      arrays_(std::exchange(other.arrays_, {})),
      num_rows_(std::exchange(other.num_rows_, 0)),
      exported_(std::exchange(other.exported_, false)) {}

RecordBatch& RecordBatch::operator=(RecordBatch&& other) noexcept {
  if (this != &other) {
    release();
    schemas_ = std::exchange(other.schemas_, {});
    arrays_ = std::exchange(other.arrays_, {});
    num_rows_ = std::exchange(other.num_rows_, 0);
    exported_ = std::exchange(other.exported_, false);
  }
  return *this;
}

RecordBatch::~RecordBatch() { release(); }

void RecordBatch::release() {
  for (ArrowSchema& schema : schemas_) {
    if (schema.release != nullptr) schema.release(&schema);
  }
  for (ArrowArray& array : arrays_) {
    if (array.release != nullptr) array.release(&array);
  }
  schemas_.clear();
  arrays_.clear();
}

void RecordBatch::prepend(RecordBatch front) {
  if (exported_ || front.exported_) throw Error(ErrorKind::kInvalidArgument, "an exported batch cannot take more columns");
  if (front.num_rows_ != num_rows_) {
    throw Error(ErrorKind::kInvalidArgument, "cannot put columns of " + std::to_string(front.num_rows_) +
                                                 " rows in front of a batch of " + std::to_string(num_rows_));
  }
  schemas_.insert(schemas_.begin(), front.schemas_.begin(), front.schemas_.end());
  arrays_.insert(arrays_.begin(), front.arrays_.begin(), front.arrays_.end());
  front.schemas_.clear();  // now owned (and released) here
  front.arrays_.clear();
}

void RecordBatch::truncate(int64_t rows) {
  if (rows >= num_rows_ || rows < 0) return;
  for (ArrowArray& array : arrays_) {
    array.length = std::min(array.length, rows);
    if (array.null_count == 0 || array.buffers[0] == nullptr) continue;
    // The null count must describe the kept rows: count the validity bits again.
    const auto* bits = static_cast<const uint8_t*>(array.buffers[0]);
    int64_t valid = 0;
    for (int64_t row = array.offset; row < array.offset + array.length; ++row) valid += (bits[row >> 3] >> (row & 7)) & 1;
    array.null_count = array.length - valid;
  }
  num_rows_ = rows;
}

void RecordBatch::export_to(ArrowSchema* schema, ArrowArray* array) {
  if (exported_) throw Error(ErrorKind::kInvalidArgument, "a record batch can be exported only once");
  // The struct's children take over the column structs; the vectors are left empty.
  detail::export_schema(schema, "+s", "", 0, std::exchange(schemas_, {}));
  detail::export_array(array, num_rows_, 0, std::vector<Buffer>(1), std::exchange(arrays_, {}));
  exported_ = true;
}

ColumnBuilder& BatchBuilder::add_column(std::string name, const DataType& dtype) {
  columns_.push_back(make_column_builder(dtype));
  names_.push_back(std::move(name));
  return *columns_.back();
}

void BatchBuilder::reserve(int64_t rows) {
  for (auto& column : columns_) column->reserve(rows);
}

RecordBatch BatchBuilder::finish() {
  const int64_t rows = num_rows();
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i]->length() != rows) {
      throw Error(ErrorKind::kInvalidArgument, "column '" + names_[i] + "' has " +
                                                   std::to_string(columns_[i]->length()) + " rows, expected " +
                                                   std::to_string(rows));
    }
  }
  RecordBatch batch;
  batch.num_rows_ = rows;
  // Value-initialised structs have release == nullptr, so a partial batch cleans up correctly.
  batch.schemas_.resize(columns_.size());
  batch.arrays_.resize(columns_.size());
  for (size_t i = 0; i < columns_.size(); ++i) {
    columns_[i]->finish(&batch.arrays_[i]);
    columns_[i]->export_schema(&batch.schemas_[i], names_[i]);
  }
  rows_without_columns_ = 0;
  return batch;
}

}  // namespace polars_redis::arrow
