#pragma once
// Set of keys already emitted by one scan, so a key that SCAN returns twice (it may, while the
// server rehashes) yields one row. Stores 128-bit fingerprints in an open-addressing table: 16
// bytes per key instead of a copy of every key, with a collision chance around n^2 / 2^129.
// Writes use it too, to find a key that a frame holds twice (if_exists='fail').
#include <cstdint>
#include <string_view>
#include <vector>

namespace polars_redis::read {

class SeenKeys {
 public:
  // True if the key was not seen before (and records it).
  bool insert(std::string_view key);
  size_t size() const { return size_; }

 private:
  struct Slot {
    uint64_t hi = 0, lo = 0;  // (0, 0) marks an empty slot; a real (0, 0) fingerprint is remapped
  };
  void grow();
  std::vector<Slot> slots_;
  size_t size_ = 0;
};

// 128-bit fingerprint of a byte string (two independently seeded 64-bit hashes).
void fingerprint128(std::string_view data, uint64_t& hi, uint64_t& lo);

}  // namespace polars_redis::read
