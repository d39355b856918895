#pragma once
// Keys from SCAN MATCH <pattern> COUNT <n> [TYPE <t>].
#include <memory>

#include "polars_redis/read/key_source.hpp"

namespace polars_redis::read {

std::unique_ptr<KeySource> open_scan_key_source(const KeySourceOptions& options);

}  // namespace polars_redis::read
