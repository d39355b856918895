#include "polars_redis/convert/type_inference.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string_view>

namespace polars_redis::convert {
namespace {

DataType infer(std::initializer_list<std::string_view> values) {
  TypeInferrer inferrer;
  for (auto v : values) inferrer.observe(v);
  return inferrer.result();
}

TEST(TypeInference, NothingObservedIsString) {
  EXPECT_EQ(TypeInferrer().result().id, TypeId::kString);
}

TEST(TypeInference, NonUtf8ValuesAreBinary) {
  // A String column rejects them, so the inferred type must not be String.
  EXPECT_EQ(infer({"a", "\xff"}).id, TypeId::kBinary);
  EXPECT_EQ(infer({"\xc3\x28", "1"}).id, TypeId::kBinary);
  EXPECT_EQ(infer({"caf\xc3\xa9"}).id, TypeId::kString);
  TypeInferrer inferrer;
  inferrer.observe("1");
  EXPECT_TRUE(inferrer.all_utf8());
  inferrer.observe("\x80");
  EXPECT_FALSE(inferrer.all_utf8());
}

TEST(TypeInference, Integers) {
  EXPECT_EQ(infer({"1", "-2", "+3", "9223372036854775807"}).id, TypeId::kInt64);
  EXPECT_EQ(infer({"-9223372036854775808"}).id, TypeId::kInt64);
}

TEST(TypeInference, ZeroOneColumnIsInt64NotBoolean) {
  EXPECT_EQ(infer({"0", "1", "1", "0"}).id, TypeId::kInt64);
  EXPECT_EQ(infer({"1"}).id, TypeId::kInt64);
}

TEST(TypeInference, FloatsWhenAnyValueIsNotAnInteger) {
  EXPECT_EQ(infer({"1", "2.5"}).id, TypeId::kFloat64);
  EXPECT_EQ(infer({"1e3", "7"}).id, TypeId::kFloat64);
  // Beyond int64 a number still fits a Float64 column.
  EXPECT_EQ(infer({"1", "9223372036854775808"}).id, TypeId::kFloat64);
  // Documented rule: plain parse_double success, so special values alone are Float64 too.
  EXPECT_EQ(infer({"1.5", "nan", "-inf"}).id, TypeId::kFloat64);
  EXPECT_EQ(infer({"NaN"}).id, TypeId::kFloat64);
}

TEST(TypeInference, Booleans) {
  EXPECT_EQ(infer({"true", "false"}).id, TypeId::kBoolean);
  EXPECT_EQ(infer({"yes", "NO", "on", "Off", "t", "F", "y", "n"}).id, TypeId::kBoolean);
  EXPECT_EQ(infer({"true", "0", "1"}).id, TypeId::kBoolean);
  EXPECT_EQ(infer({"true", "2"}).id, TypeId::kString);
  EXPECT_EQ(infer({"true", "1.5"}).id, TypeId::kString);
}

TEST(TypeInference, DatesNeedIsoText) {
  EXPECT_EQ(infer({"2024-01-02", "1900-02-28", "0001-01-01"}).id, TypeId::kDate);
  EXPECT_EQ(infer({"2024-01-02", "19724"}).id, TypeId::kString);
  EXPECT_EQ(infer({"2024-02-30"}).id, TypeId::kString);
}

TEST(TypeInference, Datetimes) {
  DataType naive = infer({"2024-01-02T03:04:05", "2024-01-02 03:04:05.123456"});
  EXPECT_EQ(naive.id, TypeId::kDatetime);
  EXPECT_EQ(naive.unit, TimeUnit::kMicrosecond);
  EXPECT_EQ(naive.time_zone, "");

  DataType aware = infer({"2024-01-02T03:04:05", "2024-01-02T03:04:05+05:30"});
  EXPECT_EQ(aware.id, TypeId::kDatetime);
  EXPECT_EQ(aware.unit, TimeUnit::kMicrosecond);
  EXPECT_EQ(aware.time_zone, "UTC");
  EXPECT_EQ(infer({"2024-01-02T03:04:05Z"}).time_zone, "UTC");

  // Bare dates mixed with date-times are still instants; alone they are a Date.
  EXPECT_EQ(infer({"2024-01-02", "2024-01-02T03:04"}).id, TypeId::kDatetime);
  // Epoch integers parse as datetimes but are not taken as temporal text.
  EXPECT_EQ(infer({"2024-01-02T03:04", "1704164645"}).id, TypeId::kString);
  EXPECT_EQ(infer({"2024-01-02T25:04"}).id, TypeId::kString);
}

TEST(TypeInference, EpochIntegersAreInt64) {
  EXPECT_EQ(infer({"1704164645", "1704164645123"}).id, TypeId::kInt64);
}

TEST(TypeInference, AnythingElseIsString) {
  EXPECT_EQ(infer({"alice"}).id, TypeId::kString);
  EXPECT_EQ(infer({"1", "alice"}).id, TypeId::kString);
  EXPECT_EQ(infer({""}).id, TypeId::kString);
  EXPECT_EQ(infer({"1", ""}).id, TypeId::kString);
  EXPECT_EQ(infer({" 1"}).id, TypeId::kString);
  EXPECT_EQ(infer({"12:34:56"}).id, TypeId::kString);
}

TEST(TypeInference, OnceRuledOutStaysRuledOut) {
  // The decision is over every observed value, not the last one.
  EXPECT_EQ(infer({"x", "1", "2"}).id, TypeId::kString);
  EXPECT_EQ(infer({"1.5", "1", "2"}).id, TypeId::kFloat64);
  EXPECT_EQ(infer({"yes", "true"}).id, TypeId::kBoolean);
}

}  // namespace
}  // namespace polars_redis::convert
