#include "polars_redis/read/background_reader.hpp"

#include "polars_redis/net/interrupt.hpp"

namespace polars_redis::read {

BackgroundReader::BackgroundReader(Produce produce, size_t queue_capacity)
    : produce_(std::move(produce)), queue_(queue_capacity) {}

BackgroundReader::~BackgroundReader() { cancel(); }

std::optional<arrow::RecordBatch> BackgroundReader::next(const std::function<void()>& check) {
  if (!started_) {
    started_ = true;
    thread_ = std::thread([this] {
      const net::CancelScope scope(&cancelled_);
      try {
        produce_(queue_);
        queue_.close();
      } catch (...) {
        queue_.fail(std::current_exception());
      }
    });
  }
  return queue_.pop(check);
}

void BackgroundReader::cancel() {
  cancelled_ = true;
  queue_.cancel();
  if (thread_.joinable()) thread_.join();
}

}  // namespace polars_redis::read
