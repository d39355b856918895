#pragma once
// Runs one reader's producing loop on a background thread and hands its batches to the consumer
// through a bounded queue: every reader (key scans, streams, time series) shares this, and the
// bindings expose it as the one Python scan object.
#include <functional>
#include <optional>
#include <thread>

#include "polars_redis/read/batch_queue.hpp"

namespace polars_redis::read {

class BackgroundReader {
 public:
  // `produce` pushes batches into the queue and returns when done (or when push() says the
  // consumer cancelled); an exception it throws reaches the consumer after the batches before it.
  using Produce = std::function<void(BatchQueue&)>;

  explicit BackgroundReader(Produce produce, size_t queue_capacity = 2);
  ~BackgroundReader();  // cancels and joins
  BackgroundReader(const BackgroundReader&) = delete;
  BackgroundReader& operator=(const BackgroundReader&) = delete;

  // Next batch (starting the thread on first use); nullopt at the end; rethrows the error.
  std::optional<arrow::RecordBatch> next();
  // Stops the producer early and waits for its thread.
  void cancel();

 private:
  Produce produce_;
  BatchQueue queue_;
  std::thread thread_;
  bool started_ = false;
};

}  // namespace polars_redis::read
