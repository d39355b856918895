#pragma once
// RedisTimeSeries reads over a Redis Cluster. A series lives on the node serving its key's slot:
// TS.RANGE goes there; TS.MRANGE (which has no key) runs on every shard, one after the other,
// each shard's series complete and in time order, guarded against a resharding like a SCAN.
#include <string>
#include <vector>

#include "polars_redis/read/batch_queue.hpp"
#include "polars_redis/read/timeseries_reader.hpp"

namespace polars_redis::read {

void run_cluster_timeseries_range(const TimeSeriesOptions& options, BatchQueue& queue);
// Throws Error(kInvalidArgument) for GROUPBY/REDUCE: a group's series may live on several shards,
// and no shard can reduce what it does not hold.
void run_cluster_timeseries_mrange(const TimeSeriesMultiOptions& options, BatchQueue& queue);
// The union of every shard's label names, in first-seen order (shard by shard).
std::vector<std::string> cluster_timeseries_label_names(const net::ConnectionOptions& connection,
                                                        const std::vector<std::string>& filters);

}  // namespace polars_redis::read
