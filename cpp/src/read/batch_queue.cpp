#include "polars_redis/read/batch_queue.hpp"

#include "polars_redis/net/interrupt.hpp"

namespace polars_redis::read {

bool BatchQueue::push(arrow::RecordBatch batch) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return cancelled_ || batches_.size() < capacity_; });
  if (cancelled_) return false;
  batches_.push_back(std::move(batch));
  pushed_ = true;
  changed_.notify_all();
  return true;
}

void BatchQueue::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
  changed_.notify_all();
}

void BatchQueue::fail(std::exception_ptr error) {
  std::lock_guard lock(mutex_);
  error_ = std::move(error);
  closed_ = true;
  changed_.notify_all();
}

bool BatchQueue::cancelled() const {
  std::lock_guard lock(mutex_);
  return cancelled_;
}

bool BatchQueue::anything_pushed() const {
  std::lock_guard lock(mutex_);
  return pushed_;
}

std::optional<arrow::RecordBatch> BatchQueue::pop(const std::function<void()>& check) {
  std::unique_lock lock(mutex_);
  while (!changed_.wait_for(lock, net::kCancelCheck, [&] { return !batches_.empty() || closed_; })) {
    if (check) {
      lock.unlock();
      check();
      lock.lock();
    }
  }
  // Batches finished before an error are still delivered; the error follows them.
  if (!batches_.empty()) {
    arrow::RecordBatch batch = std::move(batches_.front());
    batches_.pop_front();
    changed_.notify_all();
    return batch;
  }
  if (error_) std::rethrow_exception(error_);
  return std::nullopt;
}

void BatchQueue::cancel() {
  std::lock_guard lock(mutex_);
  cancelled_ = true;
  batches_.clear();
  changed_.notify_all();
}

}  // namespace polars_redis::read
