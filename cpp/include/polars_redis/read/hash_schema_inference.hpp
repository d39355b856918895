#pragma once
// infer_hash_schema: sample hashes with a pipelined SCAN + HGETALL and infer one dtype per field.
#include <string>
#include <utility>
#include <vector>

#include "polars_redis/convert/dtype.hpp"
#include "polars_redis/net/url.hpp"

namespace polars_redis::read {

// Fields in the order first seen across the sampled hashes. With type_inference off every field
// is String.
std::vector<std::pair<std::string, DataType>> infer_hash_schema(const net::ConnectionOptions& connection,
                                                                const std::string& pattern, int64_t sample_size,
                                                                bool type_inference);

}  // namespace polars_redis::read
