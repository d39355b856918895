#pragma once
// Fills C Data Interface structs whose private data owns everything they point to, so a single
// release call (made by the consumer, or by a parent for its children) frees it exactly once.
#include <cstdint>
#include <string>
#include <vector>

#include "polars_redis/arrow/buffer.hpp"
#include "polars_redis/arrow/c_data.hpp"

namespace polars_redis::arrow::detail {

// `buffers[0]` is the validity bitmap: exported as null when empty. Other empty buffers are
// exported as a pointer to static zeroed memory, since consumers may dereference them.
void export_array(ArrowArray* out, int64_t length, int64_t null_count, std::vector<Buffer> buffers,
                  std::vector<ArrowArray> children = {});

void export_schema(ArrowSchema* out, std::string format, std::string name, int64_t flags,
                   std::vector<ArrowSchema> children = {});

}  // namespace polars_redis::arrow::detail
