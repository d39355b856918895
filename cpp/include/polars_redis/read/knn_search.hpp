#pragma once
// A KNN query: FT.SEARCH <index> "(...)=>[KNN k @field $vector AS __distance]" RETURN 1 __distance
// SORTBY __distance ASC LIMIT 0 k ..., run on the URL's server or on every shard of a Redis
// Cluster (each shard's own k nearest), merged by distance and cut to k.
#include <cstdint>
#include <string>
#include <vector>

#include "polars_redis/net/url.hpp"
#include "polars_redis/read/search_reply.hpp"

namespace polars_redis::read {

struct Neighbours {
  std::vector<std::string> keys;
  std::vector<double> distances;  // of keys[i]
};

// Adds the documents of one FT.SEARCH reply (their __distance field, decimal text or a double)
// to `out`. Throws like SearchIdsPage, Error(kResponse) for a warning (an incomplete answer) and
// Error(kProtocol) naming the key for a document without a distance.
void add_neighbours(const resp::NodeView& reply, const SearchCommand& what, Neighbours& out);

// Keeps the `k` nearest of `neighbours`, nearest first (ties in their order).
void keep_nearest(Neighbours& neighbours, size_t k);

// Runs FT.SEARCH <index> <args_after_index...> on every node of index `index` (see
// search_index_nodes) and keeps the `k` nearest.
Neighbours search_nearest(const net::ConnectionOptions& url, const std::string& index,
                          const std::vector<std::string>& args_after_index, int64_t k);

}  // namespace polars_redis::read
