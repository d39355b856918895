#pragma once
// The read pipeline shared by every key-per-row reader. One background thread per scan drives one
// connection: SCAN (or a given key list) feeds keys, each key's fetch commands are pipelined with
// a bounded number in flight, the next SCAN is sent ahead of the current chunk's fetches so the
// server never waits for us, replies are parsed straight into column builders, and finished
// batches go to a bounded queue that the Python iterator drains with the GIL released.
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "polars_redis/net/url.hpp"
#include "polars_redis/read/batch_queue.hpp"
#include "polars_redis/read/row_fetcher.hpp"

namespace polars_redis::read {

struct ScanOptions {
  net::ConnectionOptions connection;
  std::string pattern = "*";
  std::string type_filter;                          // SCAN ... TYPE <t>; empty: no filter
  int64_t count_hint = 1000;                        // SCAN COUNT
  std::optional<std::vector<std::string>> keys;     // fetch exactly these keys instead of SCAN
  bool include_key = true;
  std::string key_column_name = "_key";
  bool include_row_index = false;
  std::string row_index_column_name = "_index";
  int64_t row_index_offset = 0;
  int64_t batch_size = 1000;                        // rows per batch handed to Python
  std::optional<int64_t> n_rows;                    // stop after this many rows
  int64_t max_keys_in_flight = 2048;                // pipeline depth, in keys
  size_t queue_capacity = 2;                        // finished batches waiting for the consumer
};

class ScanEngine {
 public:
  ScanEngine(ScanOptions options, std::unique_ptr<RowFetcher> fetcher);
  ~ScanEngine();  // cancels and joins

  // Starts the background thread (once).
  void start();
  // Next batch; nullopt when the scan is complete. Rethrows the scan thread's error.
  std::optional<arrow::RecordBatch> next();
  // Stops the scan early (e.g. the consumer has enough rows).
  void cancel();

 private:
  void run();
  void run_pipeline();

  ScanOptions options_;
  std::unique_ptr<RowFetcher> fetcher_;
  BatchQueue queue_;
  std::thread thread_;
  bool started_ = false;
};

}  // namespace polars_redis::read
