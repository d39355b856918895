#pragma once
// Keys from an explicit list (what `_key == "k"` / `_key.is_in([...])` become): duplicates
// dropped, order kept, and only the keys that exist with the reader's type, checked with TYPE
// commands pipelined in chunks.
#include <memory>
#include <string>

#include "polars_redis/read/key_source.hpp"

namespace polars_redis::read {

std::unique_ptr<KeySource> open_key_list_source(const KeySourceOptions& options);

// "<n> named key(s), each checked with TYPE: <the first `shown` keys> ..." (for explain()).
std::string describe_key_list_source(const KeySourceOptions& options, size_t shown = 5);

}  // namespace polars_redis::read
