#pragma once
// The byte stream under a Connection: a connected non-blocking socket, plain or TLS. Transfers
// never block; when one cannot move a byte it says which poll() event would let it continue
// (a TLS read can need the socket writable and a TLS write can need it readable).
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "polars_redis/net/url.hpp"

namespace polars_redis::net {

using Clock = std::chrono::steady_clock;

// Bytes moved, or (bytes == 0) the poll() event to wait for before trying again.
struct IoResult {
  size_t bytes = 0;
  short wait = 0;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Both throw Error(kConnection) naming the endpoint when the peer closed or the stream failed.
  virtual IoResult read(char* data, size_t size) = 0;
  virtual IoResult write(const char* data, size_t size) = 0;
  virtual int fd() const = 0;
};

// Owns a file descriptor.
class UniqueFd {
 public:
  explicit UniqueFd(int fd = -1) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();
  int get() const { return fd_; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

// Waits until `fd` reports one of `events` (or an error/hangup, which the next transfer reports).
// Returns false once `deadline` has passed.
bool wait_for(int fd, short events, Clock::time_point deadline);

// A connected non-blocking TCP (TCP_NODELAY, SO_KEEPALIVE) or Unix stream socket. Tries every
// address the host resolves to before `deadline`; kTimeout when it passes, kConnection otherwise.
UniqueFd connect_socket(const ConnectionOptions& options, Clock::time_point deadline);

std::unique_ptr<Transport> make_socket_transport(UniqueFd fd, std::string endpoint);

// Runs the TLS handshake (verification per options.tls) before `deadline`.
std::unique_ptr<Transport> make_tls_transport(UniqueFd fd, const ConnectionOptions& options,
                                              Clock::time_point deadline);

}  // namespace polars_redis::net
