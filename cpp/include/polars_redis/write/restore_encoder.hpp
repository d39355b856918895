#pragma once
// Whole values installed with RESTORE: wraps a command encoder (HSET, SADD, RPUSH, ZADD, JSON.SET,
// SET) and turns the command it would send into the equivalent RDB payload, so both write paths
// store the same text for every cell by construction. Hashes within the listpack thresholds, the
// common case, skip the command: their listpack is built from the same cell texts (an integer
// column's values as the listpack integers their canonical text would become). Merges (append)
// keep the command.
#include <memory>

#include "polars_redis/rdb/payload_encoder.hpp"
#include "polars_redis/write/value_encoder.hpp"

namespace polars_redis::write {

std::unique_ptr<ValueEncoder> make_restore_encoder(std::unique_ptr<ValueEncoder> commands, rdb::PayloadEncoder payloads);

}  // namespace polars_redis::write
