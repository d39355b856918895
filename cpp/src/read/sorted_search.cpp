#include "polars_redis/read/sorted_search.hpp"

#include <algorithm>
#include <cstdlib>

#include "polars_redis/error.hpp"
#include "polars_redis/net/connection.hpp"
#include "polars_redis/net/connection_pool.hpp"
#include "polars_redis/read/cluster_search_index.hpp"
#include "polars_redis/read/search_offset_pages.hpp"

namespace polars_redis::read {

SortKey parse_sort_key(std::string_view raw) {
  if (raw.starts_with('$')) return std::string(raw.substr(1));
  if (raw.starts_with('#')) {
    const std::string text(raw.substr(1));
    char* end = nullptr;
    const double number = std::strtod(text.c_str(), &end);
    if (!text.empty() && end == text.c_str() + text.size()) return number;
  }
  return std::monostate{};
}

std::vector<std::string> merge_sorted_keys(std::vector<SortedKey> entries, bool descending,
                                           std::optional<int64_t> limit) {
  auto missing = std::stable_partition(entries.begin(), entries.end(), [](const SortedKey& entry) {
    return !std::holds_alternative<std::monostate>(entry.value);
  });
  std::stable_sort(entries.begin(), missing, [descending](const SortedKey& a, const SortedKey& b) {
    return descending ? b.value < a.value : a.value < b.value;
  });
  size_t wanted = entries.size();
  if (limit) wanted = std::min(wanted, static_cast<size_t>(std::max<int64_t>(*limit, 0)));
  std::vector<std::string> keys;
  keys.reserve(wanted);
  for (size_t i = 0; i < wanted; ++i) keys.push_back(std::move(entries[i].key));
  return keys;
}

std::vector<std::string> search_sorted_keys(const net::ConnectionOptions& url, const SearchKeyQuery& search) {
  if (search.sort_by.size() != 1) {
    throw Error(ErrorKind::kInvalidArgument,
                "a sorted FT.SEARCH takes one sort field, got " + std::to_string(search.sort_by.size()));
  }
  std::vector<SortedKey> entries;
  for (const ShardIndex& shard : search_index_nodes(url, search.index)) {
    SearchKeyQuery on_shard = search;
    on_shard.index = shard.name;
    SearchOffsetPages pages(on_shard);
    auto connection = net::acquire(shard.node);
    while (!pages.done()) {
      resp::ArgumentList args;
      pages.append_request(args);
      args.append_command_to(connection->out_buffer());
      resp::Reply reply = connection->read_reply();
      pages.consume(reply.root(), [&](const SearchResult& result) {
        entries.push_back({parse_sort_key(result.sort_key), std::string(result.id)});
      });
    }
  }
  return merge_sorted_keys(std::move(entries), search.sort_by.front().second, search.limit);
}

}  // namespace polars_redis::read
