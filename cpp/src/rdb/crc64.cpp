#include "polars_redis/rdb/crc64.hpp"

#include <array>
#include <cstring>

namespace polars_redis::rdb {

namespace {

constexpr uint64_t reflect(uint64_t value) {
  uint64_t out = 0;
  for (int i = 0; i < 64; ++i) {
    out = (out << 1) | (value & 1);
    value >>= 1;
  }
  return out;
}

// Slice-by-16: tables[k][b] is the CRC of byte b followed by k zero bytes.
using Tables = std::array<std::array<uint64_t, 256>, 16>;

constexpr Tables make_tables() {
  constexpr uint64_t kPolynomial = reflect(0xad93d23594c935a9ULL);
  Tables tables{};
  for (uint64_t byte = 0; byte < 256; ++byte) {
    uint64_t crc = byte;
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 1) ? (crc >> 1) ^ kPolynomial : crc >> 1;
    tables[0][byte] = crc;
  }
  for (size_t byte = 0; byte < 256; ++byte) {
    for (size_t k = 1; k < 16; ++k) {
      const uint64_t previous = tables[k - 1][byte];
      tables[k][byte] = tables[0][previous & 0xff] ^ (previous >> 8);
    }
  }
  return tables;
}

constexpr Tables kTables = make_tables();

}  // namespace

uint64_t crc64(uint64_t crc, const void* data, size_t size) {
  auto bytes = static_cast<const unsigned char*>(data);
  while (size >= 16) {
    uint64_t low, high;
    std::memcpy(&low, bytes, 8);  // little-endian hosts only, as Redis' own RDB files assume
    std::memcpy(&high, bytes + 8, 8);
    low ^= crc;
    crc = kTables[15][low & 0xff] ^ kTables[14][(low >> 8) & 0xff] ^ kTables[13][(low >> 16) & 0xff] ^
          kTables[12][(low >> 24) & 0xff] ^ kTables[11][(low >> 32) & 0xff] ^ kTables[10][(low >> 40) & 0xff] ^
          kTables[9][(low >> 48) & 0xff] ^ kTables[8][low >> 56] ^ kTables[7][high & 0xff] ^
          kTables[6][(high >> 8) & 0xff] ^ kTables[5][(high >> 16) & 0xff] ^ kTables[4][(high >> 24) & 0xff] ^
          kTables[3][(high >> 32) & 0xff] ^ kTables[2][(high >> 40) & 0xff] ^ kTables[1][(high >> 48) & 0xff] ^
          kTables[0][high >> 56];
    bytes += 16;
    size -= 16;
  }
  while (size--) crc = kTables[0][(crc ^ *bytes++) & 0xff] ^ (crc >> 8);
  return crc;
}

}  // namespace polars_redis::rdb
