#include "polars_redis/convert/text_codecs.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <system_error>

namespace polars_redis::convert {
namespace {

constexpr int64_t kNanosPerSecond = 1'000'000'000;
constexpr int64_t kSecondsPerDay = 86'400;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool equals_lower(std::string_view text, std::string_view word) {
  if (text.size() != word.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (lower(text[i]) != word[i]) return false;
  }
  return true;
}

// Walks the text left to right. A failed read leaves the position anywhere: it fails the parse.
struct Cursor {
  std::string_view text;
  size_t pos = 0;

  bool done() const { return pos == text.size(); }
  char peek() const { return done() ? '\0' : text[pos]; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++pos;
    return true;
  }
  // Exactly `n` digits.
  bool fixed(size_t n, int& out) {
    if (text.size() - pos < n) return false;
    int v = 0;
    for (size_t i = 0; i < n; ++i) {
      char c = text[pos + i];
      if (!is_digit(c)) return false;
      v = v * 10 + (c - '0');
    }
    pos += n;
    out = v;
    return true;
  }
  bool fixed_in(size_t n, int lo, int hi, int& out) {
    return fixed(n, out) && out >= lo && out <= hi;
  }
};

bool is_leap(int64_t year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

int days_in_month(int64_t year, int month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

// Years 0000..9999 are four bare digits; others carry a sign and at least four digits
// ("-0001", "+10000"), which is how Polars prints them, so written dates read back.
bool read_year(Cursor& c, int64_t& year) {
  char sign = (c.peek() == '+' || c.peek() == '-') ? c.text[c.pos++] : '\0';
  size_t start = c.pos;
  int64_t v = 0;
  // Nine digits cover every year an int64 millisecond instant can reach.
  while (is_digit(c.peek()) && c.pos - start < 10) v = v * 10 + (c.text[c.pos++] - '0');
  size_t n = c.pos - start;
  if (sign == '\0') {
    if (n != 4) return false;
  } else {
    if (n < 4 || n > 9) return false;
    if (n > 4 && c.text[start] == '0') return false;
    if (sign == '+' && v <= 9999) return false;
    if (sign == '-' && v == 0) return false;
  }
  year = sign == '-' ? -v : v;
  return true;
}

bool read_date(Cursor& c, int64_t& days) {
  int64_t year;
  int month, day;
  if (!read_year(c, year) || !c.eat('-') || !c.fixed_in(2, 1, 12, month) || !c.eat('-') ||
      !c.fixed_in(2, 1, days_in_month(year, month), day)) {
    return false;
  }
  days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return true;
}

// HH:MM[:SS[.fraction]]; seconds stop at 59 because Polars has no leap seconds.
bool read_clock(Cursor& c, int64_t& seconds, int64_t& nanos) {
  int h, m, s = 0;
  if (!c.fixed_in(2, 0, 23, h) || !c.eat(':') || !c.fixed_in(2, 0, 59, m)) return false;
  nanos = 0;
  if (c.eat(':')) {
    if (!c.fixed_in(2, 0, 59, s)) return false;
    if (c.eat('.')) {
      int digits = 0;
      while (is_digit(c.peek())) {
        if (++digits > 9) return false;
        nanos = nanos * 10 + (c.text[c.pos++] - '0');
      }
      if (digits == 0) return false;
      for (int i = digits; i < 9; ++i) nanos *= 10;
    }
  }
  seconds = h * 3600 + m * 60 + s;
  return true;
}

// Z, or +HH:MM / +HHMM / +HH (either sign), as seconds east of UTC.
bool read_offset(Cursor& c, int64_t& offset) {
  if (c.eat('Z') || c.eat('z')) {
    offset = 0;
    return true;
  }
  char sign = c.peek();
  if (sign != '+' && sign != '-') return false;
  ++c.pos;
  int h, m = 0;
  if (!c.fixed_in(2, 0, 23, h)) return false;
  if (c.eat(':')) {
    if (!c.fixed_in(2, 0, 59, m)) return false;
  } else if (!c.done() && !c.fixed_in(2, 0, 59, m)) {
    return false;
  }
  offset = (h * 3600 + m * 60) * (sign == '-' ? -1 : 1);
  return true;
}

// An ISO instant split into whole UTC seconds and a non-negative nanosecond remainder.
struct Instant {
  int64_t seconds = 0;
  int64_t nanos = 0;
  bool has_offset = false;
};

std::optional<Instant> parse_iso_instant(std::string_view text) {
  Cursor c{text};
  int64_t days;
  if (!read_date(c, days)) return std::nullopt;
  Instant out{days * kSecondsPerDay, 0, false};
  if (c.done()) return out;
  char sep = c.peek();
  if (sep != 'T' && sep != 't' && sep != ' ') return std::nullopt;
  ++c.pos;
  int64_t clock;
  if (!read_clock(c, clock, out.nanos)) return std::nullopt;
  out.seconds += clock;
  if (!c.done()) {
    int64_t offset;
    if (!read_offset(c, offset) || !c.done()) return std::nullopt;
    out.seconds -= offset;
    out.has_offset = true;
  }
  return out;
}

int64_t units_per_second(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kMillisecond: return 1'000;
    case TimeUnit::kMicrosecond: return 1'000'000;
    case TimeUnit::kNanosecond: return kNanosPerSecond;
  }
  return 1'000'000;
}

// Sub-unit digits are dropped (the fraction only ever adds to the second, so this is a floor).
std::optional<int64_t> instant_in_unit(Instant instant, TimeUnit unit) {
  int64_t per = units_per_second(unit);
  int64_t seconds = instant.seconds;
  int64_t sub = instant.nanos / (kNanosPerSecond / per);
  // Borrow a second for negative instants so the last partial second before INT64_MIN fits.
  if (seconds < 0 && sub > 0) {
    seconds += 1;
    sub -= per;
  }
  int64_t out;
  if (__builtin_mul_overflow(seconds, per, &out) || __builtin_add_overflow(out, sub, &out)) {
    return std::nullopt;
  }
  return out;
}

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// The unit of an integer epoch, from its magnitude; "now" sits well inside each band.
int64_t epoch_units_per_second(int64_t value) {
  uint64_t magnitude = value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  if (magnitude < 100'000'000'000ULL) return 1;
  if (magnitude < 100'000'000'000'000ULL) return 1'000;
  if (magnitude < 100'000'000'000'000'000ULL) return 1'000'000;
  return kNanosPerSecond;
}

std::optional<int64_t> epoch_in_unit(int64_t value, TimeUnit unit) {
  int64_t source_per_second = epoch_units_per_second(value);
  int64_t target_per_second = units_per_second(unit);
  if (source_per_second >= target_per_second) {
    return floor_div(value, source_per_second / target_per_second);
  }
  int64_t out;
  if (__builtin_mul_overflow(value, target_per_second / source_per_second, &out)) {
    return std::nullopt;
  }
  return out;
}

// from_chars reports out-of-range without a value. Like Rust's and Python's float parsing we give
// +-inf on overflow and +-0 on underflow; which one follows from the decimal exponent of the
// leading significant digit, as the representable range lies far on both sides of 1.
template <typename F>
F out_of_range_value(std::string_view body) {
  bool negative = !body.empty() && body.front() == '-';
  size_t i = negative ? 1 : 0;
  int64_t magnitude = 0;
  bool seen_nonzero = false;
  for (; i < body.size() && is_digit(body[i]); ++i) {
    if (body[i] != '0') seen_nonzero = true;
    if (seen_nonzero) ++magnitude;
  }
  if (i < body.size() && body[i] == '.') {
    for (++i; i < body.size() && is_digit(body[i]); ++i) {
      if (seen_nonzero) continue;
      if (body[i] != '0') {
        seen_nonzero = true;
      } else {
        --magnitude;
      }
    }
  }
  if (i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
    ++i;
    bool exp_negative = i < body.size() && body[i] == '-';
    if (i < body.size() && (body[i] == '-' || body[i] == '+')) ++i;
    int64_t exponent = 0;
    for (; i < body.size() && is_digit(body[i]); ++i) {
      if (exponent < 1'000'000'000) exponent = exponent * 10 + (body[i] - '0');
    }
    magnitude += exp_negative ? -exponent : exponent;
  }
  F value = magnitude > 0 ? std::numeric_limits<F>::infinity() : F(0);
  return negative ? -value : value;
}

template <typename F>
std::optional<F> parse_floating(std::string_view text) {
  std::string_view body = text;
  // from_chars takes no '+', so strip exactly one and make sure no second sign follows.
  if (!body.empty() && body.front() == '+') {
    body.remove_prefix(1);
    if (!body.empty() && (body.front() == '-' || body.front() == '+')) return std::nullopt;
  }
  // A NaN payload "nan(...)" is C-specific syntax that no other tool writes.
  if (!body.empty() && body.back() == ')') return std::nullopt;
  F value;
  const char* end = body.data() + body.size();
  auto [ptr, ec] = std::from_chars(body.data(), end, value, std::chars_format::general);
  if (ptr != end) return std::nullopt;
  if (ec == std::errc::result_out_of_range) return out_of_range_value<F>(body);
  if (ec != std::errc()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<bool> parse_bool(std::string_view text) {
  static constexpr std::string_view kTrue[] = {"true", "1", "yes", "t", "y", "on"};
  static constexpr std::string_view kFalse[] = {"false", "0", "no", "f", "n", "off"};
  for (auto word : kTrue) {
    if (equals_lower(text, word)) return true;
  }
  for (auto word : kFalse) {
    if (equals_lower(text, word)) return false;
  }
  return std::nullopt;
}

template <typename T>
std::optional<T> parse_int(std::string_view text) {
  std::string_view body = text;
  if (!body.empty() && body.front() == '+') {
    body.remove_prefix(1);
    if (body.empty() || !is_digit(body.front())) return std::nullopt;
  }
  T value;
  const char* end = body.data() + body.size();
  auto [ptr, ec] = std::from_chars(body.data(), end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

template std::optional<int8_t> parse_int<int8_t>(std::string_view);
template std::optional<int16_t> parse_int<int16_t>(std::string_view);
template std::optional<int32_t> parse_int<int32_t>(std::string_view);
template std::optional<int64_t> parse_int<int64_t>(std::string_view);
template std::optional<uint8_t> parse_int<uint8_t>(std::string_view);
template std::optional<uint16_t> parse_int<uint16_t>(std::string_view);
template std::optional<uint32_t> parse_int<uint32_t>(std::string_view);
template std::optional<uint64_t> parse_int<uint64_t>(std::string_view);

std::optional<double> parse_double(std::string_view text) { return parse_floating<double>(text); }

std::optional<float> parse_float(std::string_view text) { return parse_floating<float>(text); }

std::optional<__int128> parse_decimal(std::string_view text, int precision, int scale) {
  if (precision < 1 || precision > 38 || scale < 0 || scale > precision) return std::nullopt;
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';

  // The mantissa's digits without the point, and how many of them stand before it.
  const size_t integer_start = i;
  while (i < text.size() && is_digit(text[i])) ++i;
  std::string_view integer_digits = text.substr(integer_start, i - integer_start);
  std::string_view fraction_digits;
  if (i < text.size() && text[i] == '.') {
    const size_t fraction_start = ++i;
    while (i < text.size() && is_digit(text[i])) ++i;
    fraction_digits = text.substr(fraction_start, i - fraction_start);
  }
  if (integer_digits.empty() && fraction_digits.empty()) return std::nullopt;
  // An exponent, as JSON writers use for small and large numbers (RedisJSON writes 1e-7, 1e20).
  // It saturates far beyond any digit count: 1e999999999999 is simply too large.
  int64_t exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exponent_negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) exponent_negative = text[i++] == '-';
    const size_t exponent_start = i;
    for (; i < text.size() && is_digit(text[i]); ++i) {
      exponent = std::min<int64_t>(exponent * 10 + (text[i] - '0'), int64_t{1} << 40);
    }
    if (i == exponent_start) return std::nullopt;
    if (exponent_negative) exponent = -exponent;
  }
  if (i != text.size()) return std::nullopt;

  const auto digit = [&](int64_t k) -> unsigned {
    if (k < 0) return 0;
    if (static_cast<size_t>(k) < integer_digits.size()) return static_cast<unsigned>(integer_digits[k] - '0');
    k -= static_cast<int64_t>(integer_digits.size());
    return static_cast<size_t>(k) < fraction_digits.size() ? static_cast<unsigned>(fraction_digits[k] - '0') : 0;
  };
  const int64_t length = static_cast<int64_t>(integer_digits.size() + fraction_digits.size());
  // The unscaled value is the mantissa's digits up to index `kept` (exclusive), zeros beyond it.
  const int64_t kept = static_cast<int64_t>(integer_digits.size()) + exponent + scale;
  // Digits of the result; at most `precision` (<= 38) of them, so it never leaves the range.
  unsigned __int128 value = 0;
  int significant = 0;
  for (int64_t k = 0; k < kept; ++k) {
    const unsigned d = digit(k);
    if (significant == 0 && d == 0) {
      // Only zeros left: the value is zero, however far the exponent shifts it.
      if (k >= length) break;
      continue;
    }
    if (++significant > precision) return std::nullopt;
    value = value * 10 + d;
  }
  // Half away from zero needs only the first dropped digit: it is >= 5 exactly when the dropped
  // part is at least one half.
  if (kept >= 0 && digit(kept) >= 5) ++value;

  unsigned __int128 limit = 1;
  for (int k = 0; k < precision; ++k) limit *= 10;
  if (value >= limit) return std::nullopt;
  __int128 signed_value = static_cast<__int128>(value);
  return negative ? -signed_value : signed_value;
}

std::optional<int32_t> parse_date(std::string_view text) {
  Cursor c{text};
  int64_t days;
  if (read_date(c, days) && c.done()) {
    if (days < std::numeric_limits<int32_t>::min() || days > std::numeric_limits<int32_t>::max()) {
      return std::nullopt;
    }
    return static_cast<int32_t>(days);
  }
  return parse_int<int32_t>(text);
}

std::optional<int64_t> parse_datetime(std::string_view text, TimeUnit unit) {
  if (auto instant = parse_iso_instant(text)) return instant_in_unit(*instant, unit);
  if (auto epoch = parse_int<int64_t>(text)) return epoch_in_unit(*epoch, unit);
  return std::nullopt;
}

bool datetime_text_has_offset(std::string_view text) {
  auto instant = parse_iso_instant(text);
  return instant && instant->has_offset;
}

std::optional<int64_t> parse_time(std::string_view text) {
  Cursor c{text};
  int64_t seconds, nanos;
  if (!read_clock(c, seconds, nanos) || !c.done()) return std::nullopt;
  return seconds * kNanosPerSecond + nanos;
}

int64_t days_from_civil(int64_t year, unsigned month, unsigned day) {
  // Count from a year that starts on 1 March, so the leap day is the last day of its year and the
  // month lengths before it follow the 153-days-per-5-months pattern.
  int64_t y = month <= 2 ? year - 1 : year;
  int64_t m = month <= 2 ? month + 9 : month - 3;  // March = 0 ... February = 11
  int64_t leap_days = floor_div(y, 4) - floor_div(y, 100) + floor_div(y, 400);
  int64_t day_of_year = (153 * m + 2) / 5 + day - 1;
  // 719468 = days from 0000-03-01 to 1970-01-01.
  return y * 365 + leap_days + day_of_year - 719468;
}

CivilDate civil_from_days(int64_t days) {
  // The same March-based years as days_from_civil: find the year inside its 400-year cycle, then
  // the month from the 153-days-per-5-months pattern.
  constexpr int64_t kDaysPerCycle = 146'097;
  int64_t since_march_0000 = days + 719'468;
  int64_t cycle = floor_div(since_march_0000, kDaysPerCycle);
  int64_t day_of_cycle = since_march_0000 - cycle * kDaysPerCycle;
  auto year_start = [](int64_t y) { return y * 365 + y / 4 - y / 100 + y / 400; };
  // The mean year length lands within one year of the answer.
  int64_t year_of_cycle = day_of_cycle * 400 / kDaysPerCycle;
  if (year_start(year_of_cycle) > day_of_cycle) --year_of_cycle;
  if (year_start(year_of_cycle + 1) <= day_of_cycle) ++year_of_cycle;
  int64_t day_of_year = day_of_cycle - year_start(year_of_cycle);
  int64_t m = (5 * day_of_year + 2) / 153;  // March = 0 ... February = 11
  unsigned month = static_cast<unsigned>(m < 10 ? m + 3 : m - 9);
  unsigned day = static_cast<unsigned>(day_of_year - (153 * m + 2) / 5 + 1);
  return {cycle * 400 + year_of_cycle + (month <= 2 ? 1 : 0), month, day};
}

}  // namespace polars_redis::convert
