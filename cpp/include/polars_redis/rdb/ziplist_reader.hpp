#pragma once
// Reads a ziplist (the compact encoding before listpacks: RDB 9 files from Redis 6, and quicklist
// nodes): a 10-byte header, entries of (previous length, encoding, payload), then 0xFF.
#include <functional>
#include <string_view>

#include "polars_redis/rdb/packed_element.hpp"

namespace polars_redis::rdb {

void read_ziplist(std::string_view blob, const std::function<void(const PackedElement&)>& visit);

}  // namespace polars_redis::rdb
