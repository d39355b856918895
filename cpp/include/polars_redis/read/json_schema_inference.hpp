#pragma once
// infer_json_schema: sample RedisJSON documents (SCAN ... TYPE ReJSON-RL, then one pipelined burst
// of JSON.GET key $) and merge their shapes (json/schema_inference.hpp).
#include <string>
#include <utility>
#include <vector>

#include "polars_redis/convert/dtype.hpp"
#include "polars_redis/net/url.hpp"

namespace polars_redis::read {

std::vector<std::pair<std::string, DataType>> infer_json_schema(const net::ConnectionOptions& connection,
                                                                const std::string& pattern, int64_t sample_size);

}  // namespace polars_redis::read
