#pragma once
// FT.AGGREGATE over a Redis Cluster: the query runs on every shard's own index (see
// cluster_search_index.hpp), one shard after the other, and the rows are merged into one stream.
// Rows are per shard: grouping, sorting and limits that span shards are the caller's to redo
// over the merged rows. Guarded against a resharding like a SCAN (a document moving between
// shards during the read could be counted twice or not at all).
#include "polars_redis/read/aggregate_reader.hpp"

namespace polars_redis::read {

void run_cluster_aggregate(const AggregateOptions& options, BatchQueue& queue);

}  // namespace polars_redis::read
