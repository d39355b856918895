#include "polars_redis/rdb/payload_writer.hpp"

#include <bit>
#include <cstring>

#include "polars_redis/rdb/crc64.hpp"
#include "polars_redis/rdb/format.hpp"
#include "polars_redis/rdb/listpack_writer.hpp"

namespace polars_redis::rdb {

namespace {

void put_be(std::string& out, uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

}  // namespace

void append_le(std::string& out, uint64_t value, int bytes) {
  char buffer[8];
  for (int i = 0; i < bytes; ++i) buffer[i] = static_cast<char>((value >> (8 * i)) & 0xFF);
  out.append(buffer, static_cast<size_t>(bytes));
}

void append_length(std::string& out, uint64_t length) {
  if (length < (1 << 6)) {
    out.push_back(static_cast<char>((kLen6Bit << 6) | length));
  } else if (length < (1 << 14)) {
    out.push_back(static_cast<char>((kLen14Bit << 6) | (length >> 8)));
    out.push_back(static_cast<char>(length & 0xFF));
  } else if (length <= UINT32_MAX) {
    out.push_back(static_cast<char>(kLen32Bit));
    put_be(out, length, 4);
  } else {
    out.push_back(static_cast<char>(kLen64Bit));
    put_be(out, length, 8);
  }
}

void append_string(std::string& out, std::string_view value) {
  int64_t number = 0;
  // rdbTryIntegerEncoding: at most 11 characters that read back as the same text.
  if (value.size() <= 11 && canonical_int64(value, number) && number >= INT32_MIN && number <= INT32_MAX) {
    const auto encoded = static_cast<uint8_t>(kLenEncoded << 6);
    if (number >= INT8_MIN && number <= INT8_MAX) {
      out.push_back(static_cast<char>(encoded | kEncInt8));
      append_le(out, static_cast<uint64_t>(number), 1);
    } else if (number >= INT16_MIN && number <= INT16_MAX) {
      out.push_back(static_cast<char>(encoded | kEncInt16));
      append_le(out, static_cast<uint64_t>(number), 2);
    } else {
      out.push_back(static_cast<char>(encoded | kEncInt32));
      append_le(out, static_cast<uint64_t>(number), 4);
    }
    return;
  }
  append_length(out, value.size());
  out.append(value);
}

void append_binary_double(std::string& out, double value) {
  append_le(out, std::bit_cast<uint64_t>(value), 8);
}

void append_trailer(std::string& out, int rdb_version) {
  append_le(out, static_cast<uint64_t>(rdb_version), 2);
  append_le(out, crc64(out), 8);
}

}  // namespace polars_redis::rdb
