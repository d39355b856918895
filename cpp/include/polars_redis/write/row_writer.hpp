#pragma once
// Writes one key per DataFrame row with a ValueEncoder: keys, write modes, TTLs, pipelining with a
// bounded window, and a check of every reply.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "polars_redis/arrow/c_data.hpp"
#include "polars_redis/error.hpp"
#include "polars_redis/net/redirect.hpp"
#include "polars_redis/net/url.hpp"
#include "polars_redis/write/value_encoder.hpp"

namespace polars_redis::write {

// Every mode encodes the whole frame once before sending anything (the encoders validate every
// value), so that what is sent cannot fail for the data's sake; each key's change is then one
// atomic step. A row with nothing to store (a null string, a hash row of nulls) changes nothing.
enum class WriteMode {
  kFail,     // no target key may exist: checked for all keys first, then per batch under WATCH
             // (EXISTS, then MULTI/EXEC of the batch's writes, which aborts if a key appeared)
  kReplace,  // DEL + set + TTL in one MULTI/EXEC per key
  kAppend,   // merge into the existing value; with a TTL, the key's type is checked under WATCH
             // first, so a merge that would fail (WRONGTYPE) never leaves the TTL applied
};

// The server's limits that the writer checks before sending: Redis keeps expiry times as 64-bit
// epoch milliseconds (EXPIRE refuses seconds whose milliseconds from now overflow; the margin
// covers server clocks up to the year 2286), refuses an argument above proto-max-bulk-len and a
// command above client-query-buffer-limit (defaults).
inline constexpr int64_t kMaxTtlSeconds = INT64_MAX / 1000 - 10'000'000'000;
inline constexpr size_t kMaxArgumentBytes = size_t{512} << 20;
inline constexpr size_t kMaxCommandBytes = size_t{1} << 30;

// Throws Error(kInvalidArgument) unless 1 <= seconds <= kMaxTtlSeconds.
void check_ttl_seconds(int64_t seconds);

// A write that failed after something may have been sent: `committed` rows (of the whole write,
// a sink's earlier batches included) took effect; the message says which.
class WriteFailure : public Error {
 public:
  WriteFailure(ErrorKind kind, const std::string& message, int64_t committed)
      : Error(kind, message), committed_(committed) {}
  int64_t committed() const noexcept { return committed_; }

 private:
  int64_t committed_;
};

struct RowWriteOptions {
  std::optional<std::string> key_column;  // none: key_prefix + row number
  std::string key_prefix;
  WriteMode mode = WriteMode::kReplace;
  std::optional<int64_t> ttl_seconds;     // the same TTL for every key
  std::optional<std::string> ttl_column;  // per-row TTL: integer seconds, or a Datetime to expire at
  std::vector<std::string> ignored_columns;  // neither key, TTL nor value (e.g. a string's extras)
  // Grouped frames (collections): a list column of each item's row in the frame before grouping,
  // for errors to name that row.
  std::optional<std::string> source_rows_column;
  int64_t batch_size = 1000;              // keys per WATCH-guarded batch (kFail, kAppend with a TTL)
  int64_t row_offset = 0;                 // number of the stream's first row: a sink's later
                                          // batches, whose earlier rows were all committed
  bool precheck = true;                   // kFail: check every key first (a sink checks once, up front)
  bool check_only = false;                // run the check pass only, send nothing (a cluster write
                                          // checks the whole frame before any node's share)
  int64_t max_replies_in_flight = 8192;
  // Writing to one node of a cluster: a row answered with MOVED / ASK / TRYAGAIN is collected
  // (nothing of it was applied) and the write goes on, for the cluster writer to send it where it
  // belongs. Otherwise a redirection is an error like any other.
  bool collect_redirects = false;
  // The rows were redirected here with ASK: each row's commands are preceded by ASKING.
  bool asking = false;
};

// A row a cluster node answered with a redirection: none of its commands took effect.
struct RedirectedRow {
  int64_t row;  // index within the stream (0 = its first row)
  net::Redirect redirect;
  std::string key = {};  // the row's key as the writer rendered it
};

// The rows of a stream a call covers, ascending stream indexes (a cluster node's share); null:
// every row. Errors still number rows in the whole stream (plus row_offset).
using RowSelection = std::vector<int64_t>;

struct WriteResult {
  int64_t written = 0;                   // rows committed
  std::vector<RedirectedRow> redirected;  // in row order; only with collect_redirects
};

// Writes every row of `stream` (taken over), or the `selection` of them. `check_stream` (the same frame: a second export) is
// read first: every row is encoded and checked (keys, TTLs, values, sizes) and, under kFail with
// `precheck`, every key is checked absent; a failure there throws Error saying nothing was
// written. A later failure throws WriteFailure: the rows still in flight are settled first, so
// the message names exactly the rows (and keys) committed.
WriteResult write_rows(const net::ConnectionOptions& connection, ArrowArrayStream* stream,
                       ArrowArrayStream* check_stream, const RowWriteOptions& options, ValueEncoder& encoder,
                       const RowSelection* selection = nullptr);

// Throws Error(kKeyExists) naming the keys of `stream`'s rows that already exist (a streaming
// sink's up-front check under kFail); the stream needs only the key column. Returns the rows
// whose EXISTS was redirected (only with collect_redirects): those keys are still unchecked.
std::vector<RedirectedRow> check_keys_absent(const net::ConnectionOptions& connection, ArrowArrayStream* stream,
                                             const RowWriteOptions& options, const RowSelection* selection = nullptr);

// The cluster hash slot of every row's key, rendered as the writer renders it (key_prefix + the
// key column's text, or + row_offset + the row's index); throws Error for a null key.
std::vector<uint16_t> row_key_slots(ArrowArrayStream* stream, const RowWriteOptions& options);

}  // namespace polars_redis::write
