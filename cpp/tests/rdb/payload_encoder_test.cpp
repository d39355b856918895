// Payloads compared byte for byte with the server's own DUMP of keys built by commands (Redis
// Stack 7.4.1 = RDB 12, Debian's Redis 7.0.15 = RDB 10), captured once from real servers.
#include "polars_redis/rdb/payload_encoder.hpp"

#include <gtest/gtest.h>

#include <random>
#include <span>
#include <string>
#include <vector>

#include "polars_redis/rdb/format.hpp"
#include "polars_redis/rdb/listpack_writer.hpp"
#include "polars_redis/rdb/score_text.hpp"

namespace polars_redis::rdb {
namespace {

std::string unhex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

std::string hex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

// HSET h a 1 b -5 c hello d 300 e -70000 f 0 g 01 h 12345678901: every listpack integer width
// but 16/32 bits, a canonical "0", and "01" kept as a string.
const std::vector<std::string_view> kHash = {"a", "1", "b", "-5", "c", "hello", "d", "300", "e", "-70000",
                                              "f", "0", "g", "01", "h", "12345678901"};
constexpr std::string_view kHashBody =
    "1040434300000010008161020101816202dffb028163028568656c6c6f06816402c12c02816502f290eefe04816602000181670282"
    "303103816802f4351cdcdf0200000009ff";

TEST(PayloadEncoder, HashListpackMatchesDumpOf74And70) {
  std::string out;
  PayloadEncoder(12, {}).hash(kHash, out);
  EXPECT_EQ(hex(out), std::string(kHashBody) + "0c005d8ab7c4f8dcca48");
  PayloadEncoder(10, {}).hash(kHash, out);
  EXPECT_EQ(hex(out), std::string(kHashBody) + "0a0096fc830402f65401");
}

TEST(PayloadEncoder, IntsetMatchesDump) {
  std::vector<std::string_view> members = {"3", "1", "2"};
  std::string out;
  PayloadEncoder(12, {}).set(members, out);
  EXPECT_EQ(hex(out), "0b0e02000000030000000100020003000c006e7468229744d352");
}

TEST(PayloadEncoder, SetListpackOn74HashtableFormOn70) {
  std::vector<std::string_view> members = {"x", "1", "x"};
  std::string out;
  PayloadEncoder(12, {}).set(members, out);
  EXPECT_EQ(hex(out), "140c0c00000002008178020101ff0c00c7589b71f17d8453");
  members = {"x", "1"};
  PayloadEncoder(10, {}).set(members, out);
  // The server's hashtable iteration order differs ("1" first); the body holds both members.
  EXPECT_EQ(hex(out).substr(0, 4), "0202");
  EXPECT_EQ(out.size(), 2 + 2 + 2 + 10u);
}

TEST(PayloadEncoder, ZsetListpackMatchesDumpOf74) {
  std::vector<ScoredMember> members = {{1.5, "m1"}, {2, "m2"}, {0.1, "m3"}};
  std::string out;
  PayloadEncoder(12, {}).zset(members, out);
  EXPECT_EQ(hex(out), "111f1f0000000600826d330383302e3104826d310383312e3504826d32030201ff0c00acde493967eeac58");
}

TEST(PayloadEncoder, ListQuicklistMatchesDump) {
  const std::vector<std::string_view> elements = {"a", "1", "b"};
  std::string out;
  PayloadEncoder(12, {}).list(elements, out);
  EXPECT_EQ(hex(out), "1201020f0f00000003008161020101816202ff0c005b35978c11a48555");
  PayloadEncoder(10, {}).list(elements, out);
  EXPECT_EQ(hex(out), "1201020f0f00000003008161020101816202ff0a009043a34ceb8e1b1c");
}

TEST(PayloadEncoder, StringsMatchDump) {
  std::string out;
  PayloadEncoder(12, {}).string("12", out);
  EXPECT_EQ(hex(out), "00c00c0c00f75ccc91a62e229c");
  PayloadEncoder(10, {}).string("hello", out);
  EXPECT_EQ(hex(out), "000568656c6c6f0a006372df766534200a");
}

TEST(PayloadEncoder, JsonDocumentMatchesDumpOfRedisJson) {
  std::string out;
  PayloadEncoder(12, {}).json(R"({"a":[1,2,{"b":null}],"c":"x"})", out);
  EXPECT_EQ(hex(out),
            "078145e25238df912c03051e7b2261223a5b312c322c7b2262223a6e756c6c7d5d2c2263223a2278227d000c0067e0e2d33cf0f7c6");
}

TEST(PayloadEncoder, AboveThresholdsUsesPlainForms) {
  EncodingLimits limits;
  limits.hash_max_listpack_entries = 1;
  std::string out;
  PayloadEncoder(12, limits).hash(kHash, out);
  EXPECT_EQ(static_cast<uint8_t>(out[0]), static_cast<uint8_t>(ObjectType::kHash));
  limits = {};
  limits.zset_max_listpack_value = 1;
  std::vector<ScoredMember> members = {{1, "long"}};
  PayloadEncoder(12, limits).zset(members, out);
  EXPECT_EQ(static_cast<uint8_t>(out[0]), static_cast<uint8_t>(ObjectType::kZset2));
}

TEST(PayloadEncoder, ZsetKeepsLastScoreOfADuplicate) {
  std::vector<ScoredMember> members = {{5, "a"}, {1, "b"}, {0, "a"}};
  std::string out;
  PayloadEncoder(12, {}).zset(members, out);
  ASSERT_EQ(members.size(), 2u);
  EXPECT_EQ(members[0].member, "a");
  EXPECT_EQ(members[0].score, 0);
}

TEST(CanonicalInt64, FollowsTheServersRule) {
  int64_t v = 0;
  EXPECT_TRUE(canonical_int64("0", v));
  EXPECT_TRUE(canonical_int64("-9223372036854775808", v));
  EXPECT_EQ(v, INT64_MIN);
  EXPECT_TRUE(canonical_int64("9223372036854775807", v));
  for (std::string_view text : {"", "-", "-0", "00", "01", "+1", " 1", "1 ", "9223372036854775808",
                                "-9223372036854775809", "1.0", "1e3", "99999999999999999999"}) {
    EXPECT_FALSE(canonical_int64(text, v)) << text;
  }
}

TEST(ListpackWriter, BacklenOfLongEntries) {
  // 200-byte string: 2 header bytes + 200 = 202 -> backlen bytes 0x01, 0xCA.
  ListpackWriter lp;
  lp.append(std::string(200, 'x'));
  const std::string_view bytes = lp.finish();
  EXPECT_EQ(hex(bytes.substr(bytes.size() - 3)), "01caff");
  EXPECT_EQ(hex(bytes.substr(6, 2)), "e0c8");
}

TEST(ScoreText, VersionsFormatLikeTheServer) {
  auto text = [](double v, int version) {
    std::string out;
    append_score_text(v, version, out);
    return out;
  };
  EXPECT_EQ(text(0.1, 10), "0.10000000000000001");
  EXPECT_EQ(text(0.1, 12), "0.1");
  EXPECT_EQ(text(-0.0, 12), "0");  // as DUMP shows after ZADD k -0 m
  EXPECT_EQ(text(-0.0, 10), "0");
  EXPECT_EQ(text(2, 12), "2");
  EXPECT_EQ(text(1e-7, 12), "1e-7");
  EXPECT_EQ(text(1.5e300, 12), "1.5e+300");
  EXPECT_EQ(text(-1e100, 12), "-1e+100");
  EXPECT_EQ(text(123.456, 12), "123.456");
  EXPECT_EQ(text(0.00012, 12), "0.00012");
  EXPECT_EQ(text(1e20, 12), "1e+20");
  EXPECT_EQ(text(1.5e17, 12), "150000000000000000");
  EXPECT_EQ(text(123e-9, 12), "1.23e-7");
  EXPECT_EQ(text(1e20, 10), "1e+20");
  EXPECT_EQ(text(-1.0 / 0.0, 10), "-inf");
}


// The bound the RESTORE writer's first pass relies on (kPayloadGrowth): random elements of every
// size class (integers of each width, short and long texts), in every form the thresholds choose.
size_t resp_bytes(std::span<const std::string_view> elements) {
  size_t n = 0;
  for (auto e : elements) n += e.size() + std::to_string(e.size()).size() + 5;
  return n;
}

TEST(PayloadEncoder, PayloadIsBoundedByItsElementsAsResp) {
  std::mt19937_64 random(17);
  auto element = [&](std::string& out) {
    const int kind = static_cast<int>(random() % 5);
    if (kind == 0) out = std::to_string(static_cast<int64_t>(random()) >> (random() % 64));
    else if (kind == 1) out.assign(random() % 3, 'x');  // "", "x", "xx": the largest relative overhead
    else if (kind == 2) out.assign(random() % 200, 'y');
    else if (kind == 3) out.assign(4000 + random() % 20000, 'z');
    else out = std::to_string(random() % 10);
  };
  EncodingLimits low;
  low.hash_max_listpack_entries = 2;
  low.set_max_intset_entries = 2;
  low.set_max_listpack_entries = 2;
  low.list_max_listpack_size = 1;  // a node per element
  EncodingLimits bytes_per_node;
  bytes_per_node.list_max_listpack_size = -1;
  std::string out;
  for (int round = 0; round < 300; ++round) {
    std::vector<std::string> texts(1 + random() % 12);
    for (auto& text : texts) element(text);
    std::vector<std::string_view> items(texts.begin(), texts.end());
    for (const EncodingLimits& limits : {EncodingLimits{}, low, bytes_per_node}) {
      for (int version : {10, 12}) {
        PayloadEncoder encoder(version, limits);
        const size_t bound = kPayloadGrowth * resp_bytes(items) + kPayloadFixedBytes;
        encoder.list(items, out);
        EXPECT_LE(out.size(), bound) << "list, round " << round;
        std::vector<std::string_view> members = items;
        encoder.set(members, out);
        EXPECT_LE(out.size(), bound) << "set, round " << round;
        encoder.string(items[0], out);
        EXPECT_LE(out.size(), kPayloadGrowth * resp_bytes({items.begin(), 1}) + kPayloadFixedBytes);
        encoder.json(items[0], out);
        EXPECT_LE(out.size(), kPayloadGrowth * resp_bytes({items.begin(), 1}) + kPayloadFixedBytes);
        if (items.size() % 2 == 0) {
          encoder.hash(items, out);
          EXPECT_LE(out.size(), bound) << "hash, round " << round;
        }
      }
    }
  }
}

}  // namespace
}  // namespace polars_redis::rdb
