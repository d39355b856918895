#pragma once
// UTF-8 validity: whether bytes from Redis can go into a String column or a Python str.
#include <string_view>

namespace polars_redis::convert {

bool is_utf8(std::string_view text);

}  // namespace polars_redis::convert
