#include "polars_redis/rdb/crc64.hpp"

#include <gtest/gtest.h>

#include <string>

#include "polars_redis/rdb/format.hpp"

namespace polars_redis::rdb {
namespace {

// The check value Redis' own crc64 self-test asserts for "123456789".
TEST(Crc64, CheckValue) { EXPECT_EQ(crc64("123456789"), 0xe9c6d914c4b8d9caULL); }

// A DUMP payload taken from Debian's Redis 7.0 (HSET h a 1 b hello): its last 8 bytes are the
// CRC64 of everything before them, little endian.
TEST(Crc64, MatchesServerDumpTrailer) {
  const std::string body("\x10\x16\x16\x00\x00\x00\x04\x00\x81" "a\x02\x01\x01\x81" "b\x02\x85"
                         "hello\x06\xff\n\x00",
                         26);
  EXPECT_EQ(crc64(body), 0x5d9507ee99fec5e8ULL);
}

// Splitting the input anywhere gives the same checksum as one call (streaming decoders feed it
// in network-sized pieces).
TEST(Crc64, IncrementalEqualsWhole) {
  std::string data;
  for (int i = 0; i < 1000; ++i) data.push_back(static_cast<char>((i * 131) ^ (i >> 3)));
  const uint64_t whole = crc64(data);
  for (size_t split : {0, 1, 7, 8, 9, 63, 500, 999, 1000}) {
    uint64_t crc = crc64(0, data.data(), split);
    crc = crc64(crc, data.data() + split, data.size() - split);
    EXPECT_EQ(crc, whole) << split;
  }
}

TEST(ModuleTypeId, RoundTripsNameAndVersion) {
  const uint64_t id = module_type_id(kRedisJsonModuleName, 3);
  const ModuleType type = decode_module_type_id(id);
  EXPECT_EQ(type.name_view(), kRedisJsonModuleName);
  EXPECT_EQ(type.encoding_version, 3u);
}

}  // namespace
}  // namespace polars_redis::rdb
