#include "polars_redis/read/background_reader.hpp"

#include "polars_redis/net/interrupt.hpp"
#include "polars_redis/net/read_restarts.hpp"

namespace polars_redis::read {

BackgroundReader::BackgroundReader(Produce produce, int restarts, std::optional<RowNumbering> numbering,
                                   size_t queue_capacity)
    : produce_(std::move(produce)), restarts_(restarts), numbering_(std::move(numbering)), queue_(queue_capacity) {}

BackgroundReader::~BackgroundReader() { cancel(); }

std::optional<arrow::RecordBatch> BackgroundReader::next(const std::function<void()>& check) {
  if (!started_) {
    started_ = true;
    thread_ = std::thread([this] { run(); });
  }
  std::optional<arrow::RecordBatch> batch = queue_.pop(check);
  if (batch && numbering_) batch = numbering_->number(std::move(*batch));
  return batch;
}

void BackgroundReader::run() {
  const net::CancelScope scope(&cancelled_);
  try {
    // Once a batch is out, a restart would hand its rows out again.
    net::with_read_restarts(restarts_, [this] { produce_(queue_); },
                            [this] { return !queue_.anything_pushed() && !cancelled_; });
    queue_.close();
  } catch (...) {
    queue_.fail(std::current_exception());
  }
}

void BackgroundReader::cancel() {
  cancelled_ = true;
  queue_.cancel();
  if (thread_.joinable()) thread_.join();
}

}  // namespace polars_redis::read
