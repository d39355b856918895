#include "polars_redis/net/cluster_slot.hpp"

#include <gtest/gtest.h>

namespace polars_redis::net {
namespace {

TEST(ClusterSlot, Crc16KnownVectors) {
  // The check value of CRC-16/XMODEM, also the example in the Redis Cluster specification.
  EXPECT_EQ(crc16("123456789"), 0x31C3);
  EXPECT_EQ(crc16(""), 0x0000);
  EXPECT_EQ(crc16("A"), 0x58E5);
}

TEST(ClusterSlot, SlotsMatchRedis) {
  // Values from CLUSTER KEYSLOT on a Redis 7 server.
  EXPECT_EQ(key_slot("foo"), 12182);
  EXPECT_EQ(key_slot("bar"), 5061);
  EXPECT_EQ(key_slot("123456789"), 0x31C3 % 16384);
}

TEST(ClusterSlot, HashTags) {
  EXPECT_EQ(hash_tag("{user1000}.following"), "user1000");
  EXPECT_EQ(key_slot("{user1000}.following"), key_slot("{user1000}.followers"));
  EXPECT_EQ(key_slot("{user1000}.following"), key_slot("user1000"));
  // Only the first '{' counts, and the first '}' after it.
  EXPECT_EQ(hash_tag("foo{bar}{zap}"), "bar");
  EXPECT_EQ(hash_tag("foo{{bar}}zap"), "{bar");
  // An empty tag or no closing brace: the whole key is hashed.
  EXPECT_EQ(hash_tag("foo{}{bar}"), "foo{}{bar}");
  EXPECT_EQ(hash_tag("foo{bar"), "foo{bar");
  EXPECT_EQ(hash_tag("}foo{"), "}foo{");
  EXPECT_EQ(hash_tag("a}{b}"), "b");
}

TEST(ClusterSlot, SlotRangesRoundTripInNormalForm) {
  // Unsorted, overlapping and adjacent ranges normalize to one list per set of slots.
  EXPECT_EQ(normalize_slot_ranges({{100, 200}, {0, 10}, {11, 20}, {150, 300}}),
            (SlotRanges{{0, 20}, {100, 300}}));
  EXPECT_EQ(format_slot_ranges({{5461, 10922}, {7, 7}}), "7,5461-10922");
  EXPECT_EQ(parse_slot_ranges("7,5461-10922"), (SlotRanges{{7, 7}, {5461, 10922}}));
  EXPECT_EQ(parse_slot_ranges("0-10,11-16383"), (SlotRanges{{0, 16383}}));
  const SlotRanges sample{{0, 0}, {3, 9}, {12, 12}, {16000, 16383}};
  EXPECT_EQ(parse_slot_ranges(format_slot_ranges(sample)), sample);
  for (const char* bad : {"", ",", "1,", ",1", "-", "1-", "-1", "5-4", "16384", "0-16384", "a", "1-2-3", " 1", "1 "}) {
    EXPECT_EQ(parse_slot_ranges(bad), std::nullopt) << "'" << bad << "'";
  }
}

}  // namespace
}  // namespace polars_redis::net
