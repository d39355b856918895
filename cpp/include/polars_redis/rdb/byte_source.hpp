#pragma once
// Where the bytes of an RDB come from: a file, or a replica link's payload. The decoder pulls
// from a source a buffer at a time, so a snapshot of any size is parsed in bounded memory.
#include <cstddef>
#include <memory>
#include <string>

namespace polars_redis::rdb {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Copies up to `size` bytes into `data`; 0 only at the end of the RDB.
  virtual size_t read(char* data, size_t size) = 0;
  // Names the source in error messages ("file 'dump.rdb'", "snapshot from 127.0.0.1:6379").
  virtual std::string describe() const = 0;
};

// Opens an RDB file for reading; Error(kInvalidArgument) naming the path when it cannot.
std::unique_ptr<ByteSource> open_file_source(const std::string& path);

// A source over bytes the caller keeps alive (tests, the fuzz target).
std::unique_ptr<ByteSource> memory_source(std::string_view bytes, size_t chunk = SIZE_MAX);

}  // namespace polars_redis::rdb
