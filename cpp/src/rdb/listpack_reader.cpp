#include "polars_redis/rdb/listpack_reader.hpp"

#include "polars_redis/error.hpp"

namespace polars_redis::rdb {

namespace {

[[noreturn]] void corrupt(const std::string& what) { throw Error(ErrorKind::kProtocol, "corrupt listpack: " + what); }

// Bytes of the back length that follows an element whose encoding + payload take `size` bytes.
size_t back_length_bytes(size_t size) {
  if (size <= 127) return 1;
  if (size < 16383) return 2;
  if (size < 2097151) return 3;
  if (size < 268435455) return 4;
  return 5;
}

}  // namespace

void read_listpack(std::string_view blob, const std::function<void(const PackedElement&)>& visit) {
  constexpr size_t kHeader = 6;
  check_packed_size(blob, kHeader, "listpack");
  size_t pos = kHeader;
  PackedElement element;
  auto bytes = [&](size_t at, size_t n) {
    if (at > blob.size() || blob.size() - at < n) corrupt("an element passes the end");
    return blob.substr(at, n);
  };
  for (;;) {
    const uint8_t encoding = static_cast<uint8_t>(bytes(pos, 1)[0]);
    if (encoding == 0xff) break;
    size_t header = 1;
    size_t payload = 0;
    element.is_integer = true;
    if ((encoding & 0x80) == 0) {  // 7-bit unsigned integer
      element.integer = encoding & 0x7f;
    } else if ((encoding & 0xc0) == 0x80) {  // string, 6-bit length
      element.is_integer = false;
      payload = encoding & 0x3f;
    } else if ((encoding & 0xe0) == 0xc0) {  // 13-bit signed integer
      header = 2;
      int64_t value = ((encoding & 0x1f) << 8) | static_cast<uint8_t>(bytes(pos + 1, 1)[0]);
      if (value >= (1 << 12)) value -= (1 << 13);
      element.integer = value;
    } else if ((encoding & 0xf0) == 0xe0) {  // string, 12-bit length
      element.is_integer = false;
      header = 2;
      payload = ((encoding & 0x0f) << 8) | static_cast<uint8_t>(bytes(pos + 1, 1)[0]);
    } else if (encoding == 0xf0) {  // string, 32-bit length
      element.is_integer = false;
      header = 5;
      payload = static_cast<size_t>(signed_little_endian(bytes(pos + 1, 4)) & 0xffffffff);
    } else if (encoding >= 0xf1 && encoding <= 0xf4) {  // 16, 24, 32, 64-bit integers
      static constexpr size_t kWidth[] = {2, 3, 4, 8};
      const size_t width = kWidth[encoding - 0xf1];
      element.integer = signed_little_endian(bytes(pos + 1, width));
      header = 1 + width;
    } else {
      corrupt("unknown element encoding " + std::to_string(encoding));
    }
    if (!element.is_integer) element.text = bytes(pos + header, payload);
    const size_t size = header + payload;
    pos += size + back_length_bytes(size);
    bytes(pos, 0);
    visit(element);
  }
  if (pos + 1 != blob.size()) corrupt("bytes after the end marker");
}

}  // namespace polars_redis::rdb
