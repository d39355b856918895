#include "polars_redis/read/background_reader.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include "polars_redis/error.hpp"
#include "support/arrow_reading.hpp"
#include "support/int_batch.hpp"
#include "support/thrown_error.hpp"

namespace polars_redis::read {
namespace {

using test_support::int_batch;
using test_support::thrown_error;

// The number of rows in each batch the reader hands out, until its end.
std::vector<int64_t> drain(BackgroundReader& reader) {
  std::vector<int64_t> rows;
  while (auto batch = reader.next()) rows.push_back(batch->num_rows());
  return rows;
}

// A producer that fails with `failure` on its first `failing` calls (after pushing `before`
// batches), then pushes batches of 1, 2 and 3 rows; `calls` counts its calls.
BackgroundReader::Produce flaky(std::atomic<int>& calls, int failing, ErrorKind failure, int before = 0) {
  return [&calls, failing, failure, before](BatchQueue& queue) {
    if (calls++ < failing) {
      for (int i = 0; i < before; ++i) queue.push(int_batch(10));
      throw Error(failure, "cannot reach 127.0.0.1:1");
    }
    for (int64_t rows = 1; rows <= 3; ++rows) queue.push(int_batch(rows));
  };
}

TEST(BackgroundReader, RestartsAConnectionFailureBeforeTheFirstBatch) {
  for (ErrorKind kind : {ErrorKind::kConnection, ErrorKind::kTimeout}) {
    std::atomic<int> calls = 0;
    BackgroundReader reader(flaky(calls, 2, kind), /*restarts=*/2);
    EXPECT_EQ(drain(reader), (std::vector<int64_t>{1, 2, 3}));
    EXPECT_EQ(calls, 3);
  }
}

TEST(BackgroundReader, GivesUpWhenTheRestartsAreSpent) {
  std::atomic<int> calls = 0;
  BackgroundReader reader(flaky(calls, 3, ErrorKind::kConnection), /*restarts=*/2);
  const Error error = thrown_error([&] { drain(reader); });
  EXPECT_EQ(error.kind(), ErrorKind::kConnection);
  EXPECT_STREQ(error.what(), "cannot reach 127.0.0.1:1");
  EXPECT_EQ(calls, 3);
}

TEST(BackgroundReader, NeverRestartsWithoutRestarts) {
  std::atomic<int> calls = 0;
  BackgroundReader reader(flaky(calls, 1, ErrorKind::kTimeout), /*restarts=*/0);
  EXPECT_EQ(thrown_error([&] { drain(reader); }).kind(), ErrorKind::kTimeout);
  EXPECT_EQ(calls, 1);
}

TEST(BackgroundReader, OtherErrorsAreNotRestarted) {
  for (ErrorKind kind : {ErrorKind::kResponse, ErrorKind::kAuthentication, ErrorKind::kSchema,
                         ErrorKind::kProtocol, ErrorKind::kInvalidArgument}) {
    std::atomic<int> calls = 0;
    BackgroundReader reader(flaky(calls, 1, kind), /*restarts=*/3);
    EXPECT_EQ(thrown_error([&] { drain(reader); }).kind(), kind);
    EXPECT_EQ(calls, 1);
  }
}

TEST(BackgroundReader, AFailureAfterABatchIsNotRestarted) {
  // The batch pushed before the failure may be in the consumer's hands: a restart would repeat it.
  std::atomic<int> calls = 0;
  BackgroundReader reader(flaky(calls, 1, ErrorKind::kConnection, /*before=*/1), /*restarts=*/3);
  auto first = reader.next();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->num_rows(), 10);
  EXPECT_EQ(thrown_error([&] { reader.next(); }).kind(), ErrorKind::kConnection);
  EXPECT_EQ(calls, 1);
}

TEST(BackgroundReader, NumbersRowsInTheOrderTheConsumerTakesThem) {
  std::atomic<int> calls = 0;
  BackgroundReader reader(flaky(calls, 1, ErrorKind::kConnection), /*restarts=*/1, RowNumbering("_index", 5));
  std::vector<int64_t> first_numbers;
  while (auto batch = reader.next()) {
    ASSERT_EQ(batch->num_columns(), 2u);  // the index in front of the producer's column
    ArrowSchema schema;
    ArrowArray array;
    batch->export_to(&schema, &array);
    first_numbers.push_back(array.length ? test_support::value_at<uint32_t>(*array.children[0], 0) : -1);
    array.release(&array);
    schema.release(&schema);
  }
  // Batches of 1, 2 and 3 rows, after a restart that produced nothing: numbers 5, 6-7, 8-10.
  EXPECT_EQ(first_numbers, (std::vector<int64_t>{5, 6, 8}));
}

}  // namespace
}  // namespace polars_redis::read
