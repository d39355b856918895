#pragma once
// CRC-64/Jones as Redis computes it (reflected polynomial 0xad93d23594c935a9, initial value 0, no
// final xor): the checksum that ends an RDB file and every DUMP / RESTORE payload.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace polars_redis::rdb {

// Continues `crc` over `size` more bytes; start with 0. Eight bytes a step (slicing-by-8), since
// snapshot files of gigabytes and every restored key pass through it.
uint64_t crc64(uint64_t crc, const void* data, size_t size);

inline uint64_t crc64(std::string_view bytes) { return crc64(0, bytes.data(), bytes.size()); }

}  // namespace polars_redis::rdb
