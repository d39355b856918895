#include "polars_redis/convert/text_format.hpp"

#include <array>
#include <charconv>
#include <cmath>

#include "polars_redis/convert/text_codecs.hpp"
#include "polars_redis/error.hpp"

namespace polars_redis::convert {
namespace {

constexpr int64_t kSecondsPerDay = 86'400;
constexpr int64_t kNanosPerSecond = 1'000'000'000;

// Zero-padded to at least `width` digits.
void append_padded(std::string& out, uint64_t value, int width) {
  std::array<char, 24> digits;
  auto end = std::to_chars(digits.data(), digits.data() + digits.size(), value).ptr;
  for (int pad = width - static_cast<int>(end - digits.data()); pad > 0; --pad) out += '0';
  out.append(digits.data(), end);
}

void append_civil_date(std::string& out, int64_t days) {
  CivilDate c = civil_from_days(days);
  if (c.year >= 0 && c.year <= 9999) {
    append_padded(out, static_cast<uint64_t>(c.year), 4);
  } else {
    out += c.year < 0 ? '-' : '+';
    append_padded(out, static_cast<uint64_t>(c.year < 0 ? -c.year : c.year), 4);
  }
  out += '-';
  append_padded(out, c.month, 2);
  out += '-';
  append_padded(out, c.day, 2);
}

void append_clock(std::string& out, int64_t second_of_day) {
  append_padded(out, static_cast<uint64_t>(second_of_day / 3600), 2);
  out += ':';
  append_padded(out, static_cast<uint64_t>(second_of_day / 60 % 60), 2);
  out += ':';
  append_padded(out, static_cast<uint64_t>(second_of_day % 60), 2);
}

template <typename F>
void format_floating(F value, std::string& out) {
  // to_chars would write "-nan" for a negative NaN; the sign of a NaN carries no meaning.
  if (std::isnan(value)) {
    out += "nan";
    return;
  }
  // The shortest digits that read back to the same value, laid out as Python's repr does: fixed
  // notation from 1e-4 up to 1e16 (100000, not the shorter 1e+05; 0.0001), scientific beyond.
  const F magnitude = std::fabs(value);
  const bool fixed = magnitude == 0 || (magnitude >= F(1e-4) && magnitude < F(1e16));
  std::array<char, 48> buf;
  auto end = std::to_chars(buf.data(), buf.data() + buf.size(), value,
                           fixed ? std::chars_format::fixed : std::chars_format::scientific).ptr;
  out.append(buf.data(), end);
}

}  // namespace

void format_bool(bool value, std::string& out) { out += value ? "true" : "false"; }

template <typename T>
void format_int(T value, std::string& out) {
  std::array<char, 24> buf;
  auto end = std::to_chars(buf.data(), buf.data() + buf.size(), value).ptr;
  out.append(buf.data(), end);
}

template void format_int<int8_t>(int8_t, std::string&);
template void format_int<int16_t>(int16_t, std::string&);
template void format_int<int32_t>(int32_t, std::string&);
template void format_int<int64_t>(int64_t, std::string&);
template void format_int<uint8_t>(uint8_t, std::string&);
template void format_int<uint16_t>(uint16_t, std::string&);
template void format_int<uint32_t>(uint32_t, std::string&);
template void format_int<uint64_t>(uint64_t, std::string&);

void format_double(double value, std::string& out) { format_floating(value, out); }

void format_float(float value, std::string& out) { format_floating(value, out); }

void format_decimal(__int128 unscaled, int scale, std::string& out) {
  // Negate in unsigned arithmetic so the most negative int128 has a magnitude too.
  unsigned __int128 magnitude = static_cast<unsigned __int128>(unscaled);
  if (unscaled < 0) {
    out += '-';
    magnitude = 0 - magnitude;
  }
  std::array<char, 40> reversed;
  int n = 0;
  do {
    reversed[n++] = static_cast<char>('0' + static_cast<int>(magnitude % 10));
    magnitude /= 10;
  } while (magnitude != 0);
  // At least one digit before the point: 5 at scale 2 is "0.05".
  while (n <= scale) reversed[n++] = '0';
  for (int i = n - 1; i >= 0; --i) {
    out += reversed[i];
    if (i == scale && scale > 0) out += '.';
  }
}

void format_date(int32_t days, std::string& out) { append_civil_date(out, days); }

void format_datetime(int64_t value, TimeUnit unit, bool utc_suffix, std::string& out) {
  int64_t per = unit == TimeUnit::kMillisecond ? 1'000
              : unit == TimeUnit::kMicrosecond ? 1'000'000
                                               : kNanosPerSecond;
  int digits = unit == TimeUnit::kMillisecond ? 3 : unit == TimeUnit::kMicrosecond ? 6 : 9;
  // Split toward the past with remainders, never multiplying back, so INT64_MIN cannot overflow.
  int64_t seconds = value / per, sub = value % per;
  if (sub < 0) {
    sub += per;
    --seconds;
  }
  int64_t days = seconds / kSecondsPerDay, second_of_day = seconds % kSecondsPerDay;
  if (second_of_day < 0) {
    second_of_day += kSecondsPerDay;
    --days;
  }
  append_civil_date(out, days);
  out += 'T';
  append_clock(out, second_of_day);
  if (sub != 0) {
    out += '.';
    append_padded(out, static_cast<uint64_t>(sub), digits);
  }
  if (utc_suffix) out += 'Z';
}

void format_time(int64_t nanos, std::string& out) {
  if (nanos < 0 || nanos >= kSecondsPerDay * kNanosPerSecond) {
    throw Error(ErrorKind::kInvalidArgument,
                "time of day out of range: " + std::to_string(nanos) + " ns");
  }
  append_clock(out, nanos / kNanosPerSecond);
  if (int64_t sub = nanos % kNanosPerSecond; sub != 0) {
    out += '.';
    append_padded(out, static_cast<uint64_t>(sub), 9);
  }
}

}  // namespace polars_redis::convert
