#pragma once
// Test support: record batches handed over as an Arrow C stream, the way Polars hands a
// DataFrame to a writer (DataFrame.__arrow_c_stream__), for the code that reads such streams.
#include <cerrno>
#include <utility>
#include <vector>

#include "polars_redis/arrow/c_data.hpp"
#include "polars_redis/arrow/record_batch.hpp"

namespace polars_redis::test_support {

// Owns exported batches until the stream hands them out; ArrowArrayStream::private_data.
struct BatchStreamState {
  std::vector<std::pair<ArrowSchema, ArrowArray>> batches;
  size_t next = 0;
  bool schema_taken = false;

  ~BatchStreamState() {
    for (size_t i = 0; i < batches.size(); ++i) {
      auto& [schema, array] = batches[i];
      if ((i > 0 || !schema_taken) && schema.release != nullptr) schema.release(&schema);
      if (i >= next && array.release != nullptr) array.release(&array);
    }
  }
};

// A stream of `batches` (all of the same schema; at least one). The caller owns the stream.
inline ArrowArrayStream batch_stream(std::vector<arrow::RecordBatch> batches) {
  auto* state = new BatchStreamState;
  for (arrow::RecordBatch& batch : batches) {
    state->batches.emplace_back();
    batch.export_to(&state->batches.back().first, &state->batches.back().second);
  }
  ArrowArrayStream stream{};
  stream.private_data = state;
  stream.get_schema = [](ArrowArrayStream* self, ArrowSchema* out) {
    auto* s = static_cast<BatchStreamState*>(self->private_data);
    if (s->schema_taken || s->batches.empty()) return EINVAL;
    s->schema_taken = true;
    *out = s->batches[0].first;
    s->batches[0].first.release = nullptr;
    return 0;
  };
  stream.get_next = [](ArrowArrayStream* self, ArrowArray* out) {
    auto* s = static_cast<BatchStreamState*>(self->private_data);
    if (s->next == s->batches.size()) {
      out->release = nullptr;  // the end of the stream
      return 0;
    }
    *out = s->batches[s->next].second;
    s->batches[s->next++].second.release = nullptr;
    return 0;
  };
  stream.get_last_error = [](ArrowArrayStream*) -> const char* { return nullptr; };
  stream.release = [](ArrowArrayStream* self) {
    delete static_cast<BatchStreamState*>(self->private_data);
    self->release = nullptr;
  };
  return stream;
}

}  // namespace polars_redis::test_support
