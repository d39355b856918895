#pragma once
// JSON text output for writers: string escaping per RFC 8259.
#include <optional>
#include <string>
#include <string_view>

namespace polars_redis::json {

// Appends `text` as a quoted JSON string; control characters and quotes escaped, other UTF-8 kept.
void append_json_string(std::string_view text, std::string& out);

// RedisJSON parses numbers with serde_json's fast path, which is not correctly rounded: the
// digits as a u64 (digits beyond its range dropped), then one multiplication or division by a
// power of ten; about one double in ten comes out one unit in the last place off. This is that
// computation (nullopt: out of range, which RedisJSON refuses).
std::optional<double> redisjson_double(std::string_view number);

// Whether RedisJSON stores the JSON number `number` (a decimal numeral) exactly: integers within
// [-2^63, 2^64) are kept as integers, everything else as the double above. When not, `stored`
// gets the value it would keep instead.
bool survives_redisjson(std::string_view number, std::string& stored);

// Appends a JSON number that RedisJSON stores as exactly `value` (finite): its shortest form
// when that parses right, else a nearby 17-19 digit form that does. False (nothing appended)
// when none does (a few percent of doubles: serde cannot produce them from any digits).
bool append_redisjson_double(double value, std::string& out);

}  // namespace polars_redis::json
