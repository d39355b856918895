#pragma once
// Typed value -> text, the inverse of text_codecs: writers store these strings in Redis, and each
// one parses back to the same value with the matching parse_* function. All append to `out`.
#include <cstdint>
#include <string>

#include "polars_redis/convert/dtype.hpp"

namespace polars_redis::convert {

// "true" / "false".
void format_bool(bool value, std::string& out);

// Decimal digits with a leading '-' when negative; instantiated for int8_t..uint64_t.
template <typename T>
void format_int(T value, std::string& out);

// Shortest text that parses back to the same bits; "inf", "-inf", "nan" (sign of NaN dropped).
void format_double(double value, std::string& out);
void format_float(float value, std::string& out);

// `unscaled` / 10^scale with exactly `scale` fractional digits ("-0.50" for -50, scale 2).
void format_decimal(__int128 unscaled, int scale, std::string& out);

// YYYY-MM-DD; years outside 0000..9999 get a sign and at least four digits ("-0001", "+10000"),
// as Polars prints them.
void format_date(int32_t days, std::string& out);

// YYYY-MM-DDTHH:MM:SS, then '.' and all the unit's fractional digits (3, 6 or 9) when the
// sub-second part is not zero, then 'Z' when `utc_suffix`.
void format_datetime(int64_t value, TimeUnit unit, bool utc_suffix, std::string& out);

// HH:MM:SS, then '.' and nine digits when the sub-second part is not zero. Throws
// Error(kInvalidArgument) outside [0, 24h), which no valid Polars Time holds.
void format_time(int64_t nanos, std::string& out);

}  // namespace polars_redis::convert
