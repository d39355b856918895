#include "polars_redis/read/cluster_timeseries.hpp"

#include <algorithm>

#include "polars_redis/error.hpp"
#include "polars_redis/net/cluster_topology.hpp"
#include "polars_redis/read/shard_by_shard.hpp"

namespace polars_redis::read {

void run_cluster_timeseries_range(const TimeSeriesOptions& options, BatchQueue& queue) {
  TimeSeriesOptions routed = options;
  routed.connection = net::key_node_options(options.connection, options.key, true);
  run_timeseries_range(routed, queue);
}

void run_cluster_timeseries_mrange(const TimeSeriesMultiOptions& options, BatchQueue& queue) {
  if (!options.group_by.empty()) {
    throw Error(ErrorKind::kInvalidArgument,
                "group_by/reducer is not supported on a Redis Cluster: a group's series may live on several shards; "
                "read without group_by and aggregate in Polars");
  }
  read_shard_by_shard(options.connection, queue, [&](const net::ConnectionOptions& node, const net::ClusterShard&) {
    TimeSeriesMultiOptions routed = options;
    routed.connection = node;
    run_timeseries_mrange(routed, queue);
  });
}

std::vector<std::string> cluster_timeseries_label_names(const net::ConnectionOptions& connection,
                                                        const std::vector<std::string>& filters) {
  const net::ClusterTopology topology = net::discover_topology(connection);
  std::vector<std::string> names;
  for (const net::ClusterShard& shard : topology.shards) {
    for (std::string& name : timeseries_label_names(net::read_node_options(connection, shard), filters)) {
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(std::move(name));
    }
  }
  return names;
}

}  // namespace polars_redis::read
