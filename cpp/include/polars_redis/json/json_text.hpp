#pragma once
// JSON text output for writers: string escaping per RFC 8259.
#include <string>
#include <string_view>

namespace polars_redis::json {

// Appends `text` as a quoted JSON string; control characters and quotes escaped, other UTF-8 kept.
void append_json_string(std::string_view text, std::string& out);

// Whether RedisJSON stores the JSON number `number` exactly: integers within [-2^63, 2^64) are
// kept as integers, everything else as a 64-bit double. When not, `stored` gets the value it
// would keep instead.
bool survives_redisjson(std::string_view number, std::string& stored);

}  // namespace polars_redis::json
