#pragma once
// A batch of named columns, exported as one Arrow struct array (what Polars' DataFrame constructor
// takes through __arrow_c_array__), plus a builder that owns one ColumnBuilder per column.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "polars_redis/arrow/c_data.hpp"
#include "polars_redis/arrow/column_builder.hpp"

namespace polars_redis::arrow {

class RecordBatch {
 public:
  RecordBatch() = default;
  RecordBatch(const RecordBatch&) = delete;
  RecordBatch& operator=(const RecordBatch&) = delete;
  RecordBatch(RecordBatch&& other) noexcept;
  RecordBatch& operator=(RecordBatch&& other) noexcept;
  ~RecordBatch();  // releases whatever was not exported

  int64_t num_rows() const { return num_rows_; }
  size_t num_columns() const { return arrays_.size(); }
  // Keeps the first `rows` rows (a merge of several sources cutting at a row limit). The buffers
  // stay as they are: Arrow arrays may be longer than their length says.
  void truncate(int64_t rows);
  // Puts the columns of `front` (the same number of rows) ahead of this batch's, without copying
  // them: a reader that numbers rows only once their order is known adds its index column so.
  // Throws Error(kInvalidArgument), changing nothing, for a different row count.
  void prepend(RecordBatch front);

  // Moves the batch out as a top-level struct (format "+s") schema and array, whose release
  // callbacks free the columns too. Callable once (then throws Error(kInvalidArgument)).
  void export_to(ArrowSchema* schema, ArrowArray* array);

 private:
  friend class BatchBuilder;
  std::vector<ArrowSchema> schemas_;
  std::vector<ArrowArray> arrays_;
  int64_t num_rows_ = 0;
  bool exported_ = false;

  void release();
};

class BatchBuilder {
 public:
  // Adds a column; returns its builder (owned by the BatchBuilder, stable address).
  ColumnBuilder& add_column(std::string name, const DataType& dtype);
  ColumnBuilder& column(size_t i) { return *columns_[i]; }
  size_t num_columns() const { return columns_.size(); }
  int64_t num_rows() const { return columns_.empty() ? rows_without_columns_ : columns_[0]->length(); }
  // For a projection with no columns at all (count(*)): rows are counted here.
  void add_row_without_columns() { ++rows_without_columns_; }
  // Makes room for `rows` more rows in every column.
  void reserve(int64_t rows);
  // Hands the rows built so far to a RecordBatch and leaves the builder empty for the next batch.
  // Throws Error(kInvalidArgument), changing nothing, if the columns differ in length.
  RecordBatch finish();

 private:
  std::vector<std::string> names_;
  std::vector<std::unique_ptr<ColumnBuilder>> columns_;
  int64_t rows_without_columns_ = 0;
};

}  // namespace polars_redis::arrow
