#include "polars_redis/read/seen_keys.hpp"

#include <cstring>

namespace polars_redis::read {
namespace {

inline uint64_t load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// Multiply-fold mixing (128-bit product, high ^ low): fast and well distributed.
inline uint64_t mix(uint64_t a, uint64_t b) {
  unsigned __int128 r = static_cast<unsigned __int128>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

uint64_t hash64(std::string_view data, uint64_t seed) {
  constexpr uint64_t k1 = 0xa0761d6478bd642fULL, k2 = 0xe7037ed1a0b428dbULL;
  uint64_t h = seed ^ mix(seed ^ k1, data.size() ^ k2);
  const char* p = data.data();
  size_t n = data.size();
  while (n >= 16) {
    h = mix(load64(p) ^ k1 ^ h, load64(p + 8) ^ k2);
    p += 16;
    n -= 16;
  }
  uint64_t a = 0, b = 0;
  if (n >= 8) {
    a = load64(p);
    p += 8;
    n -= 8;
  }
  // Remaining 0..7 bytes go into b, byte by byte (keys are short; this is not the hot loop).
  for (size_t i = 0; i < n; ++i) b |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  h = mix(a ^ k1 ^ h, b ^ k2 ^ (n << 56));
  return mix(h ^ k1, h ^ k2 ^ seed);
}

}  // namespace

void fingerprint128(std::string_view data, uint64_t& hi, uint64_t& lo) {
  hi = hash64(data, 0x243f6a8885a308d3ULL);
  lo = hash64(data, 0x13198a2e03707344ULL);
}

bool SeenKeys::insert(std::string_view key) {
  if ((size_ + 1) * 2 > slots_.size()) grow();
  uint64_t hi, lo;
  fingerprint128(key, hi, lo);
  if (hi == 0 && lo == 0) lo = 1;
  size_t mask = slots_.size() - 1;
  for (size_t i = hi & mask;; i = (i + 1) & mask) {
    Slot& slot = slots_[i];
    if (slot.hi == 0 && slot.lo == 0) {
      slot.hi = hi;
      slot.lo = lo;
      ++size_;
      return true;
    }
    if (slot.hi == hi && slot.lo == lo) return false;
  }
}

void SeenKeys::grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? 1024 : old.size() * 2, Slot{});
  size_t mask = slots_.size() - 1;
  for (const Slot& slot : old) {
    if (slot.hi == 0 && slot.lo == 0) continue;
    size_t i = slot.hi & mask;
    while (slots_[i].hi != 0 || slots_[i].lo != 0) i = (i + 1) & mask;
    slots_[i] = slot;
  }
}

}  // namespace polars_redis::read
