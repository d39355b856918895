#pragma once
// LZF decompression (the compressor Redis applies to strings of 20+ bytes when rdbcompression is
// on): literal runs and back references into the output already written.
#include <string>
#include <string_view>

namespace polars_redis::rdb {

// Decompresses `compressed` into `out` (replacing it), which must come to exactly
// `expected_size` bytes. Throws Error(kProtocol) on a malformed input.
void lzf_decompress(std::string_view compressed, size_t expected_size, std::string& out);

}  // namespace polars_redis::rdb
