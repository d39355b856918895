#pragma once
// Schema inference from sampled text values. A type is chosen only when every observed non-null
// value parses as it with the same codecs the scan uses, so an inferred schema never makes a scan
// of the sampled keys fail. Preference: Int64, Float64, Boolean, Date, Datetime, String.
#include <string_view>

#include "polars_redis/convert/dtype.hpp"

namespace polars_redis::convert {

class TypeInferrer {
 public:
  void observe(std::string_view text);
  // String when nothing was observed. Datetime is microseconds, "UTC" when any value had an offset.
  DataType result() const;

 private:
  bool any_ = false;
  bool int_ok_ = true, float_ok_ = true, bool_ok_ = true, date_ok_ = true, datetime_ok_ = true;
  bool datetime_offset_ = false;
};

}  // namespace polars_redis::convert
