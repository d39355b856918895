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

}  // namespace
}  // namespace polars_redis::net
