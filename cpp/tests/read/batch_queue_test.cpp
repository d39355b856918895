#include "polars_redis/read/batch_queue.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "polars_redis/error.hpp"
#include "support/int_batch.hpp"
#include "support/thrown_error.hpp"

namespace polars_redis::read {
namespace {

using test_support::thrown_error;
using test_support::int_batch;

TEST(BatchQueue, DeliversInOrderThenEnds) {
  BatchQueue queue(2);
  std::thread producer([&] {
    for (int64_t rows = 1; rows <= 5; ++rows) ASSERT_TRUE(queue.push(int_batch(rows)));
    queue.close();
  });
  for (int64_t rows = 1; rows <= 5; ++rows) {
    auto batch = queue.pop();
    ASSERT_TRUE(batch.has_value());
    EXPECT_EQ(batch->num_rows(), rows);
  }
  EXPECT_FALSE(queue.pop().has_value());
  producer.join();
}

TEST(BatchQueue, ErrorFollowsTheBatchesBeforeIt) {
  BatchQueue queue(4);
  ASSERT_TRUE(queue.push(int_batch(3)));
  queue.fail(std::make_exception_ptr(Error(ErrorKind::kTimeout, "timed out")));
  EXPECT_EQ(queue.pop()->num_rows(), 3);
  const Error e = thrown_error([&] { queue.pop(); }, "expected the producer's error");
  EXPECT_EQ(e.kind(), ErrorKind::kTimeout);
}

TEST(BatchQueue, CancelUnblocksAFullProducer) {
  BatchQueue queue(1);
  ASSERT_TRUE(queue.push(int_batch(1)));
  bool pushed = true;
  std::thread producer([&] { pushed = queue.push(int_batch(1)); });  // blocks: the queue is full
  queue.cancel();
  producer.join();
  EXPECT_FALSE(pushed);
  EXPECT_TRUE(queue.cancelled());
}

}  // namespace
}  // namespace polars_redis::read
