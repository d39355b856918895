#pragma once
// Schema inference from sampled text values. A type is chosen only when every observed non-null
// value parses as it with the same codecs the scan uses, so an inferred schema never makes a scan
// of the sampled keys fail. Preference: Int64, Float64, Boolean, Date, Datetime, String; Binary
// when any value is not UTF-8 (a String column rejects it).
#include <string_view>

#include "polars_redis/convert/dtype.hpp"

namespace polars_redis::convert {

class TypeInferrer {
 public:
  void observe(std::string_view text);
  // String when nothing was observed. Datetime is microseconds, "UTC" when any value had an offset.
  DataType result() const;
  // Whether every observed value was UTF-8: with type inference off, String or else Binary.
  bool all_utf8() const { return utf8_; }

 private:
  bool any_ = false;
  bool int_ok_ = true, float_ok_ = true, bool_ok_ = true, date_ok_ = true, datetime_ok_ = true;
  bool datetime_offset_ = false;
  bool utf8_ = true;
};

}  // namespace polars_redis::convert
