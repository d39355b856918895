#include "polars_redis/net/connection.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <vector>
#include <cstring>

#include "polars_redis/error.hpp"
#include "polars_redis/net/interrupt.hpp"
#include "polars_redis/resp/encoder.hpp"
#include "transport.hpp"

namespace polars_redis::net {
namespace {

// Each read asks the kernel for at least this much, so a fast stream costs few system calls.
constexpr size_t kReadChunk = size_t{256} * 1024;
// An emptied input buffer larger than this is released, so that one huge reply does not pin
// its memory for the life of the connection.
constexpr size_t kKeptInputCapacity = size_t{16} * 1024 * 1024;
// Sent bytes are dropped from the front of the output buffer once there are this many and they
// make up half of it, so a pipeline that is refilled before it drains stays bounded.
constexpr size_t kCompactOutputAt = size_t{64} * 1024;

void check_options(const ConnectionOptions& options) {
  const char* problem = nullptr;
  if (options.connect_timeout_ms <= 0) problem = "connect_timeout must be > 0";
  if (options.socket_timeout_ms <= 0) problem = "socket_timeout must be > 0";
  if (options.protocol != 0 && options.protocol != 2 && options.protocol != 3) {
    problem = "protocol must be 2 or 3";
  }
  if (options.db < 0) problem = "db must be >= 0";
  if (problem != nullptr) throw Error(ErrorKind::kInvalidArgument, problem);
}

}  // namespace

Connection::Connection(const ConnectionOptions& options) : options_(options) {}

Connection::~Connection() = default;

std::unique_ptr<Connection> Connection::open(const ConnectionOptions& options) {
  check_options(options);
  std::unique_ptr<Connection> connection(new Connection(options));
  const auto deadline = Clock::now() + std::chrono::milliseconds(options.connect_timeout_ms);
  UniqueFd fd = connect_socket(options, deadline);
  connection->transport_ = options.tls.enabled
                               ? make_tls_transport(std::move(fd), options, deadline)
                               : make_socket_transport(std::move(fd), options.endpoint());
  connection->open_deadline_ = deadline;
  connection->handshake();
  connection->open_deadline_.reset();
  return connection;
}

void Connection::release_reply() {
  if (!reply_outstanding_) return;
  in_start_ += parser_.consumed();
  parser_.reset();
  reply_outstanding_ = false;
}

std::optional<resp::Reply> Connection::next_reply() {
  check_usable();
  release_reply();
  try {
    while (in_start_ < in_end_) {
      if (parser_.feed(in_.get() + in_start_, in_end_ - in_start_) ==
          resp::ReplyParser::Status::kIncomplete) {
        return std::nullopt;
      }
      resp::Reply reply = parser_.reply(in_.get() + in_start_);
      reply_outstanding_ = true;
      // Out-of-band pushes (client tracking, keyspace notifications) would put the replies out
      // of step with the commands that asked for them.
      if (reply.root().type() != resp::Type::kPush) {
        ++replies_;
        reply_bytes_ += parser_.consumed();
        return reply;
      }
      release_reply();
    }
  } catch (...) {
    broken_ = true;
    throw;
  }
  return std::nullopt;
}

void Connection::make_room() {
  // Only called with no reply handed out, so moving the unparsed bytes invalidates nothing.
  const size_t unparsed = in_end_ - in_start_;
  if (unparsed == 0) {
    in_start_ = in_end_ = 0;
    if (in_capacity_ > kKeptInputCapacity) {
      in_.reset();
      in_capacity_ = 0;
    }
  }
  if (in_capacity_ - in_end_ >= kReadChunk) return;
  if (in_capacity_ - unparsed >= kReadChunk) {
    std::memmove(in_.get(), in_.get() + in_start_, unparsed);
  } else {
    // Doubling keeps the copies of a reply that spans many reads linear in its size.
    const size_t capacity = std::max(2 * in_capacity_, unparsed + kReadChunk);
    auto grown = std::make_unique_for_overwrite<char[]>(capacity);
    if (unparsed != 0) std::memcpy(grown.get(), in_.get() + in_start_, unparsed);
    in_ = std::move(grown);
    in_capacity_ = capacity;
  }
  in_start_ = 0;
  in_end_ = unparsed;
}

template <typename Step>
auto Connection::guarded(Step step) -> decltype(step()) {
  try {
    return step();
  } catch (const Interrupted&) {
    // A wait given up between transfers leaves the stream in step: the replies still due arrive
    // in order (a cancelled reader reads them to release its cursor); until then the connection is
    // not idle, so the pool does not hand it out.
    throw;
  } catch (...) {
    broken_ = true;
    throw;
  }
}

void Connection::pump() {
  check_usable();
  release_reply();
  guarded([&] {
    auto deadline = Clock::now() + std::chrono::milliseconds(options_.socket_timeout_ms);
    if (open_deadline_) deadline = std::min(deadline, *open_deadline_);
    while (!transfer_available()) {
      if (!wait_for(transport_->fd(), wait_events_, deadline)) throw_timeout();
    }
  });
}

bool Connection::try_pump() {
  check_usable();
  release_reply();
  return guarded([&] { return transfer_available(); });
}

void Connection::wait_any(std::span<Connection* const> connections) {
  std::vector<pollfd> entries;
  int timeout_ms = INT_MAX;
  for (Connection* conn : connections) {
    entries.push_back(pollfd{conn->transport_->fd(), conn->wait_events_, 0});
    timeout_ms = std::min(timeout_ms, conn->options_.socket_timeout_ms);
  }
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  const uint64_t interrupts = interrupt_count();
  for (;;) {
    throw_if_interrupted(interrupts);  // leaves the connections in step (see guarded())
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      for (Connection* conn : connections) conn->broken_ = true;
      connections.front()->throw_timeout();
    }
    const int ready = ::poll(entries.data(), entries.size(),
                             static_cast<int>(std::min<int64_t>(left, kCancelCheck.count())));
    if (ready > 0) return;
    if (ready < 0 && errno != EINTR) {
      throw Error(ErrorKind::kConnection, std::string("poll() failed: ") + std::strerror(errno));
    }
  }
}

