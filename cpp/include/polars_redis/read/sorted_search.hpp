#pragma once
// A sorted search over a Redis Cluster, where each shard sorts only its own documents: every
// shard's first `limit` keys in its order (FT.SEARCH NOCONTENT SORTBY <field> ASC|DESC
// WITHSORTKEYS, paged by offset: search_offset_pages.hpp), merged by their sort keys.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "polars_redis/net/url.hpp"
#include "polars_redis/read/key_source.hpp"

namespace polars_redis::read {

// A WITHSORTKEYS value: "#<number>" a number, "$<text>" a text, anything else (a document
// without a value) none. Numbers order before texts.
using SortKey = std::variant<std::monostate, double, std::string>;
SortKey parse_sort_key(std::string_view raw);

struct SortedKey {
  SortKey value;
  std::string key;
};

// The keys of `entries` in global order: those with a value by value (descending reverses;
// equal values keep their order), then those without, in their order; the first `limit`.
std::vector<std::string> merge_sorted_keys(std::vector<SortedKey> entries, bool descending,
                                           std::optional<int64_t> limit);

// The keys of `search` (its one sort_by field; its index the name the user gave) on every node
// of the index (see search_index_nodes), in global order, cut to search.limit.
std::vector<std::string> search_sorted_keys(const net::ConnectionOptions& url, const SearchKeyQuery& search);

}  // namespace polars_redis::read
