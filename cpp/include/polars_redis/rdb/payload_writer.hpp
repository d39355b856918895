#pragma once
// The primitives of a DUMP / RESTORE payload: RDB length and string encodings, and the trailer
// (RDB version and CRC64) that the server checks before it loads anything.
#include <cstdint>
#include <string>
#include <string_view>

namespace polars_redis::rdb {

// The low `bytes` bytes of `value`, little endian (listpack, intset and trailer fields).
void append_le(std::string& out, uint64_t value, int bytes);

// 6, 14, 32 or 64 bits, big endian (rdbSaveLen).
void append_length(std::string& out, uint64_t length);
// A string as the server saves one: an integer that fits 32 bits and reads back as the same text
// in its integer encoding, anything else length-prefixed (never compressed: LZF is optional).
void append_string(std::string& out, std::string_view value);
// A double as 8 little-endian bytes (ZSET_2 scores).
void append_binary_double(std::string& out, double value);
// Ends the payload: the RDB version (2 bytes) and the CRC64 of everything before (8 bytes).
void append_trailer(std::string& out, int rdb_version);

}  // namespace polars_redis::rdb
