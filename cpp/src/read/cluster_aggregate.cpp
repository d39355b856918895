#include "polars_redis/read/cluster_aggregate.hpp"

#include "polars_redis/read/cluster_search_index.hpp"
#include "polars_redis/read/shard_by_shard.hpp"

namespace polars_redis::read {

void run_cluster_aggregate(const AggregateOptions& options, BatchQueue& queue) {
  read_shard_by_shard(options.connection, queue, [&](const net::ConnectionOptions& node, const net::ClusterShard& shard) {
    AggregateOptions routed = options;
    routed.connection = node;
    routed.index = find_shard_index(node, shard, options.index);
    run_aggregate(routed, queue);
  });
}

}  // namespace polars_redis::read
