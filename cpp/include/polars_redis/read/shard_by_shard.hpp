#pragma once
// A read that runs on every shard of a Redis Cluster, one shard after the other, into one stream
// of batches; guarded against a resharding like a SCAN (data moving between shards during the
// read could be read twice or not at all).
#include <functional>

#include "polars_redis/net/cluster_topology.hpp"
#include "polars_redis/read/batch_queue.hpp"

namespace polars_redis::read {

// What runs on one shard: `node` is the shard's read node.
using ShardRead = std::function<void(const net::ConnectionOptions& node, const net::ClusterShard& shard)>;

// Runs `read_shard` for each shard of the seed's cluster in slot order, until the queue is
// cancelled; then throws if the slot map changed meanwhile.
void read_shard_by_shard(const net::ConnectionOptions& seed, BatchQueue& queue, const ShardRead& read_shard);

}  // namespace polars_redis::read
