#include "polars_redis/rdb/score_text.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <algorithm>

namespace polars_redis::rdb {

namespace {

// fpconv's layout of shortest digits d1..dn times 10^k: plain integer, plain decimal, or
// d1.d2..dne±x (no zero padding of the exponent).
void append_fpconv_layout(double value, std::string& out) {
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), std::fabs(value), std::chars_format::scientific);
  std::string digits;
  const char* p = buffer;
  for (; p < end && *p != 'e'; ++p) {
    if (*p != '.') digits.push_back(*p);
  }
  int exponent = 0;  // of the first digit
  std::from_chars(p + (p[1] == '+' ? 2 : 1), end, exponent);
  const int n = static_cast<int>(digits.size());
  const int k = exponent - (n - 1);       // value = digits * 10^k
  const int magnitude = std::abs(k + n - 1);
  if (std::signbit(value)) out.push_back('-');
  if (k >= 0 && magnitude < n + 7) {
    out += digits;
    out.append(static_cast<size_t>(k), '0');
    return;
  }
  if (k < 0 && (k > -7 || magnitude < 4)) {
    const int offset = n + k;  // digits before the point
    if (offset <= 0) {
      out += "0.";
      out.append(static_cast<size_t>(-offset), '0');
      out += digits;
    } else {
      out.append(digits, 0, static_cast<size_t>(offset));
      out.push_back('.');
      out.append(digits, static_cast<size_t>(offset));
    }
    return;
  }
  const int shown = std::min(n, std::signbit(value) ? 17 : 18);
  out.push_back(digits[0]);
  if (shown > 1) {
    out.push_back('.');
    out.append(digits, 1, static_cast<size_t>(shown - 1));
  }
  out.push_back('e');
  out.push_back(k + shown - 1 < 0 ? '-' : '+');
  out += std::to_string(magnitude);
}

}  // namespace

void append_score_text(double value, int rdb_version, std::string& out) {
  if (std::isinf(value)) {
    out += value < 0 ? "-inf" : "inf";
    return;
  }
  if (value == 0) {  // -0 too: ZADD k -0 m leaves the integer 0 in the listpack (7.0 and 7.4)
    out += "0";
    return;
  }
  char buffer[32];
  if (rdb_version <= 10) {
    // 7.0: integers strictly inside ±2^52 print as integers, the rest with "%.17g".
    if (value > -4503599627370495.0 && value < 4503599627370496.0 && value == std::trunc(value)) {
      out += std::to_string(static_cast<long long>(value));
    } else {
      out.append(buffer, static_cast<size_t>(std::snprintf(buffer, sizeof(buffer), "%.17g", value)));
    }
    return;
  }
  // 7.2+: integers within ±LLONG_MAX/2 print as integers (double2ll).
  constexpr double kHalf = static_cast<double>(INT64_MAX / 2);
  if (value >= -kHalf && value <= kHalf && value == std::trunc(value)) {
    out += std::to_string(static_cast<long long>(value));
    return;
  }
  append_fpconv_layout(value, out);
}

}  // namespace polars_redis::rdb
