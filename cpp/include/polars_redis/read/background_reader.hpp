#pragma once
// Runs one reader's producing loop on a background thread and hands its batches to the consumer
// through a bounded queue: every reader (key scans, streams, time series) shares this, and the
// bindings expose it as the one Python scan object.
#include <atomic>
#include <functional>
#include <optional>
#include <thread>

#include "polars_redis/read/batch_queue.hpp"
#include "polars_redis/read/row_index.hpp"

namespace polars_redis::read {

class BackgroundReader {
 public:
  // `produce` pushes batches into the queue and returns when done (or when push() says the
  // consumer cancelled); an exception it throws reaches the consumer after the batches before it.
  using Produce = std::function<void(BatchQueue&)>;

  // `restarts`: how often `produce` is called again after it failed to reach the server before
  // its first batch (net/read_restarts.hpp); it must then start from the beginning, so a
  // producer given restarts keeps no state between calls.
  // `numbering`: the row index column added to each batch as the consumer takes it.
  explicit BackgroundReader(Produce produce, int restarts = 0, std::optional<RowNumbering> numbering = std::nullopt,
                            size_t queue_capacity = 2);
  ~BackgroundReader();  // cancels and joins
  BackgroundReader(const BackgroundReader&) = delete;
  BackgroundReader& operator=(const BackgroundReader&) = delete;

  // Next batch (starting the thread on first use); nullopt at the end; rethrows the error.
  // `check` runs every net::kCancelCheck while it waits and may throw to give up.
  std::optional<arrow::RecordBatch> next(const std::function<void()>& check = {});
  // Stops the producer early and waits for its thread: its socket waits give up within
  // net::kCancelCheck (see net/interrupt.hpp), also when the server stalls.
  void cancel();

 private:
  void run();  // the thread: produce_, restarted as the policy allows

  Produce produce_;
  int restarts_;
  std::optional<RowNumbering> numbering_;
  BatchQueue queue_;
  std::atomic<bool> cancelled_{false};  // the producer thread's net::CancelScope flag
  std::thread thread_;
  bool started_ = false;
};

}  // namespace polars_redis::read
