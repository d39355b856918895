#include "polars_redis/convert/utf8.hpp"

#include <cstdint>
#include <cstring>

#include <simdjson.h>

namespace polars_redis::convert {

// Redis text is mostly ASCII: for short values an inline check of the high bits is far cheaper
// than the library call, which is kept for long values and anything non-ASCII.
bool is_utf8(std::string_view text) {
  if (text.size() < 64) {
    uint64_t bits = 0;
    size_t i = 0;
    for (; i + 8 <= text.size(); i += 8) {
      uint64_t word;
      std::memcpy(&word, text.data() + i, 8);
      bits |= word;
    }
    for (; i < text.size(); ++i) bits |= static_cast<uint8_t>(text[i]);
    if ((bits & 0x8080808080808080u) == 0) return true;
  }
  return simdjson::validate_utf8(text.data(), text.size());
}

}  // namespace polars_redis::convert
