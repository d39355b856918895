#include "polars_redis/rdb/intset_writer.hpp"

#include <algorithm>

#include "polars_redis/rdb/payload_writer.hpp"

namespace polars_redis::rdb {

void append_intset(std::vector<int64_t>& members, std::string& out) {
  std::sort(members.begin(), members.end());
  members.erase(std::unique(members.begin(), members.end()), members.end());
  int width = 2;
  if (!members.empty()) {
    const int64_t low = members.front(), high = members.back();
    if (low < INT32_MIN || high > INT32_MAX) width = 8;
    else if (low < INT16_MIN || high > INT16_MAX) width = 4;
  }
  append_le(out, static_cast<uint64_t>(width), 4);
  append_le(out, members.size(), 4);
  for (int64_t member : members) append_le(out, static_cast<uint64_t>(member), width);
}

}  // namespace polars_redis::rdb
