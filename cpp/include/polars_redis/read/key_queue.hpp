#pragma once
// FIFO of keys stored back to back in one buffer: SCAN hands out thousands of keys per reply and
// each lives only until its fetch reply is consumed, so one allocation per key would dominate.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace polars_redis::read {

class KeyQueue {
 public:
  void push(std::string_view key);
  void pop();
  std::string_view front() const { return at(0); }
  // The i-th live key (0 = front). Views stay valid until the next push or pop.
  std::string_view at(size_t i) const;
  size_t size() const { return ends_.size() - head_; }
  bool empty() const { return size() == 0; }

 private:
  void compact();
  std::string bytes_;
  std::vector<size_t> ends_;  // key i spans [start(i), ends_[i]) in bytes_
  size_t head_ = 0;           // index in ends_ of the front key
  size_t head_offset_ = 0;    // byte offset where the front key starts
};

}  // namespace polars_redis::read
