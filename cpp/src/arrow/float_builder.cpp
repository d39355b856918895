// Float32 and Float64 columns: native IEEE 754 primitives.
#include <cmath>
#include <limits>
#include <type_traits>

#include "builders.hpp"
#include "fixed_width_builder.hpp"
#include "polars_redis/convert/text_codecs.hpp"

namespace polars_redis::arrow::detail {
namespace {

template <typename T>
class FloatBuilder final : public FixedWidthBuilder<T> {
 public:
  explicit FloatBuilder(const DataType& dtype) : FixedWidthBuilder<T>(dtype) {}

  bool append_text(std::string_view text) override {
    if constexpr (std::is_same_v<T, float>) {
      return this->append_parsed(convert::parse_float(text));
    } else {
      return this->append_parsed(convert::parse_double(text));
    }
  }

  bool append_int64(int64_t value) override {
    this->append_value(static_cast<T>(value));
    return true;
  }

  bool append_double(double value) override {
    // A finite double that rounds beyond float's range has no Float32 value (converting it is
    // undefined). Up to the midpoint above the largest float it rounds to that float: a stored
    // double a unit off the largest float (RedisJSON's parsing) still reads as it.
    if constexpr (std::is_same_v<T, float>) {
      if (std::isfinite(value) && std::fabs(value) >= 0x1.ffffffp+127) return false;
    }
    this->append_value(static_cast<T>(value));
    return true;
  }
};

}  // namespace

std::unique_ptr<ColumnBuilder> make_float_builder(const DataType& dtype) {
  if (dtype.id == TypeId::kFloat32) return std::make_unique<FloatBuilder<float>>(dtype);
  return std::make_unique<FloatBuilder<double>>(dtype);
}

}  // namespace polars_redis::arrow::detail
