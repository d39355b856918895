#include "polars_redis/read/key_queue.hpp"

#include <gtest/gtest.h>

#include <string>

namespace polars_redis::read {
namespace {

TEST(KeyQueue, FifoOrderAndRandomAccess) {
  KeyQueue queue;
  EXPECT_TRUE(queue.empty());
  queue.push("a");
  queue.push("");
  queue.push("user:123");
  ASSERT_EQ(queue.size(), 3u);
  EXPECT_EQ(queue.at(0), "a");
  EXPECT_EQ(queue.at(1), "");
  EXPECT_EQ(queue.at(2), "user:123");
  queue.pop();
  EXPECT_EQ(queue.front(), "");
  queue.pop();
  EXPECT_EQ(queue.front(), "user:123");
  queue.pop();
  EXPECT_TRUE(queue.empty());
}

TEST(KeyQueue, InterleavedPushPopAcrossCompactions) {
  // Push and pop far more keys than the compaction threshold, always checking the FIFO contract.
  KeyQueue queue;
  size_t next_push = 0, next_pop = 0;
  for (int round = 0; round < 50; ++round) {
    for (int i = 0; i < 3000; ++i) queue.push("key:" + std::to_string(next_push++));
    for (int i = 0; i < 2500; ++i) {
      ASSERT_EQ(queue.front(), "key:" + std::to_string(next_pop++));
      queue.pop();
    }
    ASSERT_EQ(queue.size(), next_push - next_pop);
    ASSERT_EQ(queue.at(queue.size() - 1), "key:" + std::to_string(next_push - 1));
  }
}

TEST(KeyQueue, BinaryKeys) {
  KeyQueue queue;
  std::string key("a\0b\xff", 4);
  queue.push(key);
  EXPECT_EQ(queue.front(), key);
}

}  // namespace
}  // namespace polars_redis::read
