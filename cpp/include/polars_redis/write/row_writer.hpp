#pragma once
// Writes one key per DataFrame row with a ValueEncoder: keys, write modes, TTLs, pipelining with a
// bounded window, and a check of every reply.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "polars_redis/arrow/c_data.hpp"
#include "polars_redis/net/redirect.hpp"
#include "polars_redis/net/url.hpp"
#include "polars_redis/write/value_encoder.hpp"

namespace polars_redis::write {

enum class WriteMode {
  kFail,     // no target key may exist: checked for all keys first, then atomically per batch
  kReplace,  // DEL + set + TTL in one MULTI/EXEC per key
  kAppend,   // merge into the existing value
};

struct RowWriteOptions {
  std::optional<std::string> key_column;  // none: key_prefix + row number
  std::string key_prefix;
  WriteMode mode = WriteMode::kReplace;
  std::optional<int64_t> ttl_seconds;     // the same TTL for every key
  std::optional<std::string> ttl_column;  // per-row TTL: integer seconds, or a Datetime to expire at
  std::vector<std::string> ignored_columns;  // neither key, TTL nor value (e.g. a string's extras)
  int64_t batch_size = 1000;              // keys per atomic check-and-write under kFail
  int64_t row_offset = 0;                 // number of the first row (a sink's later batches)
  bool precheck = true;                   // kFail: check every key first (a sink checks once, up front)
  int64_t max_replies_in_flight = 8192;
  // Writing to one node of a cluster: a row answered with MOVED / ASK / TRYAGAIN is collected
  // (nothing of it was applied) and the write goes on, for the caller to send it where it belongs.
  // Otherwise a redirection is an error like any other.
  bool collect_redirects = false;
  // The rows were redirected here with ASK: each row's commands are preceded by ASKING.
  bool asking = false;
};

// A row a cluster node answered with a redirection: none of its commands took effect.
struct RedirectedRow {
  int64_t row;  // index within the stream (0 = its first row)
  net::Redirect redirect;
};

struct WriteResult {
  int64_t written = 0;                   // rows committed
  std::vector<RedirectedRow> redirected;  // in row order; only with collect_redirects
};

// Writes every row of `stream` (taken over). Under kFail with `precheck`, `precheck_stream` (the
// same keys: a second export of the frame) is read first to find existing keys before anything is
// written. Errors state how many rows were committed before the failure.
WriteResult write_rows(const net::ConnectionOptions& connection, ArrowArrayStream* stream,
                       ArrowArrayStream* precheck_stream, const RowWriteOptions& options, ValueEncoder& encoder);

// Throws Error(kKeyExists) naming the keys of `stream`'s rows that already exist (a streaming
// sink's up-front check under kFail); the stream needs only the key column. Returns the rows
// whose EXISTS was redirected (only with collect_redirects): those keys are still unchecked.
std::vector<RedirectedRow> check_keys_absent(const net::ConnectionOptions& connection, ArrowArrayStream* stream,
                                             const RowWriteOptions& options);

}  // namespace polars_redis::write
