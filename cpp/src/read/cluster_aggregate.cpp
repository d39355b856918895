#include "polars_redis/read/cluster_aggregate.hpp"

#include "polars_redis/net/cluster_topology.hpp"
#include "polars_redis/read/cluster_search_index.hpp"

namespace polars_redis::read {

void run_cluster_aggregate(const AggregateOptions& options, BatchQueue& queue) {
  const net::ClusterTopology topology = net::discover_topology(options.connection);
  const net::SlotMapGuard guard(options.connection, topology);
  for (const net::ClusterShard& shard : topology.shards) {
    if (queue.cancelled()) return;
    AggregateOptions routed = options;
    routed.connection = net::read_node_options(options.connection, shard);
    routed.index = find_shard_index(routed.connection, shard, options.index);
    run_aggregate(routed, queue);
  }
  guard.check_unchanged();
}

}  // namespace polars_redis::read
