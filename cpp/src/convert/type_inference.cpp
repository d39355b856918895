#include "polars_redis/convert/type_inference.hpp"

#include "polars_redis/convert/text_codecs.hpp"
#include "polars_redis/convert/utf8.hpp"

namespace polars_redis::convert {

// Each candidate stays open while every value parses with its codec. Date and Datetime also
// require ISO text: the codecs accept epoch integers too, but a column of integers is Int64
// (which wins by order anyway), and a mix of integers and ISO dates is too ambiguous to call
// temporal. Float64 is plain parse_double success, so a column holding only "nan" or "inf" is
// Float64 as well.
void TypeInferrer::observe(std::string_view text) {
  any_ = true;
  utf8_ = utf8_ && is_utf8(text);
  bool is_int = parse_int<int64_t>(text).has_value();
  int_ok_ = int_ok_ && is_int;
  float_ok_ = float_ok_ && parse_double(text).has_value();
  bool_ok_ = bool_ok_ && parse_bool(text).has_value();
  date_ok_ = date_ok_ && !is_int && parse_date(text).has_value();
  datetime_ok_ =
      datetime_ok_ && !is_int && parse_datetime(text, TimeUnit::kMicrosecond).has_value();
  if (datetime_ok_ && datetime_text_has_offset(text)) datetime_offset_ = true;
}

DataType TypeInferrer::result() const {
  if (!any_) return DataType::of(TypeId::kString);
  if (int_ok_) return DataType::of(TypeId::kInt64);
  if (float_ok_) return DataType::of(TypeId::kFloat64);
  if (bool_ok_) return DataType::of(TypeId::kBoolean);
  if (date_ok_) return DataType::of(TypeId::kDate);
  if (datetime_ok_) {
    DataType out = DataType::of(TypeId::kDatetime);
    out.unit = TimeUnit::kMicrosecond;
    if (datetime_offset_) out.time_zone = "UTC";
    return out;
  }
  return DataType::of(utf8_ ? TypeId::kString : TypeId::kBinary);
}

}  // namespace polars_redis::convert
