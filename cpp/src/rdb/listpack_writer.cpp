#include "polars_redis/rdb/listpack_writer.hpp"

#include <stdexcept>

namespace polars_redis::rdb {

namespace {

constexpr size_t kHeaderSize = 6;  // total bytes (uint32), element count (uint16), little endian
constexpr uint16_t kCountUnknown = 65535;
constexpr unsigned char kEnd = 0xFF;

}  // namespace

bool canonical_int64(std::string_view text, int64_t& value) {
  const size_t n = text.size();
  if (n == 0 || n > 20) return false;
  if (n == 1 && text[0] == '0') {
    value = 0;
    return true;
  }
  size_t i = 0;
  const bool negative = text[0] == '-';
  if (negative && ++i == n) return false;
  if (text[i] < '1' || text[i] > '9') return false;
  uint64_t magnitude = 0;
  for (; i < n; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return false;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (magnitude > (UINT64_MAX - digit) / 10) return false;
    magnitude = magnitude * 10 + digit;
  }
  if (negative) {
    if (magnitude > uint64_t{1} << 63) return false;
    value = static_cast<int64_t>(0 - magnitude);
  } else {
    if (magnitude > static_cast<uint64_t>(INT64_MAX)) return false;
    value = static_cast<int64_t>(magnitude);
  }
  return true;
}

void ListpackWriter::clear() {
  buffer_.assign(kHeaderSize, '\0');
  count_ = 0;
}

void ListpackWriter::append(std::string_view element) {
  int64_t value = 0;
  if (canonical_int64(element, value)) append_integer(value);
  else append_string(element);
}

void ListpackWriter::append_integer(int64_t value) {
  // Entries are short: each is assembled here and appended once.
  char entry[10];
  size_t size = 0;
  // Negative values are stored as two's complement of the encoding's width.
  auto put = [&](unsigned char tag, int bytes) {
    entry[size++] = static_cast<char>(tag);
    for (int i = 0; i < bytes; ++i) entry[size++] = static_cast<char>((static_cast<uint64_t>(value) >> (8 * i)) & 0xFF);
  };
  if (value >= 0 && value <= 127) {
    entry[size++] = static_cast<char>(value);  // 0xxxxxxx
  } else if (value >= -4096 && value <= 4095) {
    const uint64_t bits = static_cast<uint64_t>(value) & 0x1FFF;
    entry[size++] = static_cast<char>(0xC0 | (bits >> 8));  // 110xxxxx yyyyyyyy
    entry[size++] = static_cast<char>(bits & 0xFF);
  } else if (value >= INT16_MIN && value <= INT16_MAX) {
    put(0xF1, 2);
  } else if (value >= -(1 << 23) && value < (1 << 23)) {
    put(0xF2, 3);
  } else if (value >= INT32_MIN && value <= INT32_MAX) {
    put(0xF3, 4);
  } else {
    put(0xF4, 8);
  }
  entry[size] = static_cast<char>(size);  // the back-length: at most 9, one byte
  buffer_.append(entry, size + 1);
  ++count_;
}

void ListpackWriter::append_string(std::string_view element) {
  const size_t n = element.size();
  if (n < 64) {  // the usual entry: one-byte header and back-length
    buffer_.push_back(static_cast<char>(0x80 | n));  // 10xxxxxx
    buffer_.append(element);
    buffer_.push_back(static_cast<char>(n + 1));
    ++count_;
    return;
  }
  char header[5];
  size_t header_size = 0;
  if (n < 4096) {
    header[header_size++] = static_cast<char>(0xE0 | (n >> 8));  // 1110xxxx yyyyyyyy
    header[header_size++] = static_cast<char>(n & 0xFF);
  } else {
    if (n > UINT32_MAX) throw std::length_error("a listpack entry holds at most 4 GiB");
    header[header_size++] = static_cast<char>(0xF0);
    for (int i = 0; i < 4; ++i) header[header_size++] = static_cast<char>((n >> (8 * i)) & 0xFF);
  }
  buffer_.append(header, header_size);
  buffer_.append(element);
  append_backlen(header_size + n);
  ++count_;
}

// The entry's size, read backwards: 7 bits a byte, the byte nearest the entry holding the most
// significant bits, every byte but that one flagged with the high bit.
void ListpackWriter::append_backlen(size_t entry_size) {
  const uint64_t l = entry_size;
  if (l <= 127) {
    buffer_.push_back(static_cast<char>(l));
    return;
  }
  const int bytes = l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
  char out[5];
  for (int i = bytes - 1; i >= 0; --i) {
    const auto chunk = static_cast<unsigned char>((l >> (7 * i)) & 127);
    out[bytes - 1 - i] = static_cast<char>(i == bytes - 1 ? chunk : (chunk | 128));
  }
  buffer_.append(out, static_cast<size_t>(bytes));
}

std::string_view ListpackWriter::finish() {
  if (buffer_.size() + 1 > UINT32_MAX) throw std::length_error("a listpack holds at most 4 GiB");
  const uint64_t total = buffer_.size() + 1;
  const uint64_t count = count_ < kCountUnknown ? count_ : kCountUnknown;
  for (int i = 0; i < 4; ++i) buffer_[static_cast<size_t>(i)] = static_cast<char>((total >> (8 * i)) & 0xFF);
  for (int i = 0; i < 2; ++i) buffer_[static_cast<size_t>(4 + i)] = static_cast<char>((count >> (8 * i)) & 0xFF);
  buffer_.push_back(static_cast<char>(kEnd));
  return buffer_;
}

}  // namespace polars_redis::rdb
