#pragma once
// The read loop shared by every key-based reader. A key source (SCAN, a key list or a search
// cursor, on a connection of its own) feeds keys; each group of keys' fetch commands is pipelined on a second connection (or
// round-robin over connection.parallel of them, replies still consumed in send order) with a
// bounded number in flight; replies are parsed straight into column builders by the reader's
// RowFetcher; finished batches go to the queue that the consumer drains.
#include <cstdint>
#include <memory>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "polars_redis/net/url.hpp"
#include "polars_redis/read/batch_queue.hpp"
#include "polars_redis/read/key_source.hpp"
#include "polars_redis/read/row_fetcher.hpp"
#include "polars_redis/read/scan_pacer.hpp"

namespace polars_redis::read {

struct KeyScanOptions {
  net::ConnectionOptions connection;
  std::string pattern = "*";
  std::string type_filter;                          // the reader's Redis type (SCAN TYPE, key-list TYPE check)
  int64_t count_hint = 500;                         // SCAN COUNT, TYPE chunk, search cursor COUNT
  KeySourceSpec source;                             // SCAN (default), a key list, or a search
  std::optional<std::string> match_pattern;         // drop keys not matching this glob
  bool include_key = true;
  std::string key_column_name = "_key";
  bool include_row_index = false;
  std::string row_index_column_name = "_index";
  int64_t row_index_offset = 0;
  // The first batch goes to the consumer at batch_size rows (early first rows); later ones once
  // they also hold batch_bytes of replies: small rows make few large batches (each hand-over to
  // Polars has a fixed cost), large rows still keep a batch near batch_bytes (bounded memory).
  int64_t batch_size = 1000;
  int64_t batch_bytes = int64_t{1} << 20;
  std::optional<int64_t> n_rows;                    // stop after this many rows
  // Pipeline depth, in keys. With count_hint 500, a key is fetched at most about 1,800 keys after
  // SCAN touched it, while its entries are still in the server's CPU cache: deep enough that the
  // server never waits for the client, and with 1024 and COUNT 1000 the server spent 3-5% more
  // CPU on the same commands (bench/RESULTS.md, stop 33; a far deeper window cost 15-30%).
  int64_t max_keys_in_flight = 768;
  ScanBudget budget;                                // bounded: fetches go in paced bursts (scan_pacer.hpp)
  // Set: a key whose TYPE check or first fetch reply is a cluster redirection (MOVED, ASK,
  // TRYAGAIN: the node ran nothing) is handed here and gives no row, so the caller can read it
  // from its new node. Unset: the redirection is an error like any other.
  std::function<void(std::string_view key)> on_redirect;
};

// Runs the scan to completion (or until the consumer cancels), pushing batches into `queue`.
void run_key_scan(const KeyScanOptions& options, RowFetcher& fetcher, BatchQueue& queue);

// Whether the scan's SCAN goes without its TYPE filter at first: the fetcher does not need it
// (RowFetcher::needs_type_filter). Asked once the fetcher has added its columns.
bool defer_type_filter(const KeyScanOptions& options, const RowFetcher& fetcher);

}  // namespace polars_redis::read
