#include "polars_redis/rdb/decoder.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "polars_redis/error.hpp"
#include "polars_redis/rdb/crc64.hpp"
#include "polars_redis/rdb/format.hpp"
#include "polars_redis/rdb/intset_reader.hpp"
#include "polars_redis/rdb/listpack_reader.hpp"
#include "polars_redis/rdb/lzf.hpp"
#include "polars_redis/rdb/ziplist_reader.hpp"
#include "support/thrown_error.hpp"

namespace polars_redis::rdb {
namespace {

using test_support::thrown_error;

// RDB bytes built by hand, in the layout of Redis' rdb.c.
struct Builder {
  std::string bytes = "REDIS0011";
  Builder& raw(std::string_view b) { bytes.append(b); return *this; }
  Builder& byte(int b) { bytes.push_back(static_cast<char>(b)); return *this; }
  Builder& length(uint64_t n) {
    if (n < 64) return byte(static_cast<int>(n));
    if (n < 16384) return byte(0x40 | static_cast<int>(n >> 8)).byte(static_cast<int>(n & 0xff));
    const int width = n > 0xffffffffULL ? 8 : 4;
    byte(width == 8 ? 0x81 : 0x80);
    for (int i = width - 1; i >= 0; --i) byte(static_cast<int>((n >> (8 * i)) & 0xff));
    return *this;
  }
  Builder& str(std::string_view s) { return length(s.size()).raw(s); }
  Builder& le(uint64_t value, int bytes_count) {
    for (int i = 0; i < bytes_count; ++i) byte(static_cast<int>((value >> (8 * i)) & 0xff));
    return *this;
  }
  std::string finish(bool checksum = true) {
    byte(0xff);
    const uint64_t crc = checksum ? crc64(bytes) : 0;
    return bytes + std::string(reinterpret_cast<const char*>(&crc), 8);
  }
};

// A listpack of strings and small integers (7-bit and 13-bit forms).
std::string listpack(const std::vector<std::string>& strings, const std::vector<int>& ints = {}) {
  std::string body;
  for (const auto& s : strings) {
    body.push_back(static_cast<char>(0x80 | s.size()));
    body += s;
    body.push_back(static_cast<char>(1 + s.size()));
  }
  for (int v : ints) {
    if (v >= 0 && v < 128) {
      body.push_back(static_cast<char>(v));
      body.push_back(1);
    } else {
      const int encoded = v & 0x1fff;
      body.push_back(static_cast<char>(0xc0 | (encoded >> 8)));
      body.push_back(static_cast<char>(encoded & 0xff));
      body.push_back(2);
    }
  }
  const uint32_t total = static_cast<uint32_t>(6 + body.size() + 1);
  const uint16_t count = static_cast<uint16_t>(strings.size() + ints.size());
  std::string out(reinterpret_cast<const char*>(&total), 4);
  out.append(reinterpret_cast<const char*>(&count), 2);
  return out + body + "\xff";
}

std::vector<Record> decode_all(const std::string& rdb, size_t chunk = SIZE_MAX, int64_t now_ms = 0) {
  auto source = memory_source(rdb, chunk);
  Decoder decoder(*source, {now_ms});
  std::vector<Record> records;
  Record record;
  while (decoder.next(record, [](int64_t, std::string_view, ValueType) { return true; })) records.push_back(record);
  return records;
}

std::vector<std::string> items(const Value& value) { return {value.items.begin(), value.items.begin() + value.size}; }

TEST(RdbDecoder, StringsIntsExpiryAndDatabases) {
  Builder b;
  b.byte(250).str("redis-ver").str("7.4.0");  // aux
  b.byte(254).length(0).byte(251).length(2).length(1);
  b.byte(252).le(1893456000000ULL, 8).byte(0).str("plain").str("value");
  b.byte(0).str("int8").byte(0xc0).byte(0xfe);              // -2
  b.byte(254).length(3);
  b.byte(0).str("int32").byte(0xc2).le(0xfffffffe, 4);      // -2 as int32
  const auto records = decode_all(b.finish(), 3);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].key, "plain");
  EXPECT_EQ(records[0].expire_ms, 1893456000000LL);
  EXPECT_EQ(records[0].value.item(0), "value");
  EXPECT_EQ(records[1].value.item(0), "-2");
  EXPECT_EQ(records[1].expire_ms, -1);
  EXPECT_EQ(records[2].db, 3);
  EXPECT_EQ(records[2].value.item(0), "-2");
}

