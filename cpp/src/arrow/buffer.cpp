#include "polars_redis/arrow/buffer.hpp"

#include <algorithm>
#include <cstddef>
#include <new>

namespace polars_redis::arrow {

// int128 decimals are the widest values we store; malloc must align them.
static_assert(alignof(std::max_align_t) >= 16);

void Buffer::grow(size_t n) {
  constexpr size_t kMinCapacity = 64;
  reallocate(std::max({size_ + n, capacity_ * 2, kMinCapacity}));
}

void Buffer::reallocate(size_t capacity) {
  // realloc can extend in place (or remap pages) instead of copying.
  void* grown = std::realloc(data_, capacity);
  if (grown == nullptr) throw std::bad_alloc();
  data_ = static_cast<uint8_t*>(grown);
  capacity_ = capacity;
}

}  // namespace polars_redis::arrow
