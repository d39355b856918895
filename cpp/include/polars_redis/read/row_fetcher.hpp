#pragma once
// What a key-per-row reader (hashes, strings, JSON, ...) plugs into the scan engine: the commands
// to send for one key and how its replies become one row.
#include <string>
#include <string_view>

#include "polars_redis/arrow/record_batch.hpp"
#include "polars_redis/resp/parser.hpp"

namespace polars_redis::read {

enum class RowVerdict {
  kPending,       // more replies for this key follow
  kRow,           // the fetcher appended one row to its columns
  kSkip,          // no row: the key vanished or changed type since SCAN
  kVerifyExists,  // nothing appended; the replies cannot tell a missing key from a key without
                  // the requested fields, so the engine asks EXISTS and then calls
                  // append_row_without_values() if it does
};

class RowFetcher {
 public:
  virtual ~RowFetcher() = default;
  // Adds the fetcher's columns (called once, before any row).
  virtual void add_columns(arrow::BatchBuilder& batch) = 0;
  // Appends the commands for `key` to `out`; returns how many replies they produce (0: the row is
  // complete without asking the server, e.g. only the key column is wanted).
  virtual int encode(std::string_view key, std::string& out) = 0;
  // Reply `index` (0-based) of those announced by encode(). Throws Error(kSchema) for a value
  // that does not parse (unless errors are ignored), Error(kResponse) for an unexpected error.
  virtual RowVerdict consume(std::string_view key, int index, const resp::NodeView& reply) = 0;
  // A row for an existing key whose requested values are all absent (or for encode() == 0).
  virtual void append_row_without_values() = 0;
};

}  // namespace polars_redis::read