TEST(RdbDecoder, LzfStringAndExpiredKeysDropped) {
  // "aaaaaaaaaa": literal "a", then a back reference of 9 bytes at distance 1.
  const std::string compressed("\x00" "a" "\xe0\x00\x00", 5);  // ctrl 0xe0: length 7+next+2, distance 1
  Builder b;
  b.byte(0).str("lzf").byte(0xc3).length(compressed.size()).length(10).raw(compressed);
  b.byte(252).le(1000, 8).byte(0).str("old").str("gone");
  const auto records = decode_all(b.finish(), SIZE_MAX, 2000);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].value.item(0), std::string(10, 'a'));
}

TEST(RdbDecoder, PackedHashSetZsetAndList) {
  Builder b;
  b.byte(16).str("hash").str(listpack({"f", "v"}, {5}));  // odd, but decoded element by element
  b.byte(11).str("intset");
  {
    std::string intset;
    const uint32_t width = 2, count = 2;
    intset.append(reinterpret_cast<const char*>(&width), 4).append(reinterpret_cast<const char*>(&count), 4);
    intset += std::string("\x01\x00\xff\xff", 4);  // 1, -1
    b.str(intset);
  }
  b.byte(17).str("zset").str(listpack({"m", "1.5", "n"}, {-3}));
  b.byte(18).str("list").length(2).length(2).str(listpack({"a"}, {100, -100})).length(1).str("plain-node");
  const auto records = decode_all(b.finish());
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(items(records[0].value), (std::vector<std::string>{"f", "v", "5"}));
  EXPECT_EQ(items(records[1].value), (std::vector<std::string>{"1", "-1"}));
  EXPECT_EQ(items(records[2].value), (std::vector<std::string>{"m", "n"}));
  EXPECT_EQ(records[2].value.scores, (std::vector<double>{1.5, -3}));
  EXPECT_EQ(items(records[3].value), (std::vector<std::string>{"a", "100", "-100", "plain-node"}));
}

TEST(RdbDecoder, Ziplist) {
  // zlbytes, zltail, zllen; entries: "ab" (6-bit string), int16 -300, immediate 7; end.
  std::string body = std::string("\x00\x02" "ab", 4) + std::string("\x04\xc0\xd4\xfe", 4) + std::string("\x04\xf8", 2);
  const uint32_t total = static_cast<uint32_t>(10 + body.size() + 1), tail = 0;
  const uint16_t count = 3;
  std::string ziplist(reinterpret_cast<const char*>(&total), 4);
  ziplist.append(reinterpret_cast<const char*>(&tail), 4).append(reinterpret_cast<const char*>(&count), 2);
  ziplist += body + "\xff";
  std::vector<std::string> got;
  read_ziplist(ziplist, [&](const PackedElement& e) { e.assign_to(got.emplace_back()); });
  EXPECT_EQ(got, (std::vector<std::string>{"ab", "-300", "7"}));
}

TEST(RdbDecoder, ModulesSkippedAndJsonKept) {
  Builder b;
  b.byte(7).str("mod").length(module_type_id("other-mod", 1));
  b.length(2).length(5).length(5).str("x").length(4).le(0, 8).length(0);  // uint, string, double, EOF
  b.byte(7).str("doc").length(module_type_id(kRedisJsonModuleName, 3)).length(5).str("{\"a\":1}").length(0);
  const auto records = decode_all(b.finish());
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].key, "doc");
  EXPECT_EQ(records[0].value.type, ValueType::kJson);
  EXPECT_EQ(records[0].value.item(0), "{\"a\":1}");
}

