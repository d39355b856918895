#pragma once
// Stream entries ([id, [field, value, ...]] as XRANGE and XREADGROUP return them) parsed straight
// into column builders: the entry ID, its milliseconds, and the schema's fields typed by the same
// codecs as hashes. Shared by the XRANGE scan and the consumer-group reader.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "polars_redis/arrow/record_batch.hpp"
#include "polars_redis/read/field_matcher.hpp"
#include "polars_redis/read/field_spec.hpp"
#include "polars_redis/resp/parser.hpp"

namespace polars_redis::read {

struct StreamColumns {
  std::vector<FieldSpec> fields;   // the projected fields, in output order
  bool include_key = false;
  std::string key_column_name = "_key";
  bool include_id = true;
  std::string id_column_name = "_id";
  bool include_timestamp = true;
  std::string timestamp_column_name = "_ts";
  bool ignore_errors = false;
};

// The milliseconds part of an entry ID ("1700000000000-3" -> 1700000000000). Throws
// Error(kProtocol) for text that is not an entry ID.
int64_t stream_id_milliseconds(std::string_view id);

class StreamEntryDecoder {
 public:
  explicit StreamEntryDecoder(const StreamColumns& columns);
  // Adds the columns to `batch` (key, id, timestamp, then fields) and binds the decoder to it.
  void add_columns(arrow::BatchBuilder& batch);
  // Appends every entry of an array of entries for `key` and returns how many there were. The ID
  // of the last one is copied to `last_id` (left unchanged when the array is empty). An entry
  // whose fields are nil (a pending entry deleted since delivery) gets null fields.
  size_t append_entries(std::string_view key, const resp::NodeView& entries, std::string& last_id);

 private:
  void append_entry(std::string_view key, const resp::NodeView& entry);
  void append_value(std::string_view key, std::string_view id, size_t field, std::string_view raw);

  StreamColumns spec_;
  arrow::BatchBuilder* batch_ = nullptr;
  bool no_columns_ = false;           // count-only projection: rows are counted by the batch
  arrow::ColumnBuilder* key_column_ = nullptr;
  arrow::ColumnBuilder* id_column_ = nullptr;
  arrow::ColumnBuilder* ts_column_ = nullptr;
  std::vector<arrow::ColumnBuilder*> columns_;
  FieldMatcher matcher_;
};

}  // namespace polars_redis::read
