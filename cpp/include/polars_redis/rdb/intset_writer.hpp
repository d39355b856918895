#pragma once
// An intset (Redis' intset.c): the narrowest width (2, 4 or 8 bytes) that holds every member,
// the member count, then the members ascending, all little endian.
#include <cstdint>
#include <string>
#include <vector>

namespace polars_redis::rdb {

// Sorts and de-duplicates `members` in place, then appends the intset blob to `out`.
void append_intset(std::vector<int64_t>& members, std::string& out);

}  // namespace polars_redis::rdb
