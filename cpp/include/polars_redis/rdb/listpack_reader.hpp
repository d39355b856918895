#pragma once
// Reads a listpack (Redis 7's compact encoding of small hashes, sets, sorted sets, list nodes
// and stream nodes): a 6-byte header (total bytes, element count), elements each made of an
// encoding byte, its payload and a back length, then 0xFF.
#include <functional>
#include <string_view>

#include "polars_redis/rdb/packed_element.hpp"

namespace polars_redis::rdb {

// Calls `visit` for each element in order. Throws Error(kProtocol) naming what is malformed.
void read_listpack(std::string_view blob, const std::function<void(const PackedElement&)>& visit);

}  // namespace polars_redis::rdb
