#pragma once
// Text -> typed value codecs. Redis stores every hash field, string and stream value as bytes;
// these decide what text a typed column accepts. All are strict (no surrounding whitespace, the
// whole input must be consumed) and return nullopt when the text does not parse.
#include <cstdint>
#include <optional>
#include <string_view>

#include "polars_redis/convert/dtype.hpp"

namespace polars_redis::convert {

// true/false/1/0/yes/no/t/f/y/n/on/off, any case.
std::optional<bool> parse_bool(std::string_view text);

// Decimal integer with optional sign, checked against the range of T ("-0" is not unsigned).
template <typename T>
std::optional<T> parse_int(std::string_view text);

// Decimal or scientific float; also inf/+inf/-inf/infinity/nan, any case. Magnitudes beyond the
// type's range give +-inf or +-0, as Rust's and Python's parsers do.
std::optional<double> parse_double(std::string_view text);
std::optional<float> parse_float(std::string_view text);

// Exact decimal (optionally with an exponent: "1.5e-7", "1E20") to an unscaled int128 with
// `scale` fractional digits; more fractional digits are rounded half away from zero; nullopt if
// the result needs more than `precision` digits.
std::optional<__int128> parse_decimal(std::string_view text, int precision, int scale);

// ISO 8601 date (YYYY-MM-DD) or an integer count of days since 1970-01-01. Years outside
// 0000..9999 take the expanded form format_date writes ("-0001-01-01", "+10000-01-01").
std::optional<int32_t> parse_date(std::string_view text);

// ISO 8601 date-time: `YYYY-MM-DD[T| ]HH:MM[:SS[.fraction up to 9 digits]][Z|+HH:MM|-HH:MM|+HHMM|+HH]`
// (a bare date means midnight); an offset is applied so the result is a UTC instant, text without
// an offset is taken as UTC. Or an integer epoch whose unit is chosen by magnitude:
// |v| < 1e11 seconds, < 1e14 milliseconds, < 1e17 microseconds, else nanoseconds.
// Returns the instant in `unit`, digits finer than the unit dropped toward the past; nullopt on
// overflow.
std::optional<int64_t> parse_datetime(std::string_view text, TimeUnit unit);

// True when parse_datetime would accept the text as ISO and it carries an explicit offset or Z.
bool datetime_text_has_offset(std::string_view text);

// HH:MM[:SS[.fraction up to 9 digits]] -> nanoseconds since midnight.
std::optional<int64_t> parse_time(std::string_view text);

// Days from civil date (proleptic Gregorian), exposed for writers and tests.
int64_t days_from_civil(int64_t year, unsigned month, unsigned day);

// The inverse: the civil date of a count of days since 1970-01-01.
struct CivilDate {
  int64_t year;
  unsigned month;
  unsigned day;
};
CivilDate civil_from_days(int64_t days);

}  // namespace polars_redis::convert
