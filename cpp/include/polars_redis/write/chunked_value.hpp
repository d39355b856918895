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

// The values of `fields` of hash `key` (nullopt for a missing field), fetched with pipelined
// HGETs so no single reply holds more than one chunk. Throws kResponse if `key` is not a hash.
std::vector<std::optional<std::string>> get_hash_fields(const net::ConnectionOptions& connection,
                                                        const std::string& key,
                                                        const std::vector<std::string>& fields);

}  // namespace polars_redis::write
