#pragma once
// A projected field of a read: its name in the data (a hash field, a stream entry field, an
// aggregate attribute, a string's value column) and the dtype its text is parsed into.
#include <string>

#include "polars_redis/convert/dtype.hpp"

namespace polars_redis::read {

struct FieldSpec {
  std::string name;
  DataType dtype;
};

}  // namespace polars_redis::read
