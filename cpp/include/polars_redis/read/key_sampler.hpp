#pragma once
// Collects up to N distinct keys of one type matching a pattern (SCAN ... TYPE), for inference.
#include <string>
#include <vector>

#include "polars_redis/net/connection.hpp"

namespace polars_redis::read {

std::vector<std::string> sample_keys(net::Connection& conn, const std::string& pattern, const std::string& type,
                                     int64_t sample_size);

}  // namespace polars_redis::read
