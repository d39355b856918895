#pragma once
// scan_stream's producer: XRANGE key start end COUNT page, paged with exclusive continuation IDs
// ("(" + last ID) so no reply is ever unbounded. The pages of several keys (or of time segments
// of one large key) are pipelined on one connection; each fills a batch builder of its own, so
// rows still come out in key order, then ID order, while later ranges are read ahead (a bounded
// number of rows each).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "polars_redis/net/url.hpp"
#include "polars_redis/read/batch_queue.hpp"
#include "polars_redis/read/scan_pacer.hpp"
#include "polars_redis/read/stream_entries.hpp"

namespace polars_redis::read {

struct StreamScanOptions {
  net::ConnectionOptions connection;
  std::vector<std::string> keys;
  std::string start_id = "-";
  std::string end_id = "+";
  std::optional<int64_t> count;        // at most this many entries per key
  StreamColumns columns;
  int64_t page_size = 1000;            // XRANGE COUNT
  int64_t batch_size = 10000;          // rows per batch handed to the consumer
  std::optional<int64_t> n_rows;       // stop after this many rows in total
  size_t keys_in_flight = 16;          // keys (or segments) read at once
  ScanBudget budget;                   // bounded: pages go in paced bursts (scan_pacer.hpp)
  // Read the entries from an RDB instead of XRANGE (see read/stream_snapshot.hpp): a replication
  // full resync of `connection`, or the file `rdb_path` when it is not empty.
  bool snapshot = false;
  std::string rdb_path;
};

// Runs the scan to completion (or until the consumer cancels), pushing batches into `queue`. A
// missing key has no entries; a key of another type throws Error(kResponse) naming it.
void run_stream_scan(const StreamScanOptions& options, BatchQueue& queue);

// What the scan sends, also rendered by its description for explain(): XRANGE key start end COUNT n;
// the entries of a key's first page; whether a lone unbounded key is split by time.
void append_xrange(std::string& out, std::string_view key, std::string_view start, std::string_view end,
                   int64_t count);
int64_t first_page_entries(const StreamScanOptions& options);
bool may_split_by_time(const StreamScanOptions& options);

}  // namespace polars_redis::read
