#pragma once
// Bounded hand-off of finished batches from the scan thread to the consumer (Python). Bounded so
// a slow consumer stops the producer instead of letting memory grow with the data size.
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>

#include "polars_redis/arrow/record_batch.hpp"

namespace polars_redis::read {

class BatchQueue {
 public:
  explicit BatchQueue(size_t capacity) : capacity_(capacity) {}

  // Producer side. push() blocks while full; returns false if the consumer cancelled.
  bool push(arrow::RecordBatch batch);
  void close();                          // no more batches
  void fail(std::exception_ptr error);   // no more batches; the consumer rethrows `error`
  bool cancelled() const;
  bool anything_pushed() const;          // a batch was accepted (the consumer may have it already)

  // Consumer side. Blocks; nullopt at the end; rethrows the producer's error. `check` runs
  // every net::kCancelCheck while it waits (without the lock) and may throw to give up.
  std::optional<arrow::RecordBatch> pop(const std::function<void()>& check = {});
  void cancel();                         // wakes the producer, which stops

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<arrow::RecordBatch> batches_;
  size_t capacity_;
  bool closed_ = false;
  bool cancelled_ = false;
  bool pushed_ = false;
  std::exception_ptr error_;
};

}  // namespace polars_redis::read
