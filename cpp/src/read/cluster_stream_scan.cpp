#include "polars_redis/read/cluster_stream_scan.hpp"

#include "polars_redis/net/cluster_topology.hpp"

namespace polars_redis::read {

void run_cluster_stream_scan(const StreamScanOptions& options, BatchQueue& queue) {
  const net::ClusterTopology topology = net::discover_topology(options.connection);
  size_t begin = 0;
  while (begin < options.keys.size()) {
    if (queue.cancelled()) return;
    const int shard = topology.shard_index_of_key(options.keys[begin]);
    size_t end = begin + 1;
    while (end < options.keys.size() && topology.shard_index_of_key(options.keys[end]) == shard) ++end;
    StreamScanOptions run = options;
    run.connection = net::read_node_options(options.connection, topology.shards[shard]);
    run.keys.assign(options.keys.begin() + static_cast<std::ptrdiff_t>(begin),
                    options.keys.begin() + static_cast<std::ptrdiff_t>(end));
    // n_rows stays per run: the consumer cuts the merged rows at n_rows.
    run_stream_scan(run, queue);
    begin = end;
  }
}

}  // namespace polars_redis::read
