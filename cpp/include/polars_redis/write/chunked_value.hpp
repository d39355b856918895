#pragma once
// A large binary value stored as one Redis hash of chunks (each field at most a chunk, so values
// beyond Redis' 512 MB per-value limit fit), replaced atomically with its TTL.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "polars_redis/net/url.hpp"

namespace polars_redis::write {

// Replaces `key` with fields "meta" = `meta` and "chunk:0".."chunk:<n-1>" = `chunks`, plus the TTL,
// in one MULTI/EXEC: readers see the old value or the new one, never a mix.
void put_chunked_value(const net::ConnectionOptions& connection, const std::string& key, std::string_view meta,
                       const std::vector<std::string_view>& chunks, std::optional<int64_t> ttl_seconds);

// One consistent version of the value at `key`: its "meta" field and its chunks, read in one
// MULTI/EXEC under WATCH (retried when a writer replaced the value in between), so a reader never
// mixes two versions. nullopt when the key has no "meta" field. Throws kResponse if `key` is not
// a hash, or if writers kept replacing it through every attempt.
struct ChunkedValue {
  std::string meta;
  std::vector<std::string> chunks;
};
std::optional<ChunkedValue> get_chunked_value(const net::ConnectionOptions& connection, const std::string& key);

}  // namespace polars_redis::write
