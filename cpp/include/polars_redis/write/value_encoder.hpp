#pragma once
// What a Redis type contributes to a write: the command that stores one DataFrame row under its
// key. Modes, TTLs, pipelining and atomicity are the row writer's (row_writer.hpp).
//
// Encoding is also the validation: an encoder throws Error(kInvalidArgument), naming the column
// and the value, for every value the server could reject for data reasons (a NaN score, a JSON
// document too deep, a stream ID out of order...). The row writer encodes the whole frame once
// before sending anything, so that what it then sends cannot fail for the data's sake.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "polars_redis/arrow/imported_stream.hpp"
#include "polars_redis/error.hpp"
#include "polars_redis/net/connection.hpp"
#include "polars_redis/resp/encoder.hpp"

namespace polars_redis::write {

class ValueEncoder {
 public:
  virtual ~ValueEncoder() = default;
  // Checks the frame's columns (the value columns are every column but the excluded ones) and
  // starts a pass over the frame (state kept across rows, such as stream IDs, starts anew).
  virtual void bind(const arrow::ImportedStream& in, const std::vector<int>& value_columns) = 0;
  // The TYPE a key must have (or not exist) for encode_merge's command to apply; empty when the
  // command applies to any key (SET).
  virtual std::string_view redis_type() const = 0;
  // After a pass over the whole frame, checks what depends on the server's current values (a
  // stream's last ID); throws Error naming the key. Redirections are left to the write.
  virtual void verify(net::Connection&) {}
  // The command creating the row's value from scratch (HSET, JSON.SET, SET); false when the row
  // has nothing to store (a hash row whose fields are all null).
  virtual bool encode_set(const arrow::ImportedStream& in, int64_t row, std::string_view key,
                          resp::ArgumentList& args) = 0;
  // The command merging the row into an existing value (HSET, JSON.MERGE, SET KEEPTTL).
  virtual bool encode_merge(const arrow::ImportedStream& in, int64_t row, std::string_view key,
                            resp::ArgumentList& args) = 0;
  // Whether encode_merge on an absent key creates exactly what encode_set creates (HSET, SADD,
  // RPUSH, ZADD, SET ... KEEPTTL; not JSON.MERGE, which leaves null members out).
  virtual bool merge_creates_as_set() const { return false; }
  // For encoders of hashes: the columns whose non-null cells are the row's fields (named as the
  // column, valued by append_cell_text), so that a payload can be built from the cells without
  // the command (restore_encoder.hpp); null for other encoders.
  virtual const std::vector<int>* hash_fields() const { return nullptr; }
  // An independent copy for another thread (bind() it before use), or null when rows must be
  // encoded in order (state carried from row to row).
  virtual std::unique_ptr<ValueEncoder> clone() const { return nullptr; }
  // Encoders of whole values (restore_encoder.hpp) replace and create keys with one RESTORE that
  // carries the TTL (kind 0 none, 1 seconds, 2 epoch ms), with REPLACE or without; false when the
  // row has nothing to store.
  virtual bool whole_values() const { return false; }
  virtual bool encode_restore(const arrow::ImportedStream&, int64_t, std::string_view, int, int64_t, bool,
                              resp::ArgumentList&) {
    return false;
  }
  // append without a TTL: a RESTORE without REPLACE that creates the row's value where the key is
  // absent, and in `merge` the complete merge command (encode_merge's) to send instead when the
  // server answers BUSYKEY; false when the row has nothing to store.
  virtual bool encode_restore_append(const arrow::ImportedStream&, int64_t, std::string_view, resp::ArgumentList&,
                                     std::string&) {
    return false;
  }
  // The most bytes the commands of any row of the current batch can take, its key not counted,
  // when no row can fail to encode (every value column's text_bound is known); nullopt when rows
  // must be encoded to be checked. The check pass, which the server waits for, then leaves the
  // values of rows with keys short enough alone.
  virtual std::optional<size_t> command_bound(const arrow::ImportedStream&) const { return std::nullopt; }
  // The check pass's encode_restore: the same validation, and `args` such that its sizes being
  // within the server's limits implies the RESTORE's are. The writer's first pass over the frame
  // runs while the server waits, so an encoder may skip work that cannot fail here (a payload
  // bounded by the command it is built from).
  virtual bool check_restore(const arrow::ImportedStream& in, int64_t row, std::string_view key, int ttl_kind,
                             int64_t ttl_value, bool replace, resp::ArgumentList& args) {
    return encode_restore(in, row, key, ttl_kind, ttl_value, replace, args);
  }
};

// An encoder's error about one item of a list cell (a collection's member or score): `item` is
// its position in the cell, so the writer can name the frame row it came from.
class ItemError : public Error {
 public:
  ItemError(ErrorKind kind, const std::string& message, int64_t item) : Error(kind, message), item_(item) {}
  int64_t item() const noexcept { return item_; }

 private:
  int64_t item_;
};

// Appends a cell's text; an error names the frame's column (a list's own message knows only its
// items).
void append_cell_text(const arrow::ColumnView& column, int64_t row, std::string& out);

// Appends `field value` pairs for the row's non-null cells of the columns `fields` (a hash's
// fields, a stream entry's), each value rendered through `scratch`.
void append_field_args(const arrow::ImportedStream& in, const std::vector<int>& fields, int64_t row,
                       std::string& scratch, resp::ArgumentList& args);

// A command argument's bytes besides its text: "$<length>\r\n" and "\r\n".
inline constexpr size_t kArgumentFraming = 16;

// The most bytes append_field_args can add for one row of `fields`; nullopt when a column's text
// may fail (ColumnView::text_bound).
std::optional<size_t> field_args_bound(const arrow::ImportedStream& in, const std::vector<int>& fields);

// RedisJSON refuses documents nesting deeper than this (levels of arrays and objects, the
// document's own object included).
inline constexpr int kRedisJsonMaxDepth = 127;

// Hash fields from every value column; null cells are left out.
std::unique_ptr<ValueEncoder> make_hash_encoder();
// One JSON document per row: an object of every value column (null cells are JSON null; in a
// merge they are left out at every level, so existing fields stay). Numbers must survive
// RedisJSON's doubles exactly (a Decimal that would be rounded is an error).
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
// IDs are checked: <ms>, <ms>-<seq> or <ms>-* (64-bit parts, above 0-0), increasing per key; an
// explicit ID after a server-assigned one (a null) for the same key cannot be checked: an error.
// Each key's first explicit ID must be above the stream's last ID on the server (XINFO STREAM).
std::unique_ptr<ValueEncoder> make_stream_encoder(std::string id_column, std::vector<std::string> trim);
// Time-series samples: TS.ADD <key> <timestamp> <value> <add_options...>; the timestamp column
// holds epoch milliseconds (integers) or Datetimes. `add_options` (RETENTION, LABELS,
// ON_DUPLICATE) shape series that TS.ADD creates; Redis ignores them for existing series.
std::unique_ptr<ValueEncoder> make_timeseries_encoder(std::string timestamp_column, std::string value_column,
                                                      std::vector<std::string> add_options);

}  // namespace polars_redis::write
