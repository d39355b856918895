#pragma once
// scan_stream over a Redis Cluster: each stream is read on the node serving its key. Keys are
// taken in the order given, in runs of consecutive keys served by the same shard, so rows keep
// the single-node order (key order, then ID order) and each run keeps the reader's pipelining.
#include "polars_redis/read/stream_reader.hpp"

namespace polars_redis::read {

void run_cluster_stream_scan(const StreamScanOptions& options, BatchQueue& queue);

}  // namespace polars_redis::read
