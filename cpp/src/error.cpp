#include "polars_redis/error.hpp"

namespace polars_redis {

std::string quote_for_message(std::string_view raw, size_t max_len) {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::string_view shown = raw.substr(0, max_len);
  std::string out;
  out.reserve(shown.size() + 3);
  for (const char c : shown) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f) {
      out.push_back(c);
    } else {
      out += "\\x";
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xf]);
    }
  }
  if (raw.size() > max_len) out += "...";
  return out;
}

}  // namespace polars_redis
