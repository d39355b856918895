#include "polars_redis/json/json_text.hpp"

#include <charconv>
#include <cstdint>

namespace polars_redis::json {

void append_json_string(std::string_view text, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t clean_from = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text, clean_from, i - clean_from);
    clean_from = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
    }
  }
  out.append(text, clean_from, text.size() - clean_from);
  out.push_back('"');
}

namespace {

// A plain decimal numeral without trailing fraction zeros ("1.50" -> "1.5", "2.00" -> "2").
std::string_view trimmed(std::string_view number) {
  if (number.find('.') == std::string_view::npos) return number;
  while (number.back() == '0') number.remove_suffix(1);
  if (number.back() == '.') number.remove_suffix(1);
  return number;
}

template <typename T>
bool parses_as(std::string_view text) {
  T value;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

bool survives_redisjson(std::string_view number, std::string& stored) {
  if (number.find_first_of(".eE") == std::string_view::npos &&
      (parses_as<int64_t>(number) || parses_as<uint64_t>(number))) {
    return true;
  }
  double value = 0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (ec != std::errc() || end != number.data() + number.size()) {
    stored = "an error (out of a double's range)";
    return false;
  }
  char buffer[1100];  // the longest shortest-round-trip fixed form of a double (subnormals)
  const auto written = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
  stored.assign(buffer, written.ptr);
  std::string_view digits = trimmed(number);
  if (digits == "-0") digits = "0";
  std::string_view kept = trimmed(stored);
  if (kept == "-0") kept = "0";
  return digits == kept;
}

}  // namespace polars_redis::json
