#include "polars_redis/rdb/packed_element.hpp"

#include <charconv>

namespace polars_redis::rdb {

void PackedElement::assign_to(std::string& out) const {
  if (!is_integer) {
    out.assign(text);
    return;
  }
  char digits[24];
  const auto result = std::to_chars(digits, digits + sizeof digits, integer);
  out.assign(digits, result.ptr);
}

}  // namespace polars_redis::rdb
