// Int8..UInt64 columns: native-endian primitives, range-checked.
#include <cmath>
#include <limits>
#include <type_traits>

#include "builders.hpp"
#include "fixed_width_builder.hpp"
#include "polars_redis/convert/text_codecs.hpp"

namespace polars_redis::arrow::detail {
namespace {

template <typename T>
class IntegerBuilder final : public FixedWidthBuilder<T> {
 public:
  explicit IntegerBuilder(const DataType& dtype) : FixedWidthBuilder<T>(dtype) {}

  bool append_text(std::string_view text) override { return this->append_parsed(convert::parse_int<T>(text)); }

  bool append_int64(int64_t value) override {
    if constexpr (std::is_signed_v<T>) {
      if (value < std::numeric_limits<T>::min() || value > std::numeric_limits<T>::max()) return false;
    } else {
      if (value < 0 || static_cast<uint64_t>(value) > std::numeric_limits<T>::max()) return false;
    }
    this->append_value(static_cast<T>(value));
    return true;
  }

  // Accepts integral doubles in range (a JSON 3.0 is the integer 3), like a strict Polars cast.
  bool append_double(double value) override {
    // T's range is [lower, upper) with both bounds exact powers of two, so no rounding here.
    constexpr double upper = static_cast<double>(uint64_t{1} << (std::numeric_limits<T>::digits - 1)) * 2.0;
    constexpr double lower = std::is_signed_v<T> ? -upper : 0.0;
    if (!(value >= lower && value < upper) || std::trunc(value) != value) return false;
    this->append_value(static_cast<T>(value));
    return true;
  }
};

}  // namespace

std::unique_ptr<ColumnBuilder> make_integer_builder(const DataType& dtype) {
  switch (dtype.id) {
    case TypeId::kInt8:
      return std::make_unique<IntegerBuilder<int8_t>>(dtype);
    case TypeId::kInt16:
      return std::make_unique<IntegerBuilder<int16_t>>(dtype);
    case TypeId::kInt32:
      return std::make_unique<IntegerBuilder<int32_t>>(dtype);
    case TypeId::kInt64:
      return std::make_unique<IntegerBuilder<int64_t>>(dtype);
    case TypeId::kUInt8:
      return std::make_unique<IntegerBuilder<uint8_t>>(dtype);
    case TypeId::kUInt16:
      return std::make_unique<IntegerBuilder<uint16_t>>(dtype);
    case TypeId::kUInt32:
      return std::make_unique<IntegerBuilder<uint32_t>>(dtype);
    default:  // kUInt64
      return std::make_unique<IntegerBuilder<uint64_t>>(dtype);
  }
}

}  // namespace polars_redis::arrow::detail
