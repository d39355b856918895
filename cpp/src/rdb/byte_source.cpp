#include "polars_redis/rdb/byte_source.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string_view>
#include <unistd.h>

#include "polars_redis/error.hpp"

namespace polars_redis::rdb {

namespace {

class FileSource final : public ByteSource {
 public:
  FileSource(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~FileSource() override { ::close(fd_); }
  size_t read(char* data, size_t size) override {
    for (;;) {
      const ssize_t n = ::read(fd_, data, size);
      if (n >= 0) return static_cast<size_t>(n);
      if (errno == EINTR) continue;
      throw Error(ErrorKind::kConnection, "cannot read " + describe() + ": " + std::strerror(errno));
    }
  }
  std::string describe() const override { return "RDB file '" + quote_for_message(path_, 400) + "'"; }

 private:
  int fd_;
  std::string path_;
};

class MemorySource final : public ByteSource {
 public:
  MemorySource(std::string_view bytes, size_t chunk) : bytes_(bytes), chunk_(std::max<size_t>(chunk, 1)) {}
  size_t read(char* data, size_t size) override {
    const size_t n = std::min({size, chunk_, bytes_.size()});
    std::memcpy(data, bytes_.data(), n);
    bytes_.remove_prefix(n);
    return n;
  }
  std::string describe() const override { return "RDB bytes"; }

 private:
  std::string_view bytes_;
  size_t chunk_;
};

}  // namespace

std::unique_ptr<ByteSource> open_file_source(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw Error(ErrorKind::kInvalidArgument,
                "cannot open RDB file '" + quote_for_message(path, 400) + "': " + std::strerror(errno));
  }
  return std::make_unique<FileSource>(fd, path);
}

std::unique_ptr<ByteSource> memory_source(std::string_view bytes, size_t chunk) {
  return std::make_unique<MemorySource>(bytes, chunk);
}

}  // namespace polars_redis::rdb
