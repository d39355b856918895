#pragma once
// A sorted-set score as the server writes it into a listpack (d2string): integral values as
// integers (which the listpack then stores as integers), others as text that reads back as the
// same double. The text differs by version: Redis 7.0 (RDB 10) prints "%.17g", 7.2 on (RDB 11+)
// the shortest round-trip digits (fpconv).
#include <string>

namespace polars_redis::rdb {

// `value` must not be NaN.
void append_score_text(double value, int rdb_version, std::string& out);

}  // namespace polars_redis::rdb
