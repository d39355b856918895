#include "polars_redis/read/key_row_columns.hpp"

#include "polars_redis/read/row_index.hpp"

#include "polars_redis/error.hpp"

namespace polars_redis::read {

KeyRowColumns::KeyRowColumns(const KeyScanOptions& options, arrow::BatchBuilder& batch) : options_(options), batch_(batch) {
  if (options.include_row_index) index_column_ = &batch.add_column(options.row_index_column_name, DataType::of(TypeId::kUInt32));
  if (options.include_key) key_column_ = &batch.add_column(options.key_column_name, DataType::of(TypeId::kString));
}

void KeyRowColumns::finish_row(std::string_view key, int64_t rows_before) {
  if (index_column_) index_column_->append_int64(row_index_value(options_.row_index_offset, rows_before, options_.row_index_column_name));
  if (key_column_ && !key_column_->append_text(key)) {
    // The key column is String (UTF-8); a binary key would leave the row's columns uneven.
    throw Error(ErrorKind::kSchema, "key " + quote_for_message(key) + " is not valid UTF-8, so it cannot go into the String column '" +
                                        options_.key_column_name + "': narrow the pattern or pass include_key=False");
  }
  if (batch_.num_columns() == 0) batch_.add_row_without_columns();
}

}  // namespace polars_redis::read
