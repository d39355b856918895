#pragma once
// A growable byte buffer that an exported Arrow array can take over without copying: builders
// fill it, then move it into the array's private data, which frees it in the release callback.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace polars_redis::arrow {

class Buffer {
 public:
  Buffer() noexcept = default;
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  Buffer(Buffer&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)),
        size_(std::exchange(other.size_, 0)),
        capacity_(std::exchange(other.capacity_, 0)) {}
  Buffer& operator=(Buffer&& other) noexcept {
    if (this != &other) {
      std::free(data_);
      data_ = std::exchange(other.data_, nullptr);
      size_ = std::exchange(other.size_, 0);
      capacity_ = std::exchange(other.capacity_, 0);
    }
    return *this;
  }
  ~Buffer() { std::free(data_); }

  uint8_t* data() noexcept { return data_; }
  const uint8_t* data() const noexcept { return data_; }
  size_t size() const noexcept { return size_; }
  size_t capacity() const noexcept { return capacity_; }
  bool empty() const noexcept { return size_ == 0; }

  // Ensures room for `capacity` bytes in total; contents are kept.
  void reserve(size_t capacity) {
    if (capacity > capacity_) reallocate(capacity);
  }
  // Appends `n` (> 0) uninitialised bytes and returns where they start.
  uint8_t* extend(size_t n) {
    if (n > capacity_ - size_) grow(n);
    uint8_t* out = data_ + size_;
    size_ += n;
    return out;
  }
  void append(const void* bytes, size_t n) { std::memcpy(extend(n), bytes, n); }
  template <typename T>
  void push(const T& value) {
    std::memcpy(extend(sizeof(T)), &value, sizeof(T));
  }

 private:
  void grow(size_t n);  // geometric, so appends are amortised O(1)
  void reallocate(size_t capacity);

  // malloc'd: aligned to max_align_t (16 bytes), enough for every Arrow type we export.
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace polars_redis::arrow
