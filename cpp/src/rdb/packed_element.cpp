#include "polars_redis/rdb/packed_element.hpp"

#include <charconv>
#include <string>

#include "polars_redis/error.hpp"

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

void check_packed_size(std::string_view blob, size_t header, const char* kind) {
  const std::string corrupt = std::string("corrupt ") + kind + ": ";
  if (blob.size() < header + 1) throw Error(ErrorKind::kProtocol, corrupt + "shorter than its header");
  const auto total = static_cast<uint64_t>(signed_little_endian(blob.substr(0, 4)) & 0xffffffff);
  if (total != blob.size()) {
    throw Error(ErrorKind::kProtocol, corrupt + "its header says " + std::to_string(total) + " bytes, the string has " +
                                          std::to_string(blob.size()));
  }
}

}  // namespace polars_redis::rdb
