#include "polars_redis/convert/dtype.hpp"

#include <gtest/gtest.h>

#include <string>

#include "polars_redis/error.hpp"
#include "support/thrown_error.hpp"

namespace polars_redis {
namespace {

using test_support::thrown_error;

TEST(DataTypeName, SimpleTypesUsePolarsClassNames) {
  EXPECT_EQ(DataType::of(TypeId::kString).name(), "String");
  EXPECT_EQ(DataType::of(TypeId::kBinary).name(), "Binary");
  EXPECT_EQ(DataType::of(TypeId::kBoolean).name(), "Boolean");
  EXPECT_EQ(DataType::of(TypeId::kInt8).name(), "Int8");
  EXPECT_EQ(DataType::of(TypeId::kInt16).name(), "Int16");
  EXPECT_EQ(DataType::of(TypeId::kInt32).name(), "Int32");
  EXPECT_EQ(DataType::of(TypeId::kInt64).name(), "Int64");
  EXPECT_EQ(DataType::of(TypeId::kUInt8).name(), "UInt8");
  EXPECT_EQ(DataType::of(TypeId::kUInt16).name(), "UInt16");
  EXPECT_EQ(DataType::of(TypeId::kUInt32).name(), "UInt32");
  EXPECT_EQ(DataType::of(TypeId::kUInt64).name(), "UInt64");
  EXPECT_EQ(DataType::of(TypeId::kFloat32).name(), "Float32");
  EXPECT_EQ(DataType::of(TypeId::kFloat64).name(), "Float64");
  EXPECT_EQ(DataType::of(TypeId::kDate).name(), "Date");
  EXPECT_EQ(DataType::of(TypeId::kTime).name(), "Time");
  EXPECT_EQ(DataType::of(TypeId::kCategorical).name(), "Categorical");
}

TEST(DataTypeName, Decimal) {
  DataType t = DataType::of(TypeId::kDecimal);
  t.precision = 10;
  t.scale = 2;
  EXPECT_EQ(t.name(), "Decimal(precision=10, scale=2)");
  EXPECT_EQ(DataType::of(TypeId::kDecimal).name(), "Decimal(precision=38, scale=0)");
}

TEST(DataTypeName, Datetime) {
  DataType t = DataType::of(TypeId::kDatetime);
  t.time_zone = "UTC";
  EXPECT_EQ(t.name(), "Datetime(time_unit='us', time_zone='UTC')");
  t.unit = TimeUnit::kMillisecond;
  t.time_zone.clear();
  EXPECT_EQ(t.name(), "Datetime(time_unit='ms', time_zone=None)");
  t.unit = TimeUnit::kNanosecond;
  t.time_zone = "Europe/Amsterdam";
  EXPECT_EQ(t.name(), "Datetime(time_unit='ns', time_zone='Europe/Amsterdam')");
}

TEST(DataTypeName, Enum) {
  DataType t = DataType::of(TypeId::kEnum);
  t.categories = {"a", "b"};
  EXPECT_EQ(t.name(), "Enum(categories=['a', 'b'])");
  t.categories = {};
  EXPECT_EQ(t.name(), "Enum(categories=[])");
  t.categories = {"it's", "back\\slash"};
  EXPECT_EQ(t.name(), "Enum(categories=['it\\'s', 'back\\\\slash'])");
}

TEST(DataTypeId, EveryIdRoundTrips) {
  const char* ids[] = {"string", "binary",  "boolean", "int8",     "int16",   "int32",
                       "int64",  "uint8",   "uint16",  "uint32",   "uint64",  "float32",
                       "float64", "decimal", "date",   "datetime", "time",    "categorical",
                       "enum",   "list",    "struct"};
  const TypeId expected[] = {
      TypeId::kString,  TypeId::kBinary,   TypeId::kBoolean, TypeId::kInt8,
      TypeId::kInt16,   TypeId::kInt32,    TypeId::kInt64,   TypeId::kUInt8,
      TypeId::kUInt16,  TypeId::kUInt32,   TypeId::kUInt64,  TypeId::kFloat32,
      TypeId::kFloat64, TypeId::kDecimal,  TypeId::kDate,    TypeId::kDatetime,
      TypeId::kTime,    TypeId::kCategorical, TypeId::kEnum, TypeId::kList, TypeId::kStruct};
  static_assert(std::size(ids) == std::size(expected));
  for (size_t i = 0; i < std::size(ids); ++i) {
    EXPECT_EQ(DataType::id_from_string(ids[i]), expected[i]) << ids[i];
    EXPECT_STREQ(DataType::id_to_string(expected[i]), ids[i]);
  }
}

TEST(DataTypeId, UnknownIdIsInvalidArgument) {
  for (const char* id : {"", "Int64", "int", "utf8", "str", "float", "array", "List", "int64 "}) {
    const Error e = thrown_error([&] { DataType::id_from_string(id); }, std::string("accepted ") + id);
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find(std::string("'") + id + "'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace polars_redis
