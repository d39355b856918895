#pragma once
// Builds a listpack (Redis' listpack.c layout) the way the server's own lpAppend does: a string
// that is a canonical 64-bit integer is stored as an integer in the smallest encoding, anything
// else as a string; every entry is followed by its back-length.
#include <cstdint>
#include <string>
#include <string_view>

namespace polars_redis::rdb {

// The server's lpStringToInt64 / string2ll: "0", or an optional '-' then a digit 1-9 and more
// digits, at most 20 characters, within int64. "-0", "007", "+1", " 1" stay strings.
bool canonical_int64(std::string_view text, int64_t& value);

class ListpackWriter {
 public:
  ListpackWriter() { clear(); }
  void clear();
  void append(std::string_view element);
  void append_integer(int64_t value);
  void append_string(std::string_view element);
  uint32_t count() const { return count_; }
  // Bytes the finished listpack will have (its header, entries and end byte).
  size_t bytes() const { return buffer_.size() + 1; }
  // Writes the header and end byte; the view lives until clear(), which must come before any
  // further append.
  std::string_view finish();

 private:
  void append_backlen(size_t entry_size);

  std::string buffer_;
  uint32_t count_ = 0;
};

}  // namespace polars_redis::rdb
