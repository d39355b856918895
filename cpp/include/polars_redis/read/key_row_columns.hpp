#pragma once
// The row-index and key columns a key reader puts ahead of its fetcher's columns, and the end of
// each row (its number, its key). Shared by the SCAN path and snapshot reads so both number rows
// and reject keys alike.
#include <cstdint>
#include <string_view>

#include "polars_redis/arrow/record_batch.hpp"
#include "polars_redis/read/key_scan.hpp"

namespace polars_redis::read {

class KeyRowColumns {
 public:
  // Adds the columns `options` asks for to `batch` (call before the fetcher adds its own).
  KeyRowColumns(const KeyScanOptions& options, arrow::BatchBuilder& batch);
  // Ends the row of `key`, the `rows_before`-th of the scan. Throws Error(kSchema) for a key that
  // is not UTF-8 when the key column is selected.
  void finish_row(std::string_view key, int64_t rows_before);

 private:
  const KeyScanOptions& options_;
  arrow::BatchBuilder& batch_;
  arrow::ColumnBuilder* index_column_ = nullptr;
  arrow::ColumnBuilder* key_column_ = nullptr;
};

}  // namespace polars_redis::read
