#pragma once
// RediSearch indexes on a Redis Cluster without a search coordinator. The module declares an
// index name as a key, so a node accepts FT.* commands only for index names whose hash slot it
// serves, and each node's index covers only that node's documents. A cluster-wide index is
// therefore one index per shard: the plain name on the shard serving its slot, and
// "{<tag>}<name>" elsewhere, with <tag> the smallest decimal number hashing into that shard (the
// tag comes first so a name with braces of its own keeps working). Queries run on every shard
// and their results are merged.
#include <string>
#include <vector>

#include "polars_redis/net/cluster_topology.hpp"

namespace polars_redis::read {

// The name a new index called `name` gets on `shard`.
std::string shard_index_name(const std::string& name, const net::ClusterShard& shard);

// The name of index `name` on `shard`, as listed by FT._LIST on `node` (the shard's primary or
// replica): the plain name or a tagged one whose slot the shard serves. Throws Error(kInvalidArgument)
// naming the node when the shard has no such index.
std::string find_shard_index(const net::ConnectionOptions& node, const net::ClusterShard& shard, const std::string& name);

// Index `name` on one shard: the shard's read node (a replica with read_from_replicas) and the
// index's name there.
struct ShardIndex {
  net::ConnectionOptions node;
  std::string name;
};

// Index `name` on every shard of the cluster `seed` reaches (find_shard_index on each).
std::vector<ShardIndex> find_shard_indexes(const net::ConnectionOptions& seed, const std::string& name);

// Where a query of index `name` runs: on a single server the URL's primary (as a raw command
// would) and `name` itself; on a Redis Cluster every shard (find_shard_indexes).
std::vector<ShardIndex> search_index_nodes(const net::ConnectionOptions& url, const std::string& name);

// Whether `slot` is one of `shard`'s.
bool serves_slot(const net::ClusterShard& shard, int slot);

}  // namespace polars_redis::read
