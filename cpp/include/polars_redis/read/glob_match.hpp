#pragma once
// Redis glob patterns (KEYS, SCAN MATCH): the same answers as the server's own matcher, so a key
// list or search result filtered here keeps exactly the keys a SCAN MATCH would have returned.
//   *  any run of bytes     ?  one byte     [abc] [^abc] [a-z]  one byte in / not in the class
//   \x the byte x literally (also inside a class)
// Binary safe. Runs of '*' are collapsed and a failed tail match stops the search, so patterns
// like "*a*a*a*b" cost polynomial time, never exponential.
#include <string_view>

namespace polars_redis::read {

bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace polars_redis::read
