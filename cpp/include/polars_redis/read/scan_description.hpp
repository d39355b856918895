#pragma once
// What a scan will send, for explain(): rendered from the encoders the scan itself runs (the
// key source's requests, the fetcher's commands for a placeholder <key>), so the description
// cannot drift from the commands.
#include <string>
#include <vector>

#include "polars_redis/read/key_scan.hpp"
#include "polars_redis/read/row_fetcher.hpp"
#include "polars_redis/read/stream_reader.hpp"
#include "polars_redis/read/timeseries_reader.hpp"

namespace polars_redis::read {

struct ScanDescription {
  std::string keys;                // where the keys come from (SCAN, named keys, a search, an RDB)
  std::vector<std::string> fetch;  // the commands per key (or per group of keys), then paging notes
};

// Sends nothing and connects nowhere; `fetcher` must be fresh (its columns are added here).
ScanDescription describe_key_scan(const KeyScanOptions& options, RowFetcher& fetcher);
// The same scan over every shard of a Redis Cluster (what each shard's part sends).
ScanDescription describe_cluster_key_scan(const KeyScanOptions& options, RowFetcher& fetcher);
// The readers that are not key-based: XRANGE pages, TS.RANGE slices or pages, TS.MRANGE.
ScanDescription describe_stream_scan(const StreamScanOptions& options);
ScanDescription describe_timeseries_range(const TimeSeriesOptions& options);
ScanDescription describe_timeseries_mrange(const TimeSeriesMultiOptions& options);

}  // namespace polars_redis::read
