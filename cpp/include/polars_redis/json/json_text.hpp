#pragma once
// JSON text output for writers: string escaping per RFC 8259.
#include <string>
#include <string_view>

namespace polars_redis::json {

// Appends `text` as a quoted JSON string; control characters and quotes escaped, other UTF-8 kept.
void append_json_string(std::string_view text, std::string& out);

}  // namespace polars_redis::json
