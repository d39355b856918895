// Expected values are worked out independently of the code under test: epoch offsets come from
// Python's datetime (with whole 400-year cycles shifted for years it cannot represent), float
// limits from <limits>, decimals by hand.
#include "polars_redis/convert/text_codecs.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

namespace polars_redis::convert {
namespace {

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();

// ---------------------------------------------------------------- bool

TEST(ParseBool, AcceptsEveryWordInAnyCase) {
  for (const char* word : {"true", "TRUE", "True", "tRuE", "1", "yes", "YES", "Yes", "t", "T", "y",
                           "Y", "on", "ON", "On"}) {
    EXPECT_EQ(parse_bool(word), std::optional<bool>(true)) << word;
  }
  for (const char* word : {"false", "FALSE", "False", "0", "no", "NO", "No", "f", "F", "n", "N",
                           "off", "OFF", "Off"}) {
    EXPECT_EQ(parse_bool(word), std::optional<bool>(false)) << word;
  }
}

TEST(ParseBool, RejectsEverythingElse) {
  for (const char* text : {"", " ", "2", "-1", "00", "01", "tru", "truee", " true", "true ", "yes!",
                           "o", "of", "offf", "nope", "truefalse", "1.0"}) {
    EXPECT_EQ(parse_bool(text), std::nullopt) << '"' << text << '"';
  }
  EXPECT_EQ(parse_bool(std::string_view("t\0", 2)), std::nullopt);
}

// ---------------------------------------------------------------- integers

TEST(ParseInt, Int64Limits) {
  EXPECT_EQ(parse_int<int64_t>("9223372036854775807"), kInt64Max);
  EXPECT_EQ(parse_int<int64_t>("-9223372036854775808"), kInt64Min);
  EXPECT_EQ(parse_int<int64_t>("9223372036854775808"), std::nullopt);
  EXPECT_EQ(parse_int<int64_t>("-9223372036854775809"), std::nullopt);
  EXPECT_EQ(parse_int<int64_t>("99999999999999999999999999"), std::nullopt);
}

TEST(ParseInt, UInt64Limits) {
  EXPECT_EQ(parse_int<uint64_t>("18446744073709551615"), std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(parse_int<uint64_t>("18446744073709551616"), std::nullopt);
  EXPECT_EQ(parse_int<uint64_t>("0"), 0u);
  EXPECT_EQ(parse_int<uint64_t>("+7"), 7u);
  EXPECT_EQ(parse_int<uint64_t>("-1"), std::nullopt);
  // A minus sign never reaches an unsigned column, not even on zero.
  EXPECT_EQ(parse_int<uint64_t>("-0"), std::nullopt);
}

TEST(ParseInt, NarrowTypesCheckTheirOwnRange) {
  EXPECT_EQ(parse_int<int8_t>("127"), int8_t{127});
  EXPECT_EQ(parse_int<int8_t>("-128"), int8_t{-128});
  EXPECT_EQ(parse_int<int8_t>("128"), std::nullopt);
  EXPECT_EQ(parse_int<int8_t>("-129"), std::nullopt);
  EXPECT_EQ(parse_int<uint8_t>("255"), uint8_t{255});
  EXPECT_EQ(parse_int<uint8_t>("256"), std::nullopt);
  EXPECT_EQ(parse_int<int16_t>("32767"), int16_t{32767});
  EXPECT_EQ(parse_int<int16_t>("-32768"), int16_t{-32768});
  EXPECT_EQ(parse_int<int16_t>("32768"), std::nullopt);
  EXPECT_EQ(parse_int<uint16_t>("65535"), uint16_t{65535});
  EXPECT_EQ(parse_int<uint16_t>("65536"), std::nullopt);
  EXPECT_EQ(parse_int<int32_t>("2147483647"), 2147483647);
  EXPECT_EQ(parse_int<int32_t>("-2147483648"), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(parse_int<int32_t>("2147483648"), std::nullopt);
  EXPECT_EQ(parse_int<int32_t>("-2147483649"), std::nullopt);
  EXPECT_EQ(parse_int<uint32_t>("4294967295"), 4294967295u);
  EXPECT_EQ(parse_int<uint32_t>("4294967296"), std::nullopt);
}

TEST(ParseInt, SignsAndZeros) {
  EXPECT_EQ(parse_int<int64_t>("0"), 0);
  EXPECT_EQ(parse_int<int64_t>("-0"), 0);
  EXPECT_EQ(parse_int<int64_t>("+0"), 0);
  EXPECT_EQ(parse_int<int64_t>("+42"), 42);
  EXPECT_EQ(parse_int<int64_t>("-42"), -42);
  EXPECT_EQ(parse_int<int64_t>("007"), 7);
  EXPECT_EQ(parse_int<int64_t>("-007"), -7);
}

TEST(ParseInt, RejectsMalformed) {
  for (const char* text : {"", " ", "-", "+", "--1", "+-1", "-+1", "++1", " 1", "1 ", "1\n", "1.0",
                           "1.", "1e3", "0x1F", "1_000", "1,000", "12a", "a12", "١"}) {
    EXPECT_EQ(parse_int<int64_t>(text), std::nullopt) << '"' << text << '"';
    EXPECT_EQ(parse_int<uint32_t>(text), std::nullopt) << '"' << text << '"';
  }
}

// ---------------------------------------------------------------- floats

TEST(ParseDouble, OrdinaryForms) {
  EXPECT_EQ(parse_double("0"), 0.0);
  EXPECT_EQ(parse_double("1.5"), 1.5);
  EXPECT_EQ(parse_double("+1.5"), 1.5);
  EXPECT_EQ(parse_double("-1.5"), -1.5);
  EXPECT_EQ(parse_double("0.1"), 0.1);
  EXPECT_EQ(parse_double("1."), 1.0);
  EXPECT_EQ(parse_double(".5"), 0.5);
  EXPECT_EQ(parse_double("-.5"), -0.5);
  EXPECT_EQ(parse_double("5E-1"), 0.5);
  EXPECT_EQ(parse_double("1e3"), 1000.0);
  EXPECT_EQ(parse_double("1e+3"), 1000.0);
  EXPECT_EQ(parse_double("123456789012345678901234567890"), 123456789012345678901234567890.0);
  EXPECT_EQ(parse_double("9007199254740993"), 9007199254740992.0);  // ties to even
}

TEST(ParseDouble, SignedZero) {
  auto negative_zero = parse_double("-0");
  ASSERT_TRUE(negative_zero);
  EXPECT_EQ(*negative_zero, 0.0);
  EXPECT_TRUE(std::signbit(*negative_zero));
  auto positive_zero = parse_double("0.0");
  ASSERT_TRUE(positive_zero);
  EXPECT_FALSE(std::signbit(*positive_zero));
}

TEST(ParseDouble, RangeEdges) {
  using L = std::numeric_limits<double>;
  EXPECT_EQ(parse_double("1e308"), 1e308);
  EXPECT_EQ(parse_double("1.7976931348623157e308"), L::max());
  EXPECT_EQ(parse_double("-1.7976931348623157e308"), L::lowest());
  EXPECT_EQ(parse_double("2.2250738585072014e-308"), L::min());
  EXPECT_EQ(parse_double("4.9e-324"), L::denorm_min());
  EXPECT_EQ(parse_double("5e-324"), L::denorm_min());
  EXPECT_EQ(parse_double("1e-310"), 1e-310);
  EXPECT_TRUE(std::fpclassify(*parse_double("1e-310")) == FP_SUBNORMAL);
}

TEST(ParseDouble, OutOfRangeSaturatesLikePythonAndRust) {
  using L = std::numeric_limits<double>;
  EXPECT_EQ(parse_double("1e400"), L::infinity());
  EXPECT_EQ(parse_double("-1e400"), -L::infinity());
  EXPECT_EQ(parse_double("1.7976931348623159e308"), L::infinity());
  EXPECT_EQ(parse_double("1000e99999999999999999999999"), L::infinity());
  EXPECT_EQ(parse_double("0.0001e309"), 1e305);
  auto tiny = parse_double("1e-400");
  ASSERT_TRUE(tiny);
  EXPECT_EQ(*tiny, 0.0);
  EXPECT_FALSE(std::signbit(*tiny));
  auto negative_tiny = parse_double("-0.000001e-400");
  ASSERT_TRUE(negative_tiny);
  EXPECT_EQ(*negative_tiny, 0.0);
  EXPECT_TRUE(std::signbit(*negative_tiny));
  // Just below half the smallest subnormal.
  EXPECT_EQ(parse_double("2.4703282292062327e-324"), 0.0);
  EXPECT_EQ(parse_double("100000e-99999999999999999999"), 0.0);
}

TEST(ParseDouble, InfinityAndNan) {
  using L = std::numeric_limits<double>;
  for (const char* text : {"inf", "INF", "Inf", "+inf", "infinity", "Infinity", "+INFINITY"}) {
    EXPECT_EQ(parse_double(text), L::infinity()) << text;
  }
  for (const char* text : {"-inf", "-Infinity"}) EXPECT_EQ(parse_double(text), -L::infinity());
  for (const char* text : {"nan", "NaN", "NAN", "+nan", "-nan"}) {
    auto v = parse_double(text);
    ASSERT_TRUE(v) << text;
    EXPECT_TRUE(std::isnan(*v)) << text;
  }
}

TEST(ParseDouble, RejectsMalformed) {
  for (const char* text : {"", " ", "-", "+", ".", "e5", "1e", "1e+", "1e-", "--1", "+-1", "-+1",
                           "++1", " 1", "1 ", "1.2.3", "1,5", "0x10", "0x1p3", "nan(1)", "nan()",
                           "infin", "infinityy", "in", "1f", "1d", "abc", "+nan(2)"}) {
    EXPECT_EQ(parse_double(text), std::nullopt) << '"' << text << '"';
    EXPECT_EQ(parse_float(text), std::nullopt) << '"' << text << '"';
  }
}

TEST(ParseFloat, RoundsOnceToFloat) {
  using L = std::numeric_limits<float>;
  EXPECT_EQ(parse_float("0.1"), 0.1f);
  EXPECT_EQ(parse_float("3.4028235e38"), L::max());
  EXPECT_EQ(parse_float("3.5e38"), L::infinity());
  EXPECT_EQ(parse_float("-3.5e38"), -L::infinity());
  EXPECT_EQ(parse_float("1.4e-45"), L::denorm_min());
  EXPECT_EQ(parse_float("1e-46"), 0.0f);
  EXPECT_EQ(parse_float("1.17549435e-38"), L::min());
  // Parsing straight to float avoids double rounding: this decimal lies just above the midpoint
  // between two floats but rounds to that midpoint as a double.
  EXPECT_EQ(parse_float("1.00000005960464477550"), 1.00000011920928955078125f);
}

// ---------------------------------------------------------------- decimals

__int128 pow10(int n) {
  __int128 v = 1;
  for (int i = 0; i < n; ++i) v *= 10;
  return v;
}

TEST(ParseDecimal, ScalesExactly) {
  EXPECT_EQ(parse_decimal("123.45", 10, 2), __int128{12345});
  EXPECT_EQ(parse_decimal("-123.45", 10, 2), __int128{-12345});
  EXPECT_EQ(parse_decimal("+123.45", 10, 2), __int128{12345});
  EXPECT_EQ(parse_decimal("123", 10, 2), __int128{12300});
  EXPECT_EQ(parse_decimal("123.4", 10, 2), __int128{12340});
  EXPECT_EQ(parse_decimal("1.", 5, 2), __int128{100});
  EXPECT_EQ(parse_decimal(".5", 5, 2), __int128{50});
  EXPECT_EQ(parse_decimal("-.5", 5, 2), __int128{-50});
  EXPECT_EQ(parse_decimal("0", 5, 2), __int128{0});
  EXPECT_EQ(parse_decimal("-0", 5, 2), __int128{0});
  EXPECT_EQ(parse_decimal("-0.00", 5, 2), __int128{0});
  EXPECT_EQ(parse_decimal("000000000000000000000000000000000000000000000001.5", 2, 1),
            __int128{15});
  EXPECT_EQ(parse_decimal("1.23", 3, 2), __int128{123});
}

TEST(ParseDecimal, ExponentForm) {
  struct Case {
    const char* text;
    int precision, scale;
    std::optional<__int128> expected;
  };
  const Case cases[] = {
      {"1e-7", 38, 10, 1000}, {"1E-7", 38, 10, 1000}, {"1e20", 38, 0, pow10(20)}, {"1e+20", 38, 2, pow10(22)},
      {"-1.25e2", 10, 1, -1250}, {"12.5e-1", 10, 2, 125}, {".5e1", 5, 0, 5}, {"5.e0", 5, 0, 5},
      {"0.00012e4", 5, 2, 120},
      // Digits the scale drops round half away from zero, as without an exponent.
      {"1.5e-2", 10, 1, 0}, {"5e-2", 10, 1, 1}, {"-5e-1", 10, 0, -1}, {"4.9e-1", 10, 0, 0},
      // Zero and far-away exponents end quickly; too large is nullopt, too small is zero.
      {"0e999999999999999999", 10, 2, 0}, {"1e999999999999999999", 38, 0, std::nullopt},
      {"1e-999999999999999999", 38, 10, 0}, {"9.99e37", 38, 0, __int128{999} * pow10(35)},
      {"1e38", 38, 0, std::nullopt}, {"1e17", 20, 2, pow10(19)}, {"1e18", 20, 2, std::nullopt},
  };
  for (const Case& c : cases) EXPECT_EQ(parse_decimal(c.text, c.precision, c.scale), c.expected) << c.text;
  for (const char* bad : {"1e", "1e+", "e5", ".e5", "1e5.5", "1e 5", "1ee5", "1e5x", "--1e5", "1e--5"}) {
    EXPECT_EQ(parse_decimal(bad, 38, 2), std::nullopt) << bad;
  }
}

TEST(ParseDecimal, RoundsHalfAwayFromZero) {
  EXPECT_EQ(parse_decimal("1.005", 10, 2), __int128{101});
  EXPECT_EQ(parse_decimal("1.00499999999", 10, 2), __int128{100});
  EXPECT_EQ(parse_decimal("-1.005", 10, 2), __int128{-101});
  EXPECT_EQ(parse_decimal("-1.00499999999", 10, 2), __int128{-100});
  EXPECT_EQ(parse_decimal("2.5", 5, 0), __int128{3});
  EXPECT_EQ(parse_decimal("3.5", 5, 0), __int128{4});
  EXPECT_EQ(parse_decimal("-2.5", 5, 0), __int128{-3});
  EXPECT_EQ(parse_decimal("2.49", 5, 0), __int128{2});
  EXPECT_EQ(parse_decimal("-0.004", 10, 2), __int128{0});
  EXPECT_EQ(parse_decimal("-0.005", 10, 2), __int128{-1});
  EXPECT_EQ(parse_decimal("0.0049999", 10, 2), __int128{0});
  EXPECT_EQ(parse_decimal("0.995", 3, 2), __int128{100});
  // Rounding up may need one more digit than the precision allows.
  EXPECT_EQ(parse_decimal("9.995", 3, 2), std::nullopt);
  EXPECT_EQ(parse_decimal("-9.995", 3, 2), std::nullopt);
  EXPECT_EQ(parse_decimal("9.994", 3, 2), __int128{999});
}

TEST(ParseDecimal, ThirtyEightDigits) {
  const __int128 max38 = pow10(38) - 1;
  const std::string nines(38, '9');
  EXPECT_EQ(parse_decimal(nines, 38, 0), max38);
  EXPECT_EQ(parse_decimal("-" + nines, 38, 0), -max38);
  EXPECT_EQ(parse_decimal(nines + "9", 38, 0), std::nullopt);
  EXPECT_EQ(parse_decimal(nines + ".4", 38, 0), max38);
  EXPECT_EQ(parse_decimal(nines + ".5", 38, 0), std::nullopt);
  EXPECT_EQ(parse_decimal("0." + nines, 38, 38), max38);
  EXPECT_EQ(parse_decimal("-0." + nines, 38, 38), -max38);
  EXPECT_EQ(parse_decimal("1", 38, 38), std::nullopt);
  EXPECT_EQ(parse_decimal(std::string(37, '9') + "." + "9", 38, 1), max38);
  // 12345678901234567890123456789012345678 assembled from two halves.
  const __int128 digits = __int128{1234567890123456789} * pow10(19) + 123456789012345678;
  EXPECT_EQ(parse_decimal("12345678901234567890123456789012345678", 38, 0), digits);
  EXPECT_EQ(parse_decimal("1234567890123456789012345678901234567.8", 38, 1), digits);
  EXPECT_EQ(parse_decimal("1234567890123456789012345678901234567.8", 38, 0),
            digits / 10 + 1);
  // Many fractional digits beyond the scale are simply dropped after rounding.
  EXPECT_EQ(parse_decimal("0." + std::string(500, '4'), 10, 3), __int128{444});
}

TEST(ParseDecimal, PrecisionLimitsIntegerDigits) {
  EXPECT_EQ(parse_decimal("12.3", 3, 2), std::nullopt);
  EXPECT_EQ(parse_decimal("99999", 5, 0), __int128{99999});
  EXPECT_EQ(parse_decimal("100000", 5, 0), std::nullopt);
  EXPECT_EQ(parse_decimal("999.99", 5, 2), __int128{99999});
  EXPECT_EQ(parse_decimal("1000", 5, 2), std::nullopt);
}

TEST(ParseDecimal, RejectsMalformedAndBadParameters) {
  // The exponent form is accepted (ExponentForm); malformed exponents are not.
  for (const char* text : {"", ".", "-", "+", "-.", "1e", "1.2.3", " 1", "1 ", "--1",
                           "+-1", "1,5", "abc", "0x1", "inf", "nan", "1.5e0.5"}) {
    EXPECT_EQ(parse_decimal(text, 10, 2), std::nullopt) << '"' << text << '"';
  }
  EXPECT_EQ(parse_decimal("1", 0, 0), std::nullopt);
  EXPECT_EQ(parse_decimal("1", 39, 0), std::nullopt);
  EXPECT_EQ(parse_decimal("1", 5, 6), std::nullopt);
  EXPECT_EQ(parse_decimal("1", 5, -1), std::nullopt);
}

// ---------------------------------------------------------------- dates

TEST(ParseDate, IsoAnchors) {
  EXPECT_EQ(parse_date("1970-01-01"), 0);
  EXPECT_EQ(parse_date("1969-12-31"), -1);
  EXPECT_EQ(parse_date("2024-01-02"), 19724);
  EXPECT_EQ(parse_date("0001-01-01"), -719162);
  EXPECT_EQ(parse_date("9999-12-31"), 2932896);
  EXPECT_EQ(parse_date("1677-09-21"), -106752);
  EXPECT_EQ(parse_date("2262-04-11"), 106751);
}

TEST(ParseDate, LeapYears) {
  EXPECT_EQ(parse_date("2000-02-29"), 11016);  // divisible by 400: leap
  EXPECT_EQ(parse_date("2024-02-29"), 19782);
  EXPECT_EQ(parse_date("1900-02-28"), -25509);
  EXPECT_EQ(parse_date("1900-02-29"), std::nullopt);  // divisible by 100 only: common
  EXPECT_EQ(parse_date("1900-03-01"), -25508);
  EXPECT_EQ(parse_date("2023-02-29"), std::nullopt);
  EXPECT_EQ(parse_date("2100-02-29"), std::nullopt);
  EXPECT_EQ(parse_date("0000-02-29"), -719528 + 31 + 28);  // year 0 is a leap year
}

TEST(ParseDate, ExpandedYears) {
  // Year 0 (366 days) starts 719162 + 366 days before the epoch; year -1 has 365 days.
  EXPECT_EQ(parse_date("0000-01-01"), -719528);
  EXPECT_EQ(parse_date("-0001-01-01"), -719893);
  EXPECT_EQ(parse_date("+10000-01-01"), 2932897);
  EXPECT_EQ(parse_date("+5881580-07-11"), std::numeric_limits<int32_t>::max());
  EXPECT_EQ(parse_date("-5877641-06-23"), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(parse_date("+5881580-07-12"), std::nullopt);
  EXPECT_EQ(parse_date("-5877641-06-22"), std::nullopt);
  // A sign only where four bare digits cannot say it, and no padding beyond four digits.
  EXPECT_EQ(parse_date("+9999-01-01"), std::nullopt);
  EXPECT_EQ(parse_date("+2024-01-01"), std::nullopt);
  EXPECT_EQ(parse_date("-0000-01-01"), std::nullopt);
  EXPECT_EQ(parse_date("+010000-01-01"), std::nullopt);
  EXPECT_EQ(parse_date("10000-01-01"), std::nullopt);
  EXPECT_EQ(parse_date("-001-01-01"), std::nullopt);
  EXPECT_EQ(parse_date("+1000000000-01-01"), std::nullopt);
}

TEST(ParseDate, EpochDays) {
  EXPECT_EQ(parse_date("19724"), 19724);
  EXPECT_EQ(parse_date("0"), 0);
  EXPECT_EQ(parse_date("-1"), -1);
  EXPECT_EQ(parse_date("+5"), 5);
  EXPECT_EQ(parse_date("2024"), 2024);  // a bare number is a day count, never a year
  EXPECT_EQ(parse_date("2147483647"), 2147483647);
  EXPECT_EQ(parse_date("-2147483648"), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(parse_date("2147483648"), std::nullopt);
  EXPECT_EQ(parse_date("-2147483649"), std::nullopt);
  EXPECT_EQ(parse_date("1.5"), std::nullopt);
}

TEST(ParseDate, RejectsMalformed) {
  for (const char* text : {"", " ", "2024-13-01", "2024-00-10", "2024-01-00", "2024-01-32",
                           "2024-02-30", "2024-04-31", "2024-06-31", "2024-09-31", "2024-11-31",
                           "2024-1-01", "2024-01-1", "24-01-01", "2024-01-01 ", " 2024-01-01",
                           "2024/01/01", "2024-01-01T00:00", "2024-01-01Z", "2024-01", "2024-",
                           "20240101x", "2024-01-01-", "2024--01-01", "abcd-ef-gh"}) {
    EXPECT_EQ(parse_date(text), std::nullopt) << '"' << text << '"';
  }
}

// ---------------------------------------------------------------- datetimes

constexpr auto kMs = TimeUnit::kMillisecond;
constexpr auto kUs = TimeUnit::kMicrosecond;
constexpr auto kNs = TimeUnit::kNanosecond;

TEST(ParseDatetime, IsoForms) {
  const int64_t t = 1704164645;  // 2024-01-02T03:04:05Z
  EXPECT_EQ(parse_datetime("2024-01-02T03:04:05Z", kUs), t * 1'000'000);
  EXPECT_EQ(parse_datetime("2024-01-02T03:04:05z", kUs), t * 1'000'000);
  EXPECT_EQ(parse_datetime("2024-01-02t03:04:05Z", kUs), t * 1'000'000);
  EXPECT_EQ(parse_datetime("2024-01-02 03:04:05", kUs), t * 1'000'000);
  EXPECT_EQ(parse_datetime("2024-01-02T03:04:05", kUs), t * 1'000'000);
  EXPECT_EQ(parse_datetime("2024-01-02T03:04", kUs), (t - 5) * 1'000'000);
  EXPECT_EQ(parse_datetime("2024-01-02T03:04Z", kUs), (t - 5) * 1'000'000);
  EXPECT_EQ(parse_datetime("2024-01-02", kUs), int64_t{19724} * 86400 * 1'000'000);
  EXPECT_EQ(parse_datetime("2024-01-02T03:04:05.123456Z", kUs), 1704164645123456);
  EXPECT_EQ(parse_datetime("2024-01-02T03:04:05Z", kMs), t * 1000);
  EXPECT_EQ(parse_datetime("2024-01-02T03:04:05Z", kNs), t * 1'000'000'000);
  EXPECT_EQ(parse_datetime("1970-01-01T00:00:00Z", kNs), 0);
  EXPECT_EQ(parse_datetime("2024-02-29T12:00:00Z", kUs), 1709208000000000);
}

TEST(ParseDatetime, Offsets) {
  // Python: datetime.fromisoformat("2024-01-02T03:04:05+05:30") is 1704144845 s after the epoch.
  for (const char* text : {"2024-01-02T03:04:05+05:30", "2024-01-02T03:04:05+0530"}) {
    EXPECT_EQ(parse_datetime(text, kUs), 1704144845000000) << text;
  }
  for (const char* text : {"2024-01-02T03:04:05-08:00", "2024-01-02T03:04:05-0800",
                           "2024-01-02T03:04:05-08"}) {
    EXPECT_EQ(parse_datetime(text, kUs), 1704193445000000) << text;
  }
  EXPECT_EQ(parse_datetime("2024-01-02T03:04:05+00:00", kUs), 1704164645000000);
  EXPECT_EQ(parse_datetime("2024-01-02T03:04:05-00:00", kUs), 1704164645000000);
  EXPECT_EQ(parse_datetime("2024-01-02T03:04+05:30", kMs), 1704144840000);
  EXPECT_EQ(parse_datetime("2024-01-02T03:04:05.5+01", kMs), 1704164645500 - 3'600'000);
  // The offset can move the instant into the previous day.
  EXPECT_EQ(parse_datetime("2024-01-01T00:30:00+01:00", kMs), int64_t{1704065400} * 1000);
  EXPECT_EQ(parse_datetime("2024-01-02T00:00+23:59", kMs),
            (int64_t{19724} * 86400 - 23 * 3600 - 59 * 60) * 1000);
  EXPECT_EQ(parse_datetime("2024-01-02T00:00-23:59", kMs),
            (int64_t{19724} * 86400 + 23 * 3600 + 59 * 60) * 1000);
}

TEST(ParseDatetime, FractionDigits) {
  const int64_t base = int64_t{1704164645} * 1'000'000'000;
  const char* fractions[] = {"1", "12", "123", "1234", "12345", "123456", "1234567", "12345678",
                             "123456789"};
  const int64_t nanos[] = {100000000, 120000000, 123000000, 123400000, 123450000,
                           123456000, 123456700, 123456780, 123456789};
  for (int i = 0; i < 9; ++i) {
    std::string text = std::string("2024-01-02T03:04:05.") + fractions[i] + "Z";
    EXPECT_EQ(parse_datetime(text, kNs), base + nanos[i]) << text;
    EXPECT_EQ(parse_datetime(text, kUs), (base + nanos[i]) / 1000) << text;
    EXPECT_EQ(parse_datetime(text, kMs), (base + nanos[i]) / 1'000'000) << text;
  }
  EXPECT_EQ(parse_datetime("2024-01-02T03:04:05.1234567890Z", kNs), std::nullopt);
  EXPECT_EQ(parse_datetime("2024-01-02T03:04:05.000000000Z", kNs), base);
}

TEST(ParseDatetime, FinerDigitsTruncateTowardThePast) {
  EXPECT_EQ(parse_datetime("1969-12-31T23:59:59.999999Z", kUs), -1);
  EXPECT_EQ(parse_datetime("1969-12-31T23:59:59.999999Z", kMs), -1);
  EXPECT_EQ(parse_datetime("1969-12-31T23:59:59.999999Z", kNs), -1000);
  EXPECT_EQ(parse_datetime("1969-12-31T23:59:59.9999999Z", kUs), -1);
  EXPECT_EQ(parse_datetime("1969-12-31T23:59:59.9999999Z", kNs), -100);
  EXPECT_EQ(parse_datetime("1970-01-01T00:00:00.0009Z", kMs), 0);
  EXPECT_EQ(parse_datetime("1969-12-31T23:59:59Z", kMs), -1000);
}

TEST(ParseDatetime, CalendarEdges) {
  EXPECT_EQ(parse_datetime("0001-01-01T00:00:00Z", kUs), -62135596800000000);
  EXPECT_EQ(parse_datetime("9999-12-31T23:59:59.999999Z", kUs), 253402300799999999);
  EXPECT_EQ(parse_datetime("+294247-01-10T04:00:54.775807Z", kUs), kInt64Max);
  EXPECT_EQ(parse_datetime("+294247-01-10T04:00:54.775808Z", kUs), std::nullopt);
  EXPECT_EQ(parse_datetime("-290308-12-21T19:59:05.224192Z", kUs), kInt64Min);
  EXPECT_EQ(parse_datetime("+292278994-08-17T07:12:55.807Z", kMs), kInt64Max);
  EXPECT_EQ(parse_datetime("-292275055-05-16T16:47:04.192Z", kMs), kInt64Min);
  EXPECT_EQ(parse_datetime("-292275055-05-16T16:47:04.191Z", kMs), std::nullopt);
}

TEST(ParseDatetime, NanosecondRangeEnds) {
  EXPECT_EQ(parse_datetime("2262-04-11T23:47:16.854775807Z", kNs), kInt64Max);
  EXPECT_EQ(parse_datetime("2262-04-12T00:47:16.854775807+01:00", kNs), kInt64Max);
  EXPECT_EQ(parse_datetime("2262-04-11T23:47:16.854775808Z", kNs), std::nullopt);
  EXPECT_EQ(parse_datetime("2262-04-11T23:47:17Z", kNs), std::nullopt);
  EXPECT_EQ(parse_datetime("1677-09-21T00:12:43.145224192Z", kNs), kInt64Min);
  EXPECT_EQ(parse_datetime("1677-09-21T00:12:43.145224191Z", kNs), std::nullopt);
  EXPECT_EQ(parse_datetime("1677-09-21T00:12:43.145224192+00:01", kNs), std::nullopt);
  EXPECT_EQ(parse_datetime("0001-01-01T00:00:00Z", kNs), std::nullopt);
  EXPECT_EQ(parse_datetime("9999-12-31", kNs), std::nullopt);
}

TEST(ParseDatetime, EpochMagnitudeBands) {
  // Seconds below 1e11.
  EXPECT_EQ(parse_datetime("1704164645", kUs), 1704164645000000);
  EXPECT_EQ(parse_datetime("0", kNs), 0);
  EXPECT_EQ(parse_datetime("99999999999", kMs), 99999999999000);
  EXPECT_EQ(parse_datetime("-99999999999", kMs), -99999999999000);
  EXPECT_EQ(parse_datetime("-1", kUs), -1'000'000);
  // Milliseconds from 1e11 to below 1e14.
  EXPECT_EQ(parse_datetime("100000000000", kUs), 100000000000000);
  EXPECT_EQ(parse_datetime("-100000000000", kUs), -100000000000000);
  EXPECT_EQ(parse_datetime("1704164645123", kMs), 1704164645123);
  EXPECT_EQ(parse_datetime("1704164645123", kNs), 1704164645123000000);
  EXPECT_EQ(parse_datetime("99999999999999", kUs), 99999999999999000);
  // Microseconds from 1e14 to below 1e17.
  EXPECT_EQ(parse_datetime("100000000000000", kUs), 100000000000000);
  EXPECT_EQ(parse_datetime("1704164645123456", kUs), 1704164645123456);
  EXPECT_EQ(parse_datetime("1704164645123456", kMs), 1704164645123);
  EXPECT_EQ(parse_datetime("-1704164645123456", kMs), -1704164645124);
  EXPECT_EQ(parse_datetime("9223372036854775", kNs), 9223372036854775000);
  // Nanoseconds from 1e17.
  EXPECT_EQ(parse_datetime("100000000000000000", kUs), 100000000000000);
  EXPECT_EQ(parse_datetime("1704164645123456789", kNs), 1704164645123456789);
  EXPECT_EQ(parse_datetime("1704164645123456789", kMs), 1704164645123);
  EXPECT_EQ(parse_datetime("-100000000000000001", kUs), -100000000000001);
  EXPECT_EQ(parse_datetime("9223372036854775807", kNs), kInt64Max);
  EXPECT_EQ(parse_datetime("-9223372036854775808", kNs), kInt64Min);
  EXPECT_EQ(parse_datetime("-9223372036854775808", kMs), -9223372036855);
}

TEST(ParseDatetime, EpochOverflowIsNotWrapped) {
  // 99999999999 s is about 1e20 ns, past 9.2e18.
  EXPECT_EQ(parse_datetime("99999999999", kNs), std::nullopt);
  EXPECT_EQ(parse_datetime("-99999999999", kNs), std::nullopt);
  EXPECT_EQ(parse_datetime("9223372036854", kNs), 9223372036854000000);  // milliseconds
  EXPECT_EQ(parse_datetime("9223372036855", kNs), std::nullopt);
  EXPECT_EQ(parse_datetime("99999999999999", kNs), std::nullopt);
  EXPECT_EQ(parse_datetime("99999999999999999", kNs), std::nullopt);  // microseconds
  EXPECT_EQ(parse_datetime("9223372036854775808", kNs), std::nullopt);
  EXPECT_EQ(parse_datetime("9223372036", kNs), 9223372036000000000);
  EXPECT_EQ(parse_datetime("9223372037", kNs), std::nullopt);
}

TEST(ParseDatetime, RejectsMalformed) {
  for (const char* text :
       {"", " ", "1e9", "1.5", "-", "2024-01-02T25:00:00", "2024-01-02T24:00", "2024-01-02T23:60",
        "2024-01-02T23:59:60", "2024-01-02T25:00", "2024-01-02T03:04:05.", "2024-01-02T03:04:05Z ",
        " 2024-01-02T03:04:05", "2024-01-02T03:04:05+24:00", "2024-01-02T03:04:05+05:60",
        "2024-01-02T03:04:05+5", "2024-01-02T03:04:05+05:3", "2024-01-02T03:04:05+053",
        "2024-01-02T03:04:05+05:30:00", "2024-01-02T03:04:05ZZ", "2024-01-02T03:04:05 Z",
        "2024-01-02Z", "2024-01-02T", "2024-01-02T03", "2024-01-02T3:04", "2024-01-02T03:4",
        "2024-01-02T03:04.5", "2024-01-02T03:04:5", "2024-01-02X03:04", "2024-01-02  03:04",
        "2024-02-30T00:00", "2024-13-01T00:00", "2024-01-02T03:04:05.123456789012",
        "2024-01-02T03:04:05+", "2024-01-02T03:04:05UTC", "25:00"}) {
    EXPECT_EQ(parse_datetime(text, kUs), std::nullopt) << '"' << text << '"';
  }
}

TEST(DatetimeTextHasOffset, OnlyIsoWithExplicitZone) {
  EXPECT_TRUE(datetime_text_has_offset("2024-01-02T03:04:05Z"));
  EXPECT_TRUE(datetime_text_has_offset("2024-01-02T03:04:05+05:30"));
  EXPECT_TRUE(datetime_text_has_offset("2024-01-02T03:04-08"));
  EXPECT_TRUE(datetime_text_has_offset("2024-01-02 03:04:05+00:00"));
  EXPECT_FALSE(datetime_text_has_offset("2024-01-02T03:04:05"));
  EXPECT_FALSE(datetime_text_has_offset("2024-01-02"));
  EXPECT_FALSE(datetime_text_has_offset("1704164645"));
  EXPECT_FALSE(datetime_text_has_offset("2024-13-02T03:04:05Z"));
  EXPECT_FALSE(datetime_text_has_offset("Z"));
  EXPECT_FALSE(datetime_text_has_offset(""));
}

// ---------------------------------------------------------------- time

TEST(ParseTime, Forms) {
  EXPECT_EQ(parse_time("00:00"), 0);
  EXPECT_EQ(parse_time("00:00:00"), 0);
  EXPECT_EQ(parse_time("00:00:00.000000001"), 1);
  EXPECT_EQ(parse_time("12:34"), (12 * 3600 + 34 * 60) * int64_t{1'000'000'000});
  EXPECT_EQ(parse_time("12:34:56.789"), 45296789000000);
  EXPECT_EQ(parse_time("12:34:56.7"), 45296700000000);
  EXPECT_EQ(parse_time("23:59:59.999999999"), 86399999999999);
  EXPECT_EQ(parse_time("23:59:59"), 86399000000000);
}

TEST(ParseTime, RejectsMalformed) {
  for (const char* text : {"", "25:00", "24:00", "24:00:00", "12:60", "12:00:60", "1:00", "12:0",
                           "12", "12:00:", "12:00:00.", "12:00:00.1234567890", "12:00Z",
                           "12:00+01:00", " 12:00", "12:00 ", "12-00", "2024-01-02T12:00",
                           "-01:00", "12:00:00,5"}) {
    EXPECT_EQ(parse_time(text), std::nullopt) << '"' << text << '"';
  }
}

// ---------------------------------------------------------------- civil days

TEST(CivilDays, Anchors) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(2024, 1, 2), 19724);
  EXPECT_EQ(days_from_civil(1, 1, 1), -719162);
  EXPECT_EQ(days_from_civil(0, 3, 1), -719468);
  EXPECT_EQ(days_from_civil(5881580, 7, 11), 2147483647);
  EXPECT_EQ(days_from_civil(-5877641, 6, 23), -2147483648LL);
  CivilDate c = civil_from_days(2147483647);
  EXPECT_EQ(c.year, 5881580);
  EXPECT_EQ(c.month, 7u);
  EXPECT_EQ(c.day, 11u);
  c = civil_from_days(-719893);
  EXPECT_EQ(c.year, -1);
  EXPECT_EQ(c.month, 1u);
  EXPECT_EQ(c.day, 1u);
}

// Walks day by day across years -1000..+4000 and checks each date is the calendar successor of the
// previous one, with month lengths from the Gregorian rule written out here.
TEST(CivilDays, ConsecutiveDaysAreCalendarSuccessors) {
  auto leap = [](int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; };
  auto month_length = [&](int64_t y, unsigned m) -> unsigned {
    if (m == 2) return leap(y) ? 29 : 28;
    return (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31;
  };
  int64_t first = days_from_civil(-1000, 1, 1);
  CivilDate prev = civil_from_days(first);
  ASSERT_EQ(prev.year, -1000);
  ASSERT_EQ(prev.month, 1u);
  ASSERT_EQ(prev.day, 1u);
  for (int64_t d = first + 1; d <= days_from_civil(4000, 12, 31); ++d) {
    CivilDate cur = civil_from_days(d);
    CivilDate want = prev;
    if (++want.day > month_length(want.year, want.month)) {
      want.day = 1;
      if (++want.month > 12) {
        want.month = 1;
        ++want.year;
      }
    }
    ASSERT_TRUE(cur.year == want.year && cur.month == want.month && cur.day == want.day)
        << "day " << d;
    ASSERT_EQ(days_from_civil(cur.year, cur.month, cur.day), d);
    prev = cur;
  }
}

}  // namespace
}  // namespace polars_redis::convert