TEST(RdbDecoder, FilterSkipsValues) {
  Builder b;
  b.byte(0).str("a").str("1").byte(4).str("h").length(1).str("f").str("v").byte(0).str("b").str("2");
  const std::string rdb = b.finish();
  auto source = memory_source(rdb);
  Decoder decoder(*source);
  Record record;
  std::vector<std::string> keys;
  while (decoder.next(record, [](int64_t, std::string_view, ValueType t) { return t == ValueType::kHash; })) keys.push_back(record.key);
  EXPECT_EQ(keys, std::vector<std::string>{"h"});
}

TEST(RdbDecoder, ChecksumTruncationAndBadHeader) {
  Builder b;
  b.byte(0).str("k").str("v");
  std::string rdb = b.finish();
  std::string flipped = rdb;
  flipped[12] ^= 1;
  EXPECT_THROW(decode_all(flipped), Error);
  const Error error = thrown_error([&] { decode_all(rdb.substr(0, rdb.size() - 3)); });
  EXPECT_NE(std::string(error.what()).find("truncated"), std::string::npos);
  EXPECT_NE(std::string(error.what()).find("at byte"), std::string::npos);
  EXPECT_THROW(decode_all("REDIS0008" + rdb.substr(9)), Error);
  EXPECT_THROW(decode_all("NOTRDB000"), Error);
  // Valkey 9 writes its own magic and version 80.
  Builder valkey;
  valkey.bytes = "VALKEY080";
  valkey.byte(0).str("k").str("v");
  EXPECT_EQ(decode_all(valkey.finish()).size(), 1u);

  // rdbchecksum no: a zero trailer is accepted.
  Builder unchecked;
  unchecked.byte(0).str("k").str("v");
  EXPECT_EQ(decode_all(unchecked.finish(false)).size(), 1u);
}

TEST(RdbDecoder, LzfRejectsBadReferences) {
  std::string out;
  EXPECT_THROW(lzf_decompress(std::string("\x20\x05", 2), 3, out), Error);  // distance before start
  EXPECT_THROW(lzf_decompress(std::string("\x01" "a", 2), 2, out), Error);  // literal past the end
  EXPECT_THROW(lzf_decompress("a", 1000000, out), Error);                   // impossible length
}

// A hash with per-field expiry (type 24): the minimum expiry, then each field's TTL relative to it.
TEST(RdbDecoder, HashFieldExpiryFromTheFileCannotOverflow) {
  Builder ok;
  ok.byte(24).str("h").le(1000, 8).length(2).length(0).str("f1").str("v1").length(5).str("f2").str("v2");
  const auto records = decode_all(ok.finish());
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(items(records[0].value), (std::vector<std::string>{"f1", "v1", "f2", "v2"}));
  // A corrupt TTL whose sum with the minimum passes 2^63 (the fuzzer found it: signed overflow).
  Builder corrupt;
  corrupt.byte(24).str("h").le(uint64_t{1} << 62, 8).length(1).length((uint64_t{1} << 63) - 2).str("f").str("v");
  const Error error = thrown_error([&] { decode_all(corrupt.finish()); }, "a TTL past the int64 range was accepted");
  EXPECT_NE(std::string(error.what()).find("hash field expiry out of range"), std::string::npos) << error.what();
}

TEST(RdbDecoder, CorruptListpack) {
  EXPECT_THROW(read_listpack(std::string("\x07\x00\x00\x00\x01\x00\x85", 7), [](const PackedElement&) {}), Error);
  EXPECT_THROW(read_intset(std::string("\x03\x00\x00\x00\x00\x00\x00\x00", 8), [](const PackedElement&) {}), Error);
}

}  // namespace
}  // namespace polars_redis::rdb
