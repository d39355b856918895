#include "polars_redis/rdb/lzf.hpp"

#include <cstring>

#include "polars_redis/error.hpp"

namespace polars_redis::rdb {

namespace {
[[noreturn]] void corrupt(const char* what) {
  throw Error(ErrorKind::kProtocol, std::string("corrupt LZF string: ") + what);
}
}  // namespace

void lzf_decompress(std::string_view compressed, size_t expected_size, std::string& out) {
  // Each input byte yields at most 264 output bytes (a back reference of 2 or 3 bytes copies up
  // to 264): a larger claim is corrupt, and refusing it keeps a bad length from allocating.
  if (expected_size > compressed.size() * 132 + 32) corrupt("the uncompressed length is impossible");
  out.resize(expected_size);
  auto in = reinterpret_cast<const unsigned char*>(compressed.data());
  const auto in_end = in + compressed.size();
  char* const begin = out.data();
  char* dst = begin;
  char* const end = begin + expected_size;
  while (in < in_end) {
    const unsigned ctrl = *in++;
    if (ctrl < 32) {  // literal run of ctrl + 1 bytes
      const size_t run = ctrl + 1;
      if (static_cast<size_t>(in_end - in) < run) corrupt("a literal run passes the end of the input");
      if (static_cast<size_t>(end - dst) < run) corrupt("the output is longer than announced");
      std::memcpy(dst, in, run);
      in += run;
      dst += run;
      continue;
    }
    size_t length = ctrl >> 5;  // back reference: length - 2 in the top 3 bits (7: one more byte)
    if (length == 7) {
      if (in == in_end) corrupt("a back reference is cut off");
      length += *in++;
    }
    length += 2;
    if (in == in_end) corrupt("a back reference is cut off");
    const size_t distance = ((ctrl & 0x1f) << 8) + *in++ + 1;
    if (distance > static_cast<size_t>(dst - begin)) corrupt("a back reference points before the start");
    if (static_cast<size_t>(end - dst) < length) corrupt("the output is longer than announced");
    // Byte by byte: the source may overlap the bytes being written (a repeated pattern).
    const char* from = dst - distance;
    for (size_t i = 0; i < length; ++i) dst[i] = from[i];
    dst += length;
  }
  if (dst != end) corrupt("the output is shorter than announced");
}

}  // namespace polars_redis::rdb
