#pragma once
// The key scan over a Redis Cluster: one run_key_scan per shard, all shards at once (each on a
// thread of its own, with its own fetcher), merged into the consumer's queue. SCAN runs on every
// shard; a key list is split by hash slot and each part fetched from the
// node serving it. Rows carry no row index: the merged order is only known where the batches
// meet, so the consumer numbers them (see cpp/bindings/cluster_scan.cpp).
#include <functional>
#include <memory>

#include "polars_redis/net/cluster_topology.hpp"
#include "polars_redis/read/batch_queue.hpp"
#include "polars_redis/read/key_scan.hpp"
#include "polars_redis/read/row_fetcher.hpp"

namespace polars_redis::read {

// A fresh fetcher for one shard's scan (fetchers keep per-scan state).
using FetcherFactory = std::function<std::unique_ptr<RowFetcher>()>;

// The scan options of each shard's part of `options` over `topology` (primaries, or a healthy
// replica per shard with read_from_replicas). A search runs on each shard's own index (see
// cluster_search_index.hpp); a sorted one throws Error(kInvalidArgument): no shard can sort
// what the others hold.
std::vector<KeyScanOptions> plan_cluster_scan(const KeyScanOptions& options, const net::ClusterTopology& topology);
// What every shard's part has in common: plan_cluster_scan starts from it, and the description
// for explain() renders it (no network).
KeyScanOptions shard_scan_template(const KeyScanOptions& options);

// Runs the scan to completion, until n_rows rows were pushed, or until the consumer cancels. The
// first shard error stops every shard and reaches the consumer after the batches before it. Keys
// of a key list that a node redirects (MOVED, ASK, TRYAGAIN) are read again, in rounds, from the
// nodes of a refreshed topology, until none is redirected (Error(kConnection) after 30 s).
void run_cluster_key_scan(const KeyScanOptions& options, const FetcherFactory& make_fetcher, BatchQueue& queue);

}  // namespace polars_redis::read
