// Date (date32 "tdD", days), Datetime (timestamp "ts?:zone", UTC instants in the unit) and Time
// (time64 "ttn", nanoseconds since midnight) columns.
#include "builders.hpp"
#include "fixed_width_builder.hpp"
#include "polars_redis/convert/text_codecs.hpp"

namespace polars_redis::arrow::detail {
namespace {

class DateBuilder final : public FixedWidthBuilder<int32_t> {
 public:
  explicit DateBuilder(const DataType& dtype) : FixedWidthBuilder(dtype) {}
  bool append_text(std::string_view text) override { return append_parsed(convert::parse_date(text)); }
};

class DatetimeBuilder final : public FixedWidthBuilder<int64_t> {
 public:
  explicit DatetimeBuilder(const DataType& dtype) : FixedWidthBuilder(dtype) {}
  bool append_text(std::string_view text) override {
    return append_parsed(convert::parse_datetime(text, dtype_.unit));
  }
};

class TimeBuilder final : public FixedWidthBuilder<int64_t> {
 public:
  explicit TimeBuilder(const DataType& dtype) : FixedWidthBuilder(dtype) {}
  bool append_text(std::string_view text) override { return append_parsed(convert::parse_time(text)); }
};

}  // namespace

std::unique_ptr<ColumnBuilder> make_temporal_builder(const DataType& dtype) {
  switch (dtype.id) {
    case TypeId::kDate:
      return std::make_unique<DateBuilder>(dtype);
    case TypeId::kDatetime:
      return std::make_unique<DatetimeBuilder>(dtype);
    default:  // kTime
      return std::make_unique<TimeBuilder>(dtype);
  }
}

}  // namespace polars_redis::arrow::detail
