#pragma once
// The column types the core can produce, mirroring the Polars dtypes a user may put in a schema.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace polars_redis {

enum class TypeId : uint8_t {
  kString, kBinary, kBoolean,
  kInt8, kInt16, kInt32, kInt64, kUInt8, kUInt16, kUInt32, kUInt64,
  kFloat32, kFloat64,
  kDecimal,      // precision, scale; Arrow decimal128
  kDate,         // days since the epoch; Arrow date32
  kDatetime,     // unit, optional time zone; values are UTC instants
  kTime,         // nanoseconds since midnight; Arrow time64[ns]
  kCategorical,  // built as strings; the Python layer casts
  kEnum,         // built as strings after checking membership in `categories`
  kList,         // variable-length list of children[0]; Arrow large list
  kStruct,       // named fields children[i] / field_names[i]; Arrow struct
};

enum class TimeUnit : uint8_t { kMillisecond, kMicrosecond, kNanosecond };

struct DataType {
  TypeId id = TypeId::kString;
  int precision = 38;
  int scale = 0;
  TimeUnit unit = TimeUnit::kMicrosecond;
  std::string time_zone;                // empty: naive
  std::vector<std::string> categories;  // kEnum only
  std::vector<DataType> children;       // kList: the item type; kStruct: the field types
  std::vector<std::string> field_names;  // kStruct only, parallel to children

  // A dtype with default parameters: DataType::of(TypeId::kInt64).
  static DataType of(TypeId id) {
    DataType dtype;
    dtype.id = id;
    return dtype;
  }

  static DataType list_of(DataType item) {
    DataType dtype = of(TypeId::kList);
    dtype.children.push_back(std::move(item));
    return dtype;
  }
  static DataType struct_of(std::vector<std::pair<std::string, DataType>> fields) {
    DataType dtype = of(TypeId::kStruct);
    for (auto& [name, type] : fields) {
      dtype.field_names.push_back(std::move(name));
      dtype.children.push_back(std::move(type));
    }
    return dtype;
  }
  bool is_nested() const { return id == TypeId::kList || id == TypeId::kStruct; }

  // Polars spelling, for error messages: "Int64", "Datetime(time_unit='us', time_zone='UTC')",
  // "List(Int64)", "Struct({'a': Int64})".
  std::string name() const;
  // Lower-case identifier used across the Python boundary: "int64", "datetime", ...
  static TypeId id_from_string(const std::string& id);  // throws Error(kInvalidArgument)
  static const char* id_to_string(TypeId id);
  // A time unit's name, in Polars and across the Python boundary: "ms", "us", "ns".
  static TimeUnit unit_from_string(const std::string& unit);  // throws Error(kInvalidArgument)
  static const char* unit_to_string(TimeUnit unit);
};

}  // namespace polars_redis
