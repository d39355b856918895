#include "polars_redis/read/shard_by_shard.hpp"

namespace polars_redis::read {

void read_shard_by_shard(const net::ConnectionOptions& seed, BatchQueue& queue, const ShardRead& read_shard) {
  const net::ClusterTopology topology = net::discover_topology(seed);
  const net::SlotMapGuard guard(seed, topology);
  for (const net::ClusterShard& shard : topology.shards) {
    if (queue.cancelled()) return;
    read_shard(net::read_node_options(seed, shard), shard);
  }
  guard.check_unchanged();
}

}  // namespace polars_redis::read
