#pragma once
// Connection reuse. acquire() hands out a connection from the pool of its options (a new one if
// none is idle); the handle gives it back when it goes out of scope, but only when the
// connection is idle (nothing unsent, no reply pending, never failed) and no exception is
// unwinding through the handle's owner. Anything else is closed: a half-read pipeline or a
// connection in a special mode must never reach the next caller.
//
// Pools are keyed by every option that shapes the session (endpoint, credentials, db, protocol,
// client name, TLS settings, timeouts, READONLY) plus the `pool` name, so a connect() client has a pool of
// its own. At most pool_size idle connections are kept per key; idle ones older than
// pool_idle_timeout are closed on the next acquire or release (no background thread). A
// connection that sat idle is checked (without waiting) for a peer that closed it, so a server
// restart between calls costs a reconnect, not an error.
#include <cstdint>
#include <memory>
#include <string>

#include "polars_redis/net/connection.hpp"
#include "polars_redis/net/url.hpp"

namespace polars_redis::net {

class PooledConnection {
 public:
  PooledConnection() = default;
  PooledConnection(PooledConnection&& other) noexcept;
  PooledConnection& operator=(PooledConnection&& other) noexcept;
  PooledConnection(const PooledConnection&) = delete;
  PooledConnection& operator=(const PooledConnection&) = delete;
  ~PooledConnection();

  explicit operator bool() const { return connection_ != nullptr; }
  Connection& operator*() const { return *connection_; }
  Connection* operator->() const { return connection_.get(); }
  Connection* get() const { return connection_.get(); }

  // Closes the connection now instead of returning it (its state is unknown to the caller).
  void discard() noexcept;
  // Gives the connection back now if it is idle, closes it otherwise; the handle becomes empty.
  void release() noexcept;

 private:
  friend PooledConnection acquire(const ConnectionOptions& options);
  PooledConnection(std::unique_ptr<Connection> connection, std::string key, uint64_t generation, int exceptions);

  std::unique_ptr<Connection> connection_;
  std::string key_;
  uint64_t generation_ = 0;  // the pool's generation when handed out (close_pool bumps it)
  int exceptions_ = 0;       // std::uncaught_exceptions() when handed out
};

// A connection for `options`: an idle one from its pool (checked alive) or a new one
// (Connection::open, whose errors it throws).
PooledConnection acquire(const ConnectionOptions& options);

// The pool key of `options`: every session-shaping field and the pool name, never the pool's
// own settings (size, idle timeout) nor read scheduling (retries, parallel). Contains the
// password: never show it.
std::string pool_key(const ConnectionOptions& options);

struct PoolStats {
  int64_t open = 0;     // connections of this pool that exist now (handed out plus idle)
  int64_t idle = 0;     // kept for reuse
  int64_t created = 0;  // opened since the pool was created or last closed
  int64_t reused = 0;   // acquires served by an idle connection
};

// For a Sentinel or read_from URL with a pool name (connect()), the stats and close_pool cover
// the pools of every node its calls used.
PoolStats pool_stats(const ConnectionOptions& options);

// Closes the idle connections of `options`' pool and resets its counters; connections handed out
// now are closed when given back, so later acquires open fresh ones.
void close_pool(const ConnectionOptions& options);

}  // namespace polars_redis::net
