#pragma once
// Keys from SCAN MATCH <pattern> COUNT <n> [TYPE <t>].
#include <memory>
#include <string>

#include "polars_redis/read/key_source.hpp"

namespace polars_redis::read {

std::unique_ptr<KeySource> open_scan_key_source(const KeySourceOptions& options);

// The SCAN command the source repeats, with <cursor> for the cursor (for explain()).
std::string describe_scan_key_source(const KeySourceOptions& options);

}  // namespace polars_redis::read
