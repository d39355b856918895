#pragma once
// The decoder's window onto a ByteSource: refills as parsing advances (memory stays bounded by
// the largest single item, never the whole RDB), keeps the CRC64 of every byte consumed, and
// knows the byte offset so that errors can say where the RDB went wrong.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "polars_redis/rdb/byte_source.hpp"

namespace polars_redis::rdb {

class InputBuffer {
 public:
  explicit InputBuffer(ByteSource& source);

  // The next `size` bytes, consumed; the view lasts until the next call.
  std::string_view take(size_t size);
  uint8_t byte() { return static_cast<uint8_t>(take(1)[0]); }
  // Appends the next `size` bytes to `out` (in pieces: `size` may exceed the window).
  void append_to(std::string& out, size_t size);
  void skip(size_t size);
  // True when the source has no byte left.
  bool at_end();

  // Offset of the next byte from the start of the RDB.
  uint64_t offset() const { return base_offset_ + pos_; }
  // CRC64 of every byte consumed so far.
  uint64_t checksum();
  // Throws Error(kProtocol) "<source>: <what> at byte <offset>".
  [[noreturn]] void fail(const std::string& what) const;

 private:
  // Ensures `size` unconsumed bytes are buffered; fails as truncated when the source ends first.
  void need(size_t size);
  bool refill();
  void compact();
  void fold_checksum();

  ByteSource& source_;
  std::vector<char> buffer_;
  size_t pos_ = 0;        // next unconsumed byte
  size_t end_ = 0;        // bytes buffered
  size_t crc_pos_ = 0;    // bytes of buffer_ already folded into crc_
  uint64_t crc_ = 0;
  uint64_t base_offset_ = 0;  // RDB offset of buffer_[0]
  bool source_done_ = false;
};

}  // namespace polars_redis::rdb
