#include "polars_redis/rdb/input_buffer.hpp"

#include <algorithm>
#include <cstring>

#include "polars_redis/error.hpp"
#include "polars_redis/rdb/crc64.hpp"

namespace polars_redis::rdb {

namespace {
constexpr size_t kReadSize = size_t{256} << 10;
}

InputBuffer::InputBuffer(ByteSource& source) : source_(source), buffer_(kReadSize) {}

void InputBuffer::fold_checksum() {
  crc_ = crc64(crc_, buffer_.data() + crc_pos_, pos_ - crc_pos_);
  crc_pos_ = pos_;
}

uint64_t InputBuffer::checksum() {
  fold_checksum();
  return crc_;
}

void InputBuffer::compact() {
  // Drop the consumed bytes (after folding them into the checksum).
  fold_checksum();
  std::memmove(buffer_.data(), buffer_.data() + pos_, end_ - pos_);
  base_offset_ += pos_;
  end_ -= pos_;
  crc_pos_ = 0;
  pos_ = 0;
}

bool InputBuffer::refill() {
  if (source_done_) return false;
  if (pos_ > 0 && buffer_.size() - end_ < kReadSize / 4) compact();
  // Still full: one item is larger than the window (a big listpack). Grow as bytes arrive, so a
  // corrupt length cannot allocate more than the source really holds.
  if (buffer_.size() - end_ < kReadSize / 4) buffer_.resize(buffer_.size() * 2);
  const size_t n = source_.read(buffer_.data() + end_, buffer_.size() - end_);
  if (n == 0) {
    source_done_ = true;
    return false;
  }
  end_ += n;
  return true;
}

void InputBuffer::need(size_t size) {
  while (end_ - pos_ < size) {
    if (!refill()) {
      fail("the RDB is truncated: " + std::to_string(size) + " more bytes expected, " +
           std::to_string(end_ - pos_) + " left");
    }
  }
}

std::string_view InputBuffer::take(size_t size) {
  need(size);
  std::string_view view(buffer_.data() + pos_, size);
  pos_ += size;
  return view;
}

void InputBuffer::append_to(std::string& out, size_t size) {
  while (size > 0) {
    if (pos_ == end_ && !refill()) need(size);  // reports the truncation
    const size_t n = std::min(size, end_ - pos_);
    out.append(buffer_.data() + pos_, n);
    pos_ += n;
    size -= n;
  }
}

void InputBuffer::skip(size_t size) {
  while (size > 0) {
    if (pos_ == end_ && !refill()) need(size);
    const size_t n = std::min(size, end_ - pos_);
    pos_ += n;
    size -= n;
  }
}

bool InputBuffer::at_end() { return pos_ == end_ && !refill(); }

void InputBuffer::fail(const std::string& what) const {
  throw Error(ErrorKind::kProtocol, source_.describe() + ": " + what + " at byte " + std::to_string(offset()));
}

}  // namespace polars_redis::rdb
