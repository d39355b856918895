#pragma once
// What a Redis type contributes to a write: the command that stores one DataFrame row under its
// key. Modes, TTLs, pipelining and atomicity are the row writer's (row_writer.hpp).
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "polars_redis/arrow/imported_stream.hpp"
#include "polars_redis/resp/encoder.hpp"

namespace polars_redis::write {

class ValueEncoder {
 public:
  virtual ~ValueEncoder() = default;
  // Checks the frame's columns (the value columns are every column but the excluded ones).
  virtual void bind(const arrow::ImportedStream& in, const std::vector<int>& value_columns) = 0;
  // The command creating the row's value from scratch (HSET, JSON.SET, SET); false when the row
  // has nothing to store (a hash row whose fields are all null).
  virtual bool encode_set(const arrow::ImportedStream& in, int64_t row, std::string_view key,
                          resp::ArgumentList& args) = 0;
  // The command merging the row into an existing value (HSET, JSON.MERGE, SET KEEPTTL).
  virtual bool encode_merge(const arrow::ImportedStream& in, int64_t row, std::string_view key,
                            resp::ArgumentList& args) = 0;
  // Encoders of whole values (restore_encoder.hpp) replace and create keys with one RESTORE that
  // carries the TTL (kind 0 none, 1 seconds, 2 epoch ms), with REPLACE or without; false when the
  // row has nothing to store.
  virtual bool whole_values() const { return false; }
  virtual bool encode_restore(const arrow::ImportedStream&, int64_t, std::string_view, int, int64_t, bool,
                              resp::ArgumentList&) {
    return false;
  }
};

// Hash fields from every value column; null cells are left out.
std::unique_ptr<ValueEncoder> make_hash_encoder();
// One JSON document per row: an object of every value column (null cells are JSON null; in a
// merge they are left out, so existing fields stay).
std::unique_ptr<ValueEncoder> make_json_encoder();
// The value column's text as the string; a null value stores nothing.
std::unique_ptr<ValueEncoder> make_string_encoder(std::string value_column);

// Collections from list columns (one row per key, made by grouping): SADD of the members, RPUSH
// of the elements, ZADD of score/member pairs. Null items are an error (Redis has no null member).
std::unique_ptr<ValueEncoder> make_set_encoder(std::string members_column);
std::unique_ptr<ValueEncoder> make_list_encoder(std::string elements_column);
std::unique_ptr<ValueEncoder> make_zset_encoder(std::string members_column, std::string scores_column);

// Stream entries: XADD <key> [MAXLEN|MINID [~] n] <id or *> field value ... of every value column
// but the ID column; null cells are left out. `trim` holds the trimming arguments, if any.
std::unique_ptr<ValueEncoder> make_stream_encoder(std::string id_column, std::vector<std::string> trim);
// Time-series samples: TS.ADD <key> <timestamp> <value> <add_options...>; the timestamp column
// holds epoch milliseconds (integers) or Datetimes. `add_options` (RETENTION, LABELS,
// ON_DUPLICATE) shape series that TS.ADD creates; Redis ignores them for existing series.
std::unique_ptr<ValueEncoder> make_timeseries_encoder(std::string timestamp_column, std::string value_column,
                                                      std::vector<std::string> add_options);

}  // namespace polars_redis::write
