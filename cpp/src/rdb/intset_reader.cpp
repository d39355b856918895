#include "polars_redis/rdb/intset_reader.hpp"

#include "polars_redis/error.hpp"

namespace polars_redis::rdb {

void read_intset(std::string_view blob, const std::function<void(const PackedElement&)>& visit) {
  auto corrupt = [](const std::string& what) { throw Error(ErrorKind::kProtocol, "corrupt intset: " + what); };
  if (blob.size() < 8) corrupt("shorter than its header");
  const auto width = static_cast<size_t>(signed_little_endian(blob.substr(0, 4)));
  const auto count = static_cast<uint64_t>(signed_little_endian(blob.substr(4, 4)) & 0xffffffff);
  if (width != 2 && width != 4 && width != 8) corrupt("element width " + std::to_string(width));
  if ((blob.size() - 8) != count * width) corrupt("its length does not match " + std::to_string(count) + " elements");
  PackedElement element;
  element.is_integer = true;
  for (uint64_t i = 0; i < count; ++i) {
    element.integer = signed_little_endian(blob.substr(8 + i * width, width));
    visit(element);
  }
}

}  // namespace polars_redis::rdb
