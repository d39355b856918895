#pragma once
// One Redis connection: TCP, Unix socket or TLS, non-blocking underneath so that one thread can
// keep a deep pipeline in flight (write while replies stream back) with bounded waits.
//
// Buffers: outgoing commands are appended to out_buffer() and sent by flush()/pump(); incoming
// bytes are parsed in place. A Reply returned by next_reply()/read_reply() stays valid until the
// next call to next_reply(), read_reply(), pump() or command(), whichever comes first.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <initializer_list>
#include <span>

#include "polars_redis/net/url.hpp"
#include "polars_redis/resp/parser.hpp"

namespace polars_redis::net {

class Transport;  // socket or TLS stream, defined in the .cpp files

class Connection {
 public:
  // Connects, then HELLO 3 with AUTH/SETNAME (falling back to AUTH + RESP2 on servers without
  // HELLO, or when protocol=2), then SELECT db when db != 0. Errors name the endpoint, never the
  // password: kConnection, kTimeout, kAuthentication.
  static std::unique_ptr<Connection> open(const ConnectionOptions& options);
  ~Connection();

  int protocol() const { return protocol_; }
  const ConnectionOptions& options() const { return options_; }

  // Pipelining primitives.
  std::string& out_buffer() { return out_; }
  size_t pending_output() const { return out_.size() - out_sent_; }
  // Parses the next complete reply already received, without waiting. RESP3 push messages are
  // skipped: they answer no command. Throws kProtocol on a malformed stream.
  std::optional<resp::Reply> next_reply();
  // Waits until some bytes were written or read (at most socket_timeout_ms: then kTimeout), moving
  // as much output and input as the socket allows without blocking. Throws kConnection on EOF.
  void pump();
  // pump() without the wait: moves what the socket allows now; false if nothing moved (then
  // wait_any() knows what this connection waits for).
  bool try_pump();
  // Writes what the socket takes now of the pending output, without reading: the reply handed
  // out last stays valid (a fetcher can send its next page while it parses the current one).
  void try_send();
  // Bytes of the replies next_reply() has handed out since the connection opened (readers size
  // their batches by it).
  uint64_t reply_bytes() const { return reply_bytes_; }
  // Waits until one of `connections` can move bytes (each one's own socket_timeout_ms bounds the
  // wait: the shortest applies). Throws kTimeout naming the endpoints otherwise.
  static void wait_any(std::span<Connection* const> connections);
  // Sends all pending output (bounded waits).
  void flush();
  // Flushes, then waits for the next reply.
  resp::Reply read_reply();

  // A single command round trip, for use when no other replies are outstanding. Error replies
  // are returned, not thrown.
  resp::Reply command(std::initializer_list<std::string_view> args);
  resp::Reply command(std::span<const std::string_view> args);

  // Bytes that are not RESP (a replica link's RDB payload after PSYNC): copies up to `size`
  // received bytes into `data`, waiting (as pump() does) when none are buffered. Never 0.
  size_t read_raw(char* data, size_t size);

  // True when the socket was closed or a previous operation failed; the connection is unusable.
  // A wait given up on a cancel or SIGINT (net::Interrupted) does not break it.
  bool broken() const { return broken_; }

  // Commands sent (or queued) whose replies have not been handed out yet. Counted from the
  // output bytes (every command is a RESP array of bulk strings), so it needs no help from the
  // code that writes commands. A command answered by push messages only (SUBSCRIBE under RESP3)
  // stays counted: such a connection is never idle again.
  size_t replies_pending();
  // Safe to hand to another caller: not broken, nothing unsent, no reply pending, no unparsed
  // input.
  bool idle();
  // Checks without waiting that the peer has not closed the connection (a server restart or
  // CLIENT KILL while it sat idle): false on EOF, a socket error, or unexpected bytes.
  bool peer_alive();

 private:
  explicit Connection(const ConnectionOptions& options);
  void handshake();
  void check_usable() const;
  // Drops the reply handed out last from the input buffer.
  void release_reply();
  // Ensures free space for a large read, compacting or growing the input buffer.
  void make_room();
  // Moves bytes without waiting; returns whether any moved and records what to wait for.
  bool transfer_available();
  // The writing half of transfer_available(): sends what the socket takes now.
  bool send_available(short& wait);
  // Runs `step` and marks the connection broken if it throws.
  template <typename Step>
  auto guarded(Step step) -> decltype(step());
  [[noreturn]] void throw_timeout() const;
  // Counts the complete commands in out_[out_counted_, end) into commands_.
  void count_commands();

  ConnectionOptions options_;
  std::unique_ptr<Transport> transport_;
  std::string out_;
  size_t out_sent_ = 0;
  std::unique_ptr<char[]> in_;  // not a std::string: growing it need not zero the new bytes
  size_t in_capacity_ = 0;
  size_t in_start_ = 0;   // start of the reply being parsed
  size_t in_end_ = 0;     // bytes received
  resp::ReplyParser parser_;
  bool reply_outstanding_ = false;  // a reply was handed out; consume it on the next call
  short wait_events_ = 0;           // poll events the last transfer stopped on
  int protocol_ = 2;
  bool broken_ = false;
  // While opening: connect_timeout bounds the whole handshake, not only the TCP/TLS connect.
  std::optional<std::chrono::steady_clock::time_point> open_deadline_;
  size_t out_counted_ = 0;  // out_ bytes already counted as commands
  size_t commands_ = 0;     // commands counted so far
  size_t replies_ = 0;      // replies handed out so far (push messages excluded)
  uint64_t reply_bytes_ = 0;
};

// Counts the complete commands (RESP arrays of bulk strings, as resp/encoder.hpp writes them) in
// out[pos, end), advancing `pos` past them; a command not complete yet is left for the next call.
size_t count_commands(std::string_view out, size_t& pos);

// Throws Error(kResponse) "<COMMAND> failed: <message>" if `reply` is an error reply; maps
// WRONGPASS/NOAUTH to kAuthentication.
void throw_if_error(const resp::NodeView& reply, std::string_view command);

// True for the error replies of a rejected login: WRONGPASS, NOAUTH, "invalid password",
// "invalid username-password pair".
bool is_authentication_error(std::string_view message);

}  // namespace polars_redis::net
