#include "polars_redis/read/key_queue.hpp"

namespace polars_redis::read {

void KeyQueue::push(std::string_view key) {
  bytes_.append(key);
  ends_.push_back(bytes_.size());
}

void KeyQueue::pop() {
  head_offset_ = ends_[head_];
  ++head_;
  if (head_ == ends_.size()) {
    // Empty: restart at the beginning without moving bytes.
    bytes_.clear();
    ends_.clear();
    head_ = 0;
    head_offset_ = 0;
  } else if (head_ >= 4096 && head_ * 2 >= ends_.size()) {
    compact();
  }
}

std::string_view KeyQueue::at(size_t i) const {
  size_t index = head_ + i;
  size_t start = index == head_ ? head_offset_ : ends_[index - 1];
  return std::string_view(bytes_.data() + start, ends_[index] - start);
}

void KeyQueue::compact() {
  bytes_.erase(0, head_offset_);
  ends_.erase(ends_.begin(), ends_.begin() + static_cast<std::ptrdiff_t>(head_));
  for (auto& end : ends_) end -= head_offset_;
  head_ = 0;
  head_offset_ = 0;
}

}  // namespace polars_redis::read
