#include "polars_redis/json/json_text.hpp"

#include <array>
#include <charconv>
#include <cmath>
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

// serde_json's POW10: the correctly rounded doubles 1e0 .. 1e308.
const std::array<double, 309>& powers_of_ten() {
  static const std::array<double, 309> table = [] {
    std::array<double, 309> out{};
    char text[8];
    for (int i = 0; i <= 308; ++i) {
      text[0] = '1';
      text[1] = 'e';
      const auto end = std::to_chars(text + 2, text + sizeof text, i).ptr;
      std::from_chars(text, end, out[static_cast<size_t>(i)]);
    }
    return out;
  }();
  return table;
}

}  // namespace

std::optional<double> redisjson_double(std::string_view number) {
  const bool negative = !number.empty() && number.front() == '-';
  if (negative) number.remove_prefix(1);
  uint64_t significand = 0;
  int64_t exponent = 0;
  bool overflow = false;
  size_t i = 0;
  auto take = [&](char c, bool fraction) {
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (!overflow && significand <= (UINT64_MAX - digit) / 10) {
      significand = significand * 10 + digit;
      if (fraction) --exponent;
    } else {
      overflow = true;  // serde drops the digit (an integer digit still scales the value)
      if (!fraction) ++exponent;
    }
  };
  for (; i < number.size() && number[i] >= '0' && number[i] <= '9'; ++i) take(number[i], false);
  if (i < number.size() && number[i] == '.') {
    for (++i; i < number.size() && number[i] >= '0' && number[i] <= '9'; ++i) take(number[i], true);
  }
  if (i < number.size() && (number[i] == 'e' || number[i] == 'E')) {
    ++i;
    if (i < number.size() && number[i] == '+') ++i;
    int64_t e = 0;
    const auto [end, ec] = std::from_chars(number.data() + i, number.data() + number.size(), e);
    if (ec != std::errc()) return std::nullopt;
    i = static_cast<size_t>(end - number.data());
    exponent += e;
  }
  if (i != number.size()) return std::nullopt;
  double value = static_cast<double>(significand);
  const auto& pow10 = powers_of_ten();
  while (true) {
    if (std::llabs(exponent) <= 308) {
      const double power = pow10[static_cast<size_t>(std::llabs(exponent))];
      if (exponent >= 0) {
        value *= power;
        if (std::isinf(value)) return std::nullopt;
      } else {
        value /= power;
      }
      break;
    }
    if (value == 0) break;
    if (exponent >= 0) return std::nullopt;
    value /= 1e308;
    exponent += 308;
  }
  return negative ? -value : value;
}

bool survives_redisjson(std::string_view number, std::string& stored) {
  if (number.find_first_of(".eE") == std::string_view::npos &&
      (parses_as<int64_t>(number) || parses_as<uint64_t>(number))) {
    return true;
  }
  const std::optional<double> value = redisjson_double(number);
  if (!value) {
    stored = "an error (out of a double's range)";
    return false;
  }
  char buffer[1100];  // the longest shortest-round-trip fixed form of a double (subnormals)
  const auto written = std::to_chars(buffer, buffer + sizeof buffer, *value, std::chars_format::fixed);
  stored.assign(buffer, written.ptr);
  std::string_view digits = trimmed(number);
  if (digits == "-0") digits = "0";
  std::string_view kept = trimmed(stored);
  if (kept == "-0") kept = "0";
  return digits == kept;
}

bool append_redisjson_double(double value, std::string& out) {
  char text[64];
  auto end = std::to_chars(text, text + sizeof text, value).ptr;
  auto stores = [&](std::string_view candidate) {
    const auto parsed = redisjson_double(candidate);
    return parsed && *parsed == value;
  };
  if (stores(std::string_view(text, static_cast<size_t>(end - text)))) {
    out.append(text, end);
    return true;
  }
  // <integer>e<exp> forms around the value with 17 to 19 digits: serde turns the integer into the
  // nearest double first, so step through those doubles; one usually lands on the value.
  for (int digits = 17; digits <= 19; ++digits) {
    end = std::to_chars(text, text + sizeof text, std::fabs(value), std::chars_format::scientific, digits - 1).ptr;
    const std::string_view scientific(text, static_cast<size_t>(end - text));
    const size_t e = scientific.find('e');
    std::string mantissa;
    for (char c : scientific.substr(0, e)) {
      if (c != '.') mantissa.push_back(c);
    }
    uint64_t base = 0;
    int64_t exponent = 0;
    std::from_chars(mantissa.data(), mantissa.data() + mantissa.size(), base);
    std::from_chars(scientific.data() + e + 1 + (scientific[e + 1] == '+'), scientific.data() + scientific.size(), exponent);
    exponent -= digits - 1;
    const double centre = static_cast<double>(base);
    double below = centre, above = centre;
    for (int step = 0; step <= 16; ++step) {
      for (double integral : {below, above}) {
        if (integral <= 0 || integral >= 18446744073709551615.0) continue;
        std::string candidate = value < 0 ? "-" : "";
        candidate += std::to_string(static_cast<uint64_t>(integral)) + "e" + std::to_string(exponent);
        if (stores(candidate)) {
          out += candidate;
          return true;
        }
      }
      below = std::nextafter(below, 0.0);
      above = std::nextafter(above, 1e300);
    }
  }
  return false;
}

}  // namespace polars_redis::json
