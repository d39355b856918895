// Decimal columns: decimal128 ("d:P,S"), the unscaled value as a native-endian 128-bit integer.
#include <string>

#include "builders.hpp"
#include "fixed_width_builder.hpp"
#include "polars_redis/convert/text_codecs.hpp"
#include "polars_redis/error.hpp"

namespace polars_redis::arrow::detail {
namespace {

class DecimalBuilder final : public FixedWidthBuilder<__int128> {
 public:
  explicit DecimalBuilder(const DataType& dtype) : FixedWidthBuilder(dtype) {}

  bool append_text(std::string_view text) override {
    return append_parsed(convert::parse_decimal(text, dtype_.precision, dtype_.scale));
  }
};

}  // namespace

std::unique_ptr<ColumnBuilder> make_decimal_builder(const DataType& dtype) {
  // decimal128 holds at most 38 digits; Polars rejects negative scales and scale > precision.
  if (dtype.precision < 1 || dtype.precision > 38 || dtype.scale < 0 || dtype.scale > dtype.precision) {
    throw Error(ErrorKind::kInvalidArgument, "Decimal(precision=" + std::to_string(dtype.precision) +
                                                 ", scale=" + std::to_string(dtype.scale) +
                                                 ") is outside decimal128 (precision 1..38, 0 <= scale <= precision)");
  }
  return std::make_unique<DecimalBuilder>(dtype);
}

}  // namespace polars_redis::arrow::detail