void Connection::throw_timeout() const {
  if (open_deadline_ && Clock::now() >= *open_deadline_) {
    throw Error(ErrorKind::kTimeout, "connecting to " + options_.endpoint() + " timed out after " +
                                         std::to_string(options_.connect_timeout_ms) +
                                         " ms (no answer to the handshake)");
  }
  throw Error(ErrorKind::kTimeout, std::string(pending_output() > 0 ? "sending to " : "waiting for a reply from ") +
                                       options_.endpoint() + " timed out after " +
                                       std::to_string(options_.socket_timeout_ms) + " ms");
}

namespace {

// Reads the decimal number of a "*<n>\r\n" or "$<n>\r\n" header at `pos`; nullopt when the
// header is not complete yet.
std::optional<size_t> read_header(std::string_view out, size_t& pos) {
  const size_t end = out.find('\r', pos);
  if (end == std::string_view::npos || end + 1 >= out.size()) return std::nullopt;
  size_t value = 0;
  for (size_t i = pos + 1; i < end; ++i) value = value * 10 + static_cast<size_t>(out[i] - '0');
  pos = end + 2;
  return value;
}

}  // namespace

size_t count_commands(std::string_view out, size_t& pos) {
  size_t commands = 0;
  while (pos < out.size()) {
    size_t at = pos;
    std::optional<size_t> args = read_header(out, at);
    if (!args) break;
    bool complete = true;
    for (size_t i = 0; i < *args && complete; ++i) {
      std::optional<size_t> length = at < out.size() ? read_header(out, at) : std::nullopt;
      complete = length && at + *length + 2 <= out.size();
      if (complete) at += *length + 2;
    }
    if (!complete) break;
    pos = at;
    ++commands;
  }
  return commands;
}

void Connection::count_commands() { commands_ += net::count_commands(out_, out_counted_); }

size_t Connection::replies_pending() {
  count_commands();
  return commands_ - replies_;
}

bool Connection::idle() {
  release_reply();
  return !broken_ && pending_output() == 0 && in_start_ == in_end_ && replies_pending() == 0;
}

bool Connection::peer_alive() {
  if (broken_) return false;
  char byte = 0;
  const ssize_t got = ::recv(transport_->fd(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  // No byte is due on an idle connection: one means a close notice (TLS) or stray data.
  return got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

bool Connection::send_available(short& wait) {
  count_commands();
  bool moved = false;
  while (out_sent_ < out_.size()) {
    const IoResult sent = transport_->write(out_.data() + out_sent_, out_.size() - out_sent_);
    if (sent.bytes == 0) {
      wait |= sent.wait;
      break;
    }
    out_sent_ += sent.bytes;
    moved = true;
  }
  if (out_sent_ == out_.size()) {
    out_.clear();
    out_sent_ = 0;
    out_counted_ = 0;
  } else if (out_sent_ >= kCompactOutputAt && 2 * out_sent_ >= out_.size()) {
    out_.erase(0, out_sent_);
    out_counted_ -= std::min(out_counted_, out_sent_);
    out_sent_ = 0;
  }
  return moved;
}

void Connection::try_send() {
  check_usable();
  short ignored = 0;  // the next pump() works out what to wait for
  guarded([&] { return send_available(ignored); });
}

bool Connection::transfer_available() {
  short wait = 0;
  bool moved = send_available(wait);
  // Reading is always tried before waiting: bytes that TLS already decrypted (SSL_pending)
  // are invisible to poll(). Stops when the buffer is full so the caller can parse first.
  make_room();
  while (in_end_ < in_capacity_) {
    const IoResult got = transport_->read(in_.get() + in_end_, in_capacity_ - in_end_);
    if (got.bytes == 0) {
      wait |= got.wait;
      break;
    }
    in_end_ += got.bytes;
    moved = true;
  }
  wait_events_ = wait;
  return moved;
}

size_t Connection::read_raw(char* data, size_t size) {
  check_usable();
  release_reply();
  while (in_end_ == in_start_) pump();
  const size_t n = std::min(size, in_end_ - in_start_);
  std::memcpy(data, in_.get() + in_start_, n);
  in_start_ += n;
  return n;
}

void Connection::flush() {
  while (pending_output() > 0) pump();
}

resp::Reply Connection::read_reply() {
  flush();
  for (;;) {
    if (std::optional<resp::Reply> reply = next_reply()) return *reply;
    pump();
  }
}

resp::Reply Connection::command(std::span<const std::string_view> args) {
  check_usable();
  resp::append_command(out_, args);
  return read_reply();
}

resp::Reply Connection::command(std::initializer_list<std::string_view> args) {
  return command(std::span<const std::string_view>(args.begin(), args.size()));
}

void Connection::check_usable() const {
  if (broken_) {
    throw Error(ErrorKind::kConnection,
                "the connection to " + options_.endpoint() + " is broken by an earlier error");
  }
}

}  // namespace polars_redis::net
