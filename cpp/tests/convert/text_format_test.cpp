// Expected strings are written out by hand or from Python's datetime (400-year cycles shifted for
// years it cannot hold); the round-trip tests then check format -> parse over each whole domain.
#include "polars_redis/convert/text_format.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>

#include "polars_redis/convert/text_codecs.hpp"
#include "polars_redis/error.hpp"
#include "support/thrown_error.hpp"

namespace polars_redis::convert {
namespace {

using test_support::thrown_error;

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr int32_t kInt32Max = std::numeric_limits<int32_t>::max();
constexpr int32_t kInt32Min = std::numeric_limits<int32_t>::min();
constexpr int64_t kNanosPerDay = int64_t{86400} * 1'000'000'000;

template <typename F, typename... Args>
std::string fmt(F format, Args... args) {
  std::string out;
  format(args..., out);
  return out;
}

__int128 pow10(int n) {
  __int128 v = 1;
  for (int i = 0; i < n; ++i) v *= 10;
  return v;
}

// ---------------------------------------------------------------- exact output

TEST(FormatBool, Words) {
  EXPECT_EQ(fmt(format_bool, true), "true");
  EXPECT_EQ(fmt(format_bool, false), "false");
}

TEST(FormatInt, Limits) {
  EXPECT_EQ(fmt(format_int<int64_t>, kInt64Min), "-9223372036854775808");
  EXPECT_EQ(fmt(format_int<int64_t>, kInt64Max), "9223372036854775807");
  EXPECT_EQ(fmt(format_int<uint64_t>, std::numeric_limits<uint64_t>::max()),
            "18446744073709551615");
  EXPECT_EQ(fmt(format_int<int8_t>, int8_t{-128}), "-128");
  EXPECT_EQ(fmt(format_int<uint8_t>, uint8_t{255}), "255");
  EXPECT_EQ(fmt(format_int<int32_t>, 0), "0");
}

TEST(FormatInt, Appends) {
  std::string out = "x=";
  format_int<int16_t>(-7, out);
  EXPECT_EQ(out, "x=-7");
}

TEST(FormatDouble, ShortestText) {
  EXPECT_EQ(fmt(format_double, 0.1), "0.1");
  EXPECT_EQ(fmt(format_double, 1.5), "1.5");
  EXPECT_EQ(fmt(format_double, 100.0), "100");
  EXPECT_EQ(fmt(format_double, 0.0), "0");
  EXPECT_EQ(fmt(format_double, -0.0), "-0");
  EXPECT_EQ(fmt(format_double, 1e308), "1e+308");
  EXPECT_EQ(fmt(format_double, 1e22), "1e+22");
  EXPECT_EQ(fmt(format_double, 5e-324), "5e-324");
  EXPECT_EQ(fmt(format_double, 0.1 + 0.2), "0.30000000000000004");
}

// Laid out as Python's repr: fixed notation for magnitudes from 1e-4 up to 1e16, even where the
// scientific form is shorter (1e+05), scientific beyond.
TEST(FormatDouble, FixedNotationInPythonsRange) {
  EXPECT_EQ(fmt(format_double, 100000.0), "100000");
  EXPECT_EQ(fmt(format_double, -100000.0), "-100000");
  EXPECT_EQ(fmt(format_double, 1.5e6), "1500000");
  EXPECT_EQ(fmt(format_double, 142857.14285714287), "142857.14285714287");
  EXPECT_EQ(fmt(format_double, 1e15), "1000000000000000");
  EXPECT_EQ(fmt(format_double, 9999999999999998.0), "9999999999999998");
  EXPECT_EQ(fmt(format_double, 1e16), "1e+16");
  EXPECT_EQ(fmt(format_double, 0.0001), "0.0001");
  EXPECT_EQ(fmt(format_double, 9.999999999999999e-05), "9.999999999999999e-05");
  EXPECT_EQ(fmt(format_double, 1e-5), "1e-05");
  EXPECT_EQ(fmt(format_float, 100000.0f), "100000");
  EXPECT_EQ(fmt(format_float, 1e-5f), "1e-05");
}

TEST(FormatDouble, NotationFollowsTheMagnitudeForAnyValue) {
  std::mt19937_64 random(11);
  std::uniform_real_distribution<double> decades(-7, 19);
  for (int i = 0; i < 400000; ++i) {
    double value;
    if (i % 2) {  // any bits
      uint64_t bits = random();
      std::memcpy(&value, &bits, sizeof value);
    } else {  // magnitudes around the thresholds, integral ones too
      value = std::pow(10.0, decades(random)) * (random() % 2 ? 1 : -1);
      if (i % 4 == 0) value = std::round(value);
    }
    if (!std::isfinite(value)) continue;
    const double magnitude = std::fabs(value);
    const bool fixed = magnitude == 0 || (magnitude >= 1e-4 && magnitude < 1e16);
    const std::string text = fmt(format_double, value);
    ASSERT_EQ(text.find('e') == std::string::npos, fixed) << text;
  }
}

TEST(FormatDouble, NonFinite) {
  using L = std::numeric_limits<double>;
  EXPECT_EQ(fmt(format_double, L::infinity()), "inf");
  EXPECT_EQ(fmt(format_double, -L::infinity()), "-inf");
  EXPECT_EQ(fmt(format_double, L::quiet_NaN()), "nan");
  EXPECT_EQ(fmt(format_double, -L::quiet_NaN()), "nan");
  EXPECT_EQ(fmt(format_float, std::numeric_limits<float>::quiet_NaN()), "nan");
  EXPECT_EQ(fmt(format_float, -std::numeric_limits<float>::infinity()), "-inf");
}

TEST(FormatFloat, ShortestFloatText) {
  EXPECT_EQ(fmt(format_float, 0.1f), "0.1");
  EXPECT_EQ(fmt(format_float, std::numeric_limits<float>::max()), "3.4028235e+38");
  EXPECT_EQ(fmt(format_float, 16777216.0f), "16777216");
}

TEST(FormatDecimal, PointPlacement) {
  EXPECT_EQ(fmt(format_decimal, __int128{12345}, 2), "123.45");
  EXPECT_EQ(fmt(format_decimal, __int128{-12345}, 2), "-123.45");
  EXPECT_EQ(fmt(format_decimal, __int128{5}, 2), "0.05");
  EXPECT_EQ(fmt(format_decimal, __int128{-5}, 2), "-0.05");
  EXPECT_EQ(fmt(format_decimal, __int128{-50}, 2), "-0.50");
  EXPECT_EQ(fmt(format_decimal, __int128{0}, 2), "0.00");
  EXPECT_EQ(fmt(format_decimal, __int128{0}, 0), "0");
  EXPECT_EQ(fmt(format_decimal, __int128{100}, 2), "1.00");
  EXPECT_EQ(fmt(format_decimal, __int128{-7}, 0), "-7");
  EXPECT_EQ(fmt(format_decimal, __int128{1}, 38), "0." + std::string(37, '0') + "1");
}

TEST(FormatDecimal, Extremes) {
  const std::string nines(38, '9');
  EXPECT_EQ(fmt(format_decimal, pow10(38) - 1, 0), nines);
  EXPECT_EQ(fmt(format_decimal, -(pow10(38) - 1), 38), "-0." + nines);
  EXPECT_EQ(fmt(format_decimal, -(pow10(38) - 1), 10),
            "-" + nines.substr(10) + "." + nines.substr(0, 10));
  const __int128 int128_min = static_cast<__int128>(static_cast<unsigned __int128>(1) << 127);
  EXPECT_EQ(fmt(format_decimal, int128_min, 0), "-170141183460469231731687303715884105728");
}

TEST(FormatDate, Iso) {
  EXPECT_EQ(fmt(format_date, 0), "1970-01-01");
  EXPECT_EQ(fmt(format_date, -1), "1969-12-31");
  EXPECT_EQ(fmt(format_date, 19724), "2024-01-02");
  EXPECT_EQ(fmt(format_date, 11016), "2000-02-29");
  EXPECT_EQ(fmt(format_date, -25508), "1900-03-01");
  EXPECT_EQ(fmt(format_date, -719162), "0001-01-01");
  EXPECT_EQ(fmt(format_date, 2932896), "9999-12-31");
}

TEST(FormatDate, ExpandedYears) {
  EXPECT_EQ(fmt(format_date, -719528), "0000-01-01");
  EXPECT_EQ(fmt(format_date, -719893), "-0001-01-01");
  EXPECT_EQ(fmt(format_date, 2932897), "+10000-01-01");
  EXPECT_EQ(fmt(format_date, kInt32Max), "+5881580-07-11");
  EXPECT_EQ(fmt(format_date, kInt32Min), "-5877641-06-23");
}

TEST(FormatDatetime, FractionOnlyWhenNonZero) {
  constexpr auto kMs = TimeUnit::kMillisecond;
  constexpr auto kUs = TimeUnit::kMicrosecond;
  constexpr auto kNs = TimeUnit::kNanosecond;
  EXPECT_EQ(fmt(format_datetime, int64_t{1704164645000000}, kUs, true), "2024-01-02T03:04:05Z");
  EXPECT_EQ(fmt(format_datetime, int64_t{1704164645000000}, kUs, false), "2024-01-02T03:04:05");
  EXPECT_EQ(fmt(format_datetime, int64_t{1704164645123}, kMs, true), "2024-01-02T03:04:05.123Z");
  EXPECT_EQ(fmt(format_datetime, int64_t{1704164645123000}, kUs, true),
            "2024-01-02T03:04:05.123000Z");
  EXPECT_EQ(fmt(format_datetime, int64_t{1704164645000000001}, kNs, true),
            "2024-01-02T03:04:05.000000001Z");
  EXPECT_EQ(fmt(format_datetime, int64_t{0}, kNs, true), "1970-01-01T00:00:00Z");
  EXPECT_EQ(fmt(format_datetime, int64_t{-1}, kUs, false), "1969-12-31T23:59:59.999999");
  EXPECT_EQ(fmt(format_datetime, int64_t{-1000}, kMs, false), "1969-12-31T23:59:59");
  EXPECT_EQ(fmt(format_datetime, int64_t{-62135596800000000}, kUs, true), "0001-01-01T00:00:00Z");
}

TEST(FormatDatetime, Int64Ends) {
  constexpr auto kMs = TimeUnit::kMillisecond;
  constexpr auto kUs = TimeUnit::kMicrosecond;
  constexpr auto kNs = TimeUnit::kNanosecond;
  EXPECT_EQ(fmt(format_datetime, kInt64Max, kNs, true), "2262-04-11T23:47:16.854775807Z");
  EXPECT_EQ(fmt(format_datetime, kInt64Min, kNs, true), "1677-09-21T00:12:43.145224192Z");
  EXPECT_EQ(fmt(format_datetime, kInt64Max, kUs, true), "+294247-01-10T04:00:54.775807Z");
  EXPECT_EQ(fmt(format_datetime, kInt64Min, kUs, true), "-290308-12-21T19:59:05.224192Z");
  EXPECT_EQ(fmt(format_datetime, kInt64Max, kMs, true), "+292278994-08-17T07:12:55.807Z");
  EXPECT_EQ(fmt(format_datetime, kInt64Min, kMs, true), "-292275055-05-16T16:47:04.192Z");
}

TEST(FormatTime, ClockText) {
  EXPECT_EQ(fmt(format_time, int64_t{0}), "00:00:00");
  EXPECT_EQ(fmt(format_time, int64_t{45296789000000}), "12:34:56.789000000");
  EXPECT_EQ(fmt(format_time, kNanosPerDay - 1), "23:59:59.999999999");
  EXPECT_EQ(fmt(format_time, int64_t{1}), "00:00:00.000000001");
}

TEST(FormatTime, RejectsOutOfDay) {
  std::string out;
  EXPECT_THROW(format_time(-1, out), Error);
  EXPECT_THROW(format_time(kNanosPerDay, out), Error);
  const Error e = thrown_error([&] { format_time(kInt64Min, out); });
  EXPECT_EQ(e.kind(), ErrorKind::kInvalidArgument);
}

// ---------------------------------------------------------------- round trips

class RoundTrip : public ::testing::Test {
 protected:
  std::mt19937_64 rng{20240102};
  int64_t any64() { return static_cast<int64_t>(rng()); }
};

TEST_F(RoundTrip, Bool) {
  for (bool v : {true, false}) EXPECT_EQ(parse_bool(fmt(format_bool, v)), v);
}

template <typename T>
void check_int_round_trip(std::mt19937_64& rng) {
  using L = std::numeric_limits<T>;
  for (T v : {L::min(), L::max(), T{0}, T{1}, static_cast<T>(L::min() + 1),
              static_cast<T>(L::max() - 1)}) {
    EXPECT_EQ(parse_int<T>(fmt(format_int<T>, v)), v);
  }
  for (int i = 0; i < 10000; ++i) {
    T v = static_cast<T>(rng());
    ASSERT_EQ(parse_int<T>(fmt(format_int<T>, v)), v);
  }
}

TEST_F(RoundTrip, Ints) {
  check_int_round_trip<int8_t>(rng);
  check_int_round_trip<int16_t>(rng);
  check_int_round_trip<int32_t>(rng);
  check_int_round_trip<int64_t>(rng);
  check_int_round_trip<uint8_t>(rng);
  check_int_round_trip<uint16_t>(rng);
  check_int_round_trip<uint32_t>(rng);
  check_int_round_trip<uint64_t>(rng);
}

// Random bit patterns cover normals, subnormals, zeros, infinities and NaNs in every binade: each
// value of T reads back bit for bit (any NaN as a NaN).
template <typename T, typename Bits>
void check_bits_round_trip(std::mt19937_64& rng, std::optional<T> (*parse)(std::string_view),
                           void (*format)(T, std::string&)) {
  for (int i = 0; i < 200000; ++i) {
    const auto bits = static_cast<Bits>(rng());
    T v;
    std::memcpy(&v, &bits, sizeof v);
    auto back = parse(fmt(format, v));
    ASSERT_TRUE(back) << fmt(format, v);
    if (std::isnan(v)) {
      ASSERT_TRUE(std::isnan(*back));
    } else {
      ASSERT_EQ(std::memcmp(&v, &*back, sizeof v), 0) << fmt(format, v);
    }
  }
}

TEST_F(RoundTrip, DoubleBits) { check_bits_round_trip<double, uint64_t>(rng, parse_double, format_double); }

TEST_F(RoundTrip, FloatBits) { check_bits_round_trip<float, uint32_t>(rng, parse_float, format_float); }

TEST_F(RoundTrip, Decimal) {
  const __int128 limit = pow10(38);
  for (int i = 0; i < 50000; ++i) {
    int scale = static_cast<int>(rng() % 39);
    auto bits = (static_cast<unsigned __int128>(rng()) << 64) | rng();
    __int128 v = static_cast<__int128>(bits) % limit;
    // Also short values, where the leading-zero padding matters.
    if (i % 2) v %= pow10(static_cast<int>(rng() % 6));
    std::string text = fmt(format_decimal, v, scale);
    ASSERT_EQ(parse_decimal(text, 38, scale), v) << text;
  }
  EXPECT_EQ(parse_decimal(fmt(format_decimal, limit - 1, 0), 38, 0), limit - 1);
  EXPECT_EQ(parse_decimal(fmt(format_decimal, 1 - limit, 38), 38, 38), 1 - limit);
}

TEST_F(RoundTrip, DateWholeRange) {
  for (int32_t v : {kInt32Min, kInt32Max, 0, -1, -719528, -719529, 2932896, 2932897}) {
    EXPECT_EQ(parse_date(fmt(format_date, v)), v) << fmt(format_date, v);
  }
  for (int i = 0; i < 100000; ++i) {
    int32_t v = static_cast<int32_t>(rng());
    ASSERT_EQ(parse_date(fmt(format_date, v)), v) << fmt(format_date, v);
  }
}

TEST_F(RoundTrip, DatetimeWholeRangeEveryUnit) {
  for (TimeUnit unit : {TimeUnit::kMillisecond, TimeUnit::kMicrosecond, TimeUnit::kNanosecond}) {
    for (bool utc : {true, false}) {
      for (int64_t v : {kInt64Min, kInt64Max, int64_t{0}, int64_t{-1}, int64_t{1}}) {
        EXPECT_EQ(parse_datetime(fmt(format_datetime, v, unit, utc), unit), v);
      }
      for (int i = 0; i < 50000; ++i) {
        // Alternate full-range values with ones near the epoch.
        int64_t v = i % 2 ? any64() : any64() % 10'000'000'000'000;
        ASSERT_EQ(parse_datetime(fmt(format_datetime, v, unit, utc), unit), v)
            << fmt(format_datetime, v, unit, utc);
      }
    }
  }
}

TEST_F(RoundTrip, TimeWholeDay) {
  for (int64_t v : {int64_t{0}, kNanosPerDay - 1, int64_t{1}, int64_t{1'000'000'000}}) {
    EXPECT_EQ(parse_time(fmt(format_time, v)), v);
  }
  for (int i = 0; i < 100000; ++i) {
    int64_t v = static_cast<int64_t>(rng() % static_cast<uint64_t>(kNanosPerDay));
    ASSERT_EQ(parse_time(fmt(format_time, v)), v) << fmt(format_time, v);
  }
}

}  // namespace
}  // namespace polars_redis::convert
