// Connecting sockets with a deadline, and waiting on them.
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include "transport.hpp"
#include "polars_redis/error.hpp"
#include "polars_redis/net/interrupt.hpp"

namespace polars_redis::net {

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.release();
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

bool wait_for(int fd, short events, Clock::time_point deadline) {
  const uint64_t interrupts = interrupt_count();
  for (;;) {
    throw_if_interrupted(interrupts);
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd entry{fd, events, 0};
    const int timeout = static_cast<int>(std::min<int64_t>(left.count(), kCancelCheck.count()));
    const int ready = ::poll(&entry, 1, timeout);
    if (ready > 0) return true;
    if (ready < 0 && errno != EINTR) {
      throw Error(ErrorKind::kConnection, std::string("poll() failed: ") + std::strerror(errno));
    }
  }
}

namespace {

[[noreturn]] void throw_connect_timeout(const ConnectionOptions& options) {
  throw Error(ErrorKind::kTimeout, "connecting to " + options.endpoint() + " timed out after " +
                                       std::to_string(options.connect_timeout_ms) + " ms");
}

// Starts a non-blocking connect and waits for it; returns 0 or the errno that made it fail.
int connect_one(int fd, const sockaddr* address, socklen_t length,
                const ConnectionOptions& options, Clock::time_point deadline) {
  if (::connect(fd, address, length) == 0) return 0;
  if (errno != EINPROGRESS) return errno;
  if (!wait_for(fd, POLLOUT, deadline)) throw_connect_timeout(options);
  int error = 0;
  socklen_t size = sizeof(error);
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) != 0) return errno;
  return error;
}

UniqueFd new_socket(int family, int protocol) {
  UniqueFd fd(::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol));
  if (fd.get() < 0) {
    throw Error(ErrorKind::kConnection, std::string("socket() failed: ") + std::strerror(errno));
  }
  return fd;
}

[[noreturn]] void throw_cannot_connect(const ConnectionOptions& options, int error) {
  throw Error(ErrorKind::kConnection,
              "cannot connect to " + options.endpoint() + ": " + std::strerror(error));
}

UniqueFd connect_unix(const ConnectionOptions& options, Clock::time_point deadline) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (options.unix_path.size() >= sizeof(address.sun_path)) {
    throw Error(ErrorKind::kInvalidArgument,
                "Unix socket path is too long (" + std::to_string(options.unix_path.size()) +
                    " bytes, at most " + std::to_string(sizeof(address.sun_path) - 1) + ")");
  }
  std::memcpy(address.sun_path, options.unix_path.data(), options.unix_path.size());
  UniqueFd fd = new_socket(AF_UNIX, 0);
  const int error = connect_one(fd.get(), reinterpret_cast<const sockaddr*>(&address),
                                sizeof(address), options, deadline);
  if (error != 0) throw_cannot_connect(options, error);
  return fd;
}

struct AddrInfoDeleter {
  void operator()(addrinfo* list) const { ::freeaddrinfo(list); }
};

UniqueFd connect_tcp(const ConnectionOptions& options, Clock::time_point deadline) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(options.port);
  const int status = ::getaddrinfo(options.host.c_str(), port.c_str(), &hints, &found);
  if (status != 0) {
    throw Error(ErrorKind::kConnection, "cannot resolve host '" + options.host +
                                            "': " + ::gai_strerror(status));
  }
  const std::unique_ptr<addrinfo, AddrInfoDeleter> addresses(found);
  int error = EADDRNOTAVAIL;
  for (const addrinfo* a = addresses.get(); a != nullptr; a = a->ai_next) {
    UniqueFd fd = new_socket(a->ai_family, a->ai_protocol);
    error = connect_one(fd.get(), a->ai_addr, a->ai_addrlen, options, deadline);
    if (error != 0) continue;
    // Pipelined commands are written in bulk; Nagle would only delay the last partial segment.
    const int on = 1;
    ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
    ::setsockopt(fd.get(), SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
    return fd;
  }
  throw_cannot_connect(options, error);
}

}  // namespace

UniqueFd connect_socket(const ConnectionOptions& options, Clock::time_point deadline) {
  return options.unix_path.empty() ? connect_tcp(options, deadline)
                                   : connect_unix(options, deadline);
}

}  // namespace polars_redis::net
