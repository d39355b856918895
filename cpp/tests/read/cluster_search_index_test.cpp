#include "polars_redis/read/cluster_search_index.hpp"

#include <gtest/gtest.h>

namespace polars_redis::read {
namespace {

net::ClusterShard shard_of(int first, int last) {
  net::ClusterShard shard;
  shard.slots = {{first, last}};
  return shard;
}

TEST(ClusterSearchIndex, PlainNameOnItsOwnShardTaggedElsewhere) {
  const std::string name = "idx:users";
  const int slot = net::key_slot(name);
  EXPECT_EQ(shard_index_name(name, shard_of(slot, slot)), name);
  // Another shard gets "{tag}name" whose slot (the tag's) it serves.
  const net::ClusterShard other = shard_of(slot == 0 ? 1 : 0, slot == 0 ? 16383 : slot - 1);
  const std::string tagged = shard_index_name(name, other);
  ASSERT_TRUE(tagged.starts_with("{") && tagged.ends_with("}" + name)) << tagged;
  EXPECT_TRUE(serves_slot(other, net::key_slot(tagged)));
  // A name with braces of its own still gets a slot of the shard: the tag comes first.
  const std::string braced = shard_index_name("idx{x}", shard_of(5, 5));
  EXPECT_EQ(net::key_slot(braced), 5);
}

TEST(ClusterSearchIndex, ServesSlotChecksEveryRange) {
  net::ClusterShard shard;
  shard.slots = {{0, 10}, {100, 200}};
  EXPECT_TRUE(serves_slot(shard, 0));
  EXPECT_TRUE(serves_slot(shard, 150));
  EXPECT_FALSE(serves_slot(shard, 11));
  EXPECT_FALSE(serves_slot(shard, 201));
}

}  // namespace
}  // namespace polars_redis::read
