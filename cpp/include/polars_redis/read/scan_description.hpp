#pragma once
// What a key scan will send, for explain(): rendered from the encoders the scan itself runs (the
// key source's requests, the fetcher's commands for a placeholder <key>), so the description
// cannot drift from the commands.
#include <string>
#include <vector>

#include "polars_redis/read/key_scan.hpp"
#include "polars_redis/read/row_fetcher.hpp"

namespace polars_redis::read {

struct ScanDescription {
  std::string keys;                // where the keys come from (SCAN, named keys, a search, an RDB)
  std::vector<std::string> fetch;  // the commands per key (or per group of keys), then paging notes
};

// Sends nothing and connects nowhere; `fetcher` must be fresh (its columns are added here).
ScanDescription describe_key_scan(const KeyScanOptions& options, RowFetcher& fetcher);

}  // namespace polars_redis::read
