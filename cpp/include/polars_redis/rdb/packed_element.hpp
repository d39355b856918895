#pragma once
// One element of a listpack, ziplist or intset: a byte string or an integer (the compact forms
// store small numbers as integers; Redis hands them out as their decimal text).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace polars_redis::rdb {

struct PackedElement {
  bool is_integer = false;
  int64_t integer = 0;
  std::string_view text;  // when !is_integer: a view into the blob

  // The element as Redis would reply it.
  void assign_to(std::string& out) const;
};

// A ziplist or listpack (`kind`) opens with a `header` of `header` bytes, the first four its total
// size (little endian), and closes with an end byte: Error(kProtocol) "corrupt <kind>: ..." unless
// the blob holds at least those and is exactly that size.
void check_packed_size(std::string_view blob, size_t header, const char* kind);

// The little-endian two's complement integer in `bytes` (1 to 8 of them), sign-extended.
inline int64_t signed_little_endian(std::string_view bytes) {
  uint64_t value = 0;
  for (size_t i = bytes.size(); i-- > 0;) value = (value << 8) | static_cast<uint8_t>(bytes[i]);
  const unsigned bits = static_cast<unsigned>(bytes.size()) * 8;
  if (bits < 64 && (value >> (bits - 1)) & 1) value |= ~uint64_t{0} << bits;
  return static_cast<int64_t>(value);
}

}  // namespace polars_redis::rdb
