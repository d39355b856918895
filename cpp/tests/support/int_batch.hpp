#pragma once
// Test support: a one-column batch of `rows` Int64 values 0, 1, ..., for code that only moves
// batches around (queues, readers) and checks which batch arrived by its length.
#include <cstdint>

#include "polars_redis/arrow/record_batch.hpp"

namespace polars_redis::test_support {

inline arrow::RecordBatch int_batch(int64_t rows) {
  arrow::BatchBuilder builder;
  auto& column = builder.add_column("x", DataType::of(TypeId::kInt64));
  for (int64_t i = 0; i < rows; ++i) column.append_int64(i);
  return builder.finish();
}

}  // namespace polars_redis::test_support
