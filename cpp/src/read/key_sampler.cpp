#include "polars_redis/read/key_sampler.hpp"

#include <algorithm>

#include "polars_redis/read/seen_keys.hpp"

namespace polars_redis::read {

std::vector<std::string> sample_keys(net::Connection& conn, const std::string& pattern, const std::string& type,
                                     int64_t sample_size) {
  std::vector<std::string> keys;
  SeenKeys seen;
  std::string cursor = "0";
  const std::string count = std::to_string(std::clamp<int64_t>(sample_size, 10, 1000));
  do {
    resp::Reply scan = conn.command({"SCAN", cursor, "MATCH", pattern, "COUNT", count, "TYPE", type});
    resp::NodeView reply = scan.root();
    net::throw_if_error(reply, "SCAN");
    auto cursor_node = reply.first_child();
    auto found = cursor_node.next_sibling();
    cursor.assign(cursor_node.str());
    auto key = found.first_child();
    for (size_t i = 0, n = found.size(); i < n && static_cast<int64_t>(keys.size()) < sample_size; ++i) {
      if (seen.insert(key.str())) keys.emplace_back(key.str());
      key = key.next_sibling();
    }
  } while (cursor != "0" && static_cast<int64_t>(keys.size()) < sample_size);
  return keys;
}

}  // namespace polars_redis::read
