#pragma once
// One element of a listpack, ziplist or intset: a byte string or an integer (the compact forms
// store small numbers as integers; Redis hands them out as their decimal text).
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

// The little-endian two's complement integer in `bytes` (1 to 8 of them), sign-extended.
inline int64_t signed_little_endian(std::string_view bytes) {
  uint64_t value = 0;
  for (size_t i = bytes.size(); i-- > 0;) value = (value << 8) | static_cast<uint8_t>(bytes[i]);
  const unsigned bits = static_cast<unsigned>(bytes.size()) * 8;
  if (bits < 64 && (value >> (bits - 1)) & 1) value |= ~uint64_t{0} << bits;
  return static_cast<int64_t>(value);
}

}  // namespace polars_redis::rdb
