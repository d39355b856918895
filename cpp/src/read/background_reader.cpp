#include "polars_redis/read/background_reader.hpp"

namespace polars_redis::read {

BackgroundReader::BackgroundReader(Produce produce, size_t queue_capacity)
    : produce_(std::move(produce)), queue_(queue_capacity) {}

BackgroundReader::~BackgroundReader() { cancel(); }

std::optional<arrow::RecordBatch> BackgroundReader::next() {
  if (!started_) {
    started_ = true;
    thread_ = std::thread([this] {
      try {
        produce_(queue_);
        queue_.close();
      } catch (...) {
        queue_.fail(std::current_exception());
      }
    });
  }
  return queue_.pop();
}

void BackgroundReader::cancel() {
  queue_.cancel();
  if (thread_.joinable()) thread_.join();
}

}  // namespace polars_redis::read
