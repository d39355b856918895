#pragma once
// Reads an intset (small sets of integers): element width (2, 4 or 8 bytes), count, then the
// sorted little-endian integers.
#include <functional>
#include <string_view>

#include "polars_redis/rdb/packed_element.hpp"

namespace polars_redis::rdb {

void read_intset(std::string_view blob, const std::function<void(const PackedElement&)>& visit);

}  // namespace polars_redis::rdb
