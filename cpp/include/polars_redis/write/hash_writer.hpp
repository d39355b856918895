#pragma once
// write_hashes: one hash per DataFrame row, commands encoded straight from the Arrow buffers and
// pipelined with a bounded window; every reply is checked.
#include <cstdint>
#include <optional>
#include <string>

#include "polars_redis/arrow/c_data.hpp"
#include "polars_redis/net/url.hpp"

namespace polars_redis::write {

enum class WriteMode { kFail, kReplace, kAppend };

struct HashWriteOptions {
  std::optional<std::string> key_column;  // none: key_prefix + row number
  std::string key_prefix;
  WriteMode mode = WriteMode::kReplace;
  std::optional<int64_t> ttl_seconds;     // the same TTL for every key
  std::optional<std::string> ttl_column;  // per-row TTL: integer seconds, or a Datetime to expire at
  int64_t batch_size = 1000;              // rows per atomic check-and-write under kFail
  int64_t max_commands_in_flight = 4096;
};

// Writes every row of `stream` (taken over) and returns the rows written. With kFail,
// `precheck_stream` (a second export of the same frame) is read first to find existing keys
// before anything is written. Errors say how many rows were committed before the failure.
int64_t write_hashes(const net::ConnectionOptions& connection, ArrowArrayStream* stream,
                     ArrowArrayStream* precheck_stream, const HashWriteOptions& options);

}  // namespace polars_redis::write
