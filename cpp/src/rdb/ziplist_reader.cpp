#include "polars_redis/rdb/ziplist_reader.hpp"

#include "polars_redis/error.hpp"

namespace polars_redis::rdb {

namespace {
[[noreturn]] void corrupt(const std::string& what) { throw Error(ErrorKind::kProtocol, "corrupt ziplist: " + what); }
}  // namespace

void read_ziplist(std::string_view blob, const std::function<void(const PackedElement&)>& visit) {
  constexpr size_t kHeader = 10;
  check_packed_size(blob, kHeader, "ziplist");
  auto bytes = [&](size_t at, size_t n) {
    if (at > blob.size() || blob.size() - at < n) corrupt("an entry passes the end");
    return blob.substr(at, n);
  };
  auto u8 = [&](size_t at) { return static_cast<uint8_t>(bytes(at, 1)[0]); };
  size_t pos = kHeader;
  PackedElement element;
  for (;;) {
    if (u8(pos) == 0xff) break;
    pos += u8(pos) < 254 ? 1 : 5;  // the previous entry's length: 1 byte, or 0xFE + 4 bytes
    const uint8_t encoding = u8(pos);
    element.is_integer = false;
    switch (encoding >> 6) {
      case 0:  // string, 6-bit length
        element.text = bytes(pos + 1, encoding & 0x3f);
        pos += 1 + element.text.size();
        break;
      case 1: {  // string, 14-bit length (big endian)
        const size_t length = ((encoding & 0x3f) << 8) | u8(pos + 1);
        element.text = bytes(pos + 2, length);
        pos += 2 + length;
        break;
      }
      case 2: {  // string, 32-bit length (big endian)
        if (encoding != 0x80) corrupt("unknown entry encoding " + std::to_string(encoding));
        const size_t length = (size_t{u8(pos + 1)} << 24) | (size_t{u8(pos + 2)} << 16) | (size_t{u8(pos + 3)} << 8) | u8(pos + 4);
        element.text = bytes(pos + 5, length);
        pos += 5 + length;
        break;
      }
      default: {
        element.is_integer = true;
        size_t width = 0;
        switch (encoding) {
          case 0xc0: width = 2; break;
          case 0xd0: width = 4; break;
          case 0xe0: width = 8; break;
          case 0xf0: width = 3; break;
          case 0xfe: width = 1; break;
          default:
            if (encoding < 0xf1 || encoding > 0xfd) corrupt("unknown entry encoding " + std::to_string(encoding));
            element.integer = (encoding & 0x0f) - 1;  // 4-bit immediate 0..12
        }
        if (width) element.integer = signed_little_endian(bytes(pos + 1, width));
        pos += 1 + width;
      }
    }
    visit(element);
  }
  if (pos + 1 != blob.size()) corrupt("bytes after the end marker");
}

}  // namespace polars_redis::rdb
