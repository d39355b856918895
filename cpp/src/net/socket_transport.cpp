// A plain TCP or Unix socket.
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "polars_redis/error.hpp"
#include "transport.hpp"

namespace polars_redis::net {
namespace {

class SocketTransport final : public Transport {
 public:
  SocketTransport(UniqueFd fd, std::string endpoint)
      : fd_(std::move(fd)), endpoint_(std::move(endpoint)) {}

  IoResult read(char* data, size_t size) override {
    for (;;) {
      const ssize_t n = ::recv(fd_.get(), data, size, 0);
      if (n > 0) return {static_cast<size_t>(n), 0};
      if (n == 0) throw Error(ErrorKind::kConnection, "connection closed by " + endpoint_);
      if (errno == EAGAIN || errno == EWOULDBLOCK) return {0, POLLIN};
      if (errno != EINTR) fail("reading from");
    }
  }

  IoResult write(const char* data, size_t size) override {
    for (;;) {
      // MSG_NOSIGNAL: a peer that went away is an error to report, not a SIGPIPE for the process.
      const ssize_t n = ::send(fd_.get(), data, size, MSG_NOSIGNAL);
      if (n >= 0) return {static_cast<size_t>(n), n > 0 ? short{0} : short{POLLOUT}};
      if (errno == EAGAIN || errno == EWOULDBLOCK) return {0, POLLOUT};
      if (errno != EINTR) fail("writing to");
    }
  }

  int fd() const override { return fd_.get(); }

 private:
  [[noreturn]] void fail(const char* what) const {
    throw Error(ErrorKind::kConnection,
                std::string(what) + " " + endpoint_ + " failed: " + std::strerror(errno));
  }

  UniqueFd fd_;
  std::string endpoint_;
};

}  // namespace

std::unique_ptr<Transport> make_socket_transport(UniqueFd fd, std::string endpoint) {
  return std::make_unique<SocketTransport>(std::move(fd), std::move(endpoint));
}

}  // namespace polars_redis::net
