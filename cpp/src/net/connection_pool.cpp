#include "polars_redis/net/connection_pool.hpp"

#include <chrono>
#include <deque>
#include <exception>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "polars_redis/net/node_routing.hpp"

namespace polars_redis::net {
namespace {

using Clock = std::chrono::steady_clock;

struct IdleConnection {
  std::unique_ptr<Connection> connection;
  Clock::time_point since;
};

struct Pool {
  std::deque<IdleConnection> idle;  // oldest first; reuse takes the newest (warmest)
  int size = 8;
  std::chrono::milliseconds idle_timeout{60000};
  uint64_t generation = 0;  // bumped by close_pool: older handles do not come back
  PoolStats stats;
};

class Registry {
 public:
  static Registry& instance() {
    // Never destroyed: handles may be released by threads still running at interpreter exit.
    static Registry* registry = new Registry();
    return *registry;
  }

  // An idle connection for `key` (not yet checked alive) or nullptr; records the pool settings.
  std::unique_ptr<Connection> take(const std::string& key, const ConnectionOptions& options,
                                   uint64_t& generation) {
    std::vector<std::unique_ptr<Connection>> expired;
    std::unique_ptr<Connection> found;
    {
      std::lock_guard lock(mutex_);
      Pool& pool = pools_[key];
      pool.size = options.pool_size;
      pool.idle_timeout = std::chrono::milliseconds(options.pool_idle_timeout_ms);
      expire(pool, expired);
      generation = pool.generation;
      if (!pool.idle.empty()) {
        found = std::move(pool.idle.back().connection);
        pool.idle.pop_back();
        --pool.stats.idle;
      }
    }
    return found;  // `expired` closes after the lock is released
  }

  void reused(const std::string& key, uint64_t generation) {
    std::lock_guard lock(mutex_);
    Pool& pool = pools_[key];
    if (pool.generation == generation) ++pool.stats.reused;
  }

  void created(const std::string& key, uint64_t generation) {
    std::lock_guard lock(mutex_);
    Pool& pool = pools_[key];
    if (pool.generation != generation) return;
    ++pool.stats.created;
    ++pool.stats.open;
  }

  // Takes back a connection: kept when `reusable` and the pool has room, closed otherwise.
  void give_back(const std::string& key, uint64_t generation, std::unique_ptr<Connection> connection,
                 bool reusable) {
    std::vector<std::unique_ptr<Connection>> closing;
    {
      std::lock_guard lock(mutex_);
      Pool& pool = pools_[key];
      if (pool.generation != generation) {
        closing.push_back(std::move(connection));
      } else {
        expire(pool, closing);
        if (reusable && static_cast<int>(pool.idle.size()) < pool.size) {
          pool.idle.push_back({std::move(connection), Clock::now()});
          ++pool.stats.idle;
        } else {
          closing.push_back(std::move(connection));
          --pool.stats.open;
        }
      }
    }
  }

  // The pools whose key is `key` or, with `prefix`, starts with it (every node of a deployment).
  PoolStats stats(const std::string& key, bool prefix) {
    std::vector<std::unique_ptr<Connection>> expired;
    std::lock_guard lock(mutex_);
    PoolStats total;
    for (auto& [name, pool] : pools_) {
      if (name != key && !(prefix && name.starts_with(key))) continue;
      expire(pool, expired);
      total.open += pool.stats.open;
      total.idle += pool.stats.idle;
      total.created += pool.stats.created;
      total.reused += pool.stats.reused;
    }
    return total;
  }

  void close(const std::string& key, bool prefix) {
    std::deque<IdleConnection> closing;  // closed after the lock is released
    {
      std::lock_guard lock(mutex_);
      if (!prefix) pools_[key];
      for (auto& [name, pool] : pools_) {
        if (name != key && !(prefix && name.starts_with(key))) continue;
        for (auto& idle : pool.idle) closing.push_back(std::move(idle));
        pool.idle.clear();
        ++pool.generation;
        pool.stats = PoolStats{};
      }
    }
  }

 private:
  // Moves idle connections past their timeout to `out` (closed by the caller, unlocked).
  static void expire(Pool& pool, std::vector<std::unique_ptr<Connection>>& out) {
    const auto cutoff = Clock::now() - pool.idle_timeout;
    while (!pool.idle.empty() && pool.idle.front().since <= cutoff) {
      out.push_back(std::move(pool.idle.front().connection));
      pool.idle.pop_front();
      --pool.stats.idle;
      --pool.stats.open;
    }
  }

  std::mutex mutex_;
  std::unordered_map<std::string, Pool> pools_;
};

void append_field(std::string& key, std::string_view value) {
  key += std::to_string(value.size());
  key += ':';
  key += value;
}

}  // namespace

std::string pool_key(const ConnectionOptions& options) {
  // Length-prefixed fields: no value can make two different option sets collide.
  std::string key;
  append_field(key, options.pool);
  append_field(key, options.host);
  append_field(key, std::to_string(options.port));
  append_field(key, options.unix_path);
  append_field(key, options.username);
  append_field(key, options.password);
  append_field(key, std::to_string(options.db));
  append_field(key, std::to_string(options.protocol));
  append_field(key, options.client_name);
  append_field(key, std::to_string(options.connect_timeout_ms));
  append_field(key, std::to_string(options.socket_timeout_ms));
  append_field(key, options.readonly ? "readonly" : "readwrite");  // a cluster replica's session
  const TlsOptions& tls = options.tls;
  append_field(key, tls.enabled ? "tls" : "plain");
  if (tls.enabled) {
    append_field(key, tls.verify_peer ? "verify" : "noverify");
    append_field(key, tls.verify_hostname ? "hostname" : "nohostname");
    append_field(key, tls.ca_file);
    append_field(key, tls.ca_path);
    append_field(key, tls.cert_file);
    append_field(key, tls.key_file);
    append_field(key, tls.server_name);
  }
  return key;
}

PooledConnection::PooledConnection(std::unique_ptr<Connection> connection, std::string key, uint64_t generation,
                                   int exceptions)
    : connection_(std::move(connection)), key_(std::move(key)), generation_(generation), exceptions_(exceptions) {}

PooledConnection::PooledConnection(PooledConnection&& other) noexcept
    : connection_(std::move(other.connection_)),
      key_(std::move(other.key_)),
      generation_(other.generation_),
      exceptions_(other.exceptions_) {}

PooledConnection& PooledConnection::operator=(PooledConnection&& other) noexcept {
  if (this != &other) {
    release();
    connection_ = std::move(other.connection_);
    key_ = std::move(other.key_);
    exceptions_ = other.exceptions_;
    generation_ = other.generation_;
  }
  return *this;
}

PooledConnection::~PooledConnection() {
  // An exception unwinding through the owner leaves the connection's state unknown.
  if (std::uncaught_exceptions() > exceptions_) discard();
  release();
}

void PooledConnection::discard() noexcept {
  if (!connection_) return;
  Registry::instance().give_back(key_, generation_, std::move(connection_), false);
}

void PooledConnection::release() noexcept {
  if (!connection_) return;
  const bool reusable = connection_->idle();
  Registry::instance().give_back(key_, generation_, std::move(connection_), reusable);
}

PooledConnection acquire(const ConnectionOptions& options) {
  if (is_routed(options)) return acquire_routed(options);  // Sentinel or read_from: choose the node first
  std::string key = pool_key(options);
  Registry& registry = Registry::instance();
  uint64_t generation = 0;
  while (std::unique_ptr<Connection> idle = registry.take(key, options, generation)) {
    if (idle->peer_alive()) {
      registry.reused(key, generation);
      return PooledConnection(std::move(idle), std::move(key), generation, std::uncaught_exceptions());
    }
    // Closed by the server (restart, CLIENT KILL, its idle timeout) while it sat in the pool.
    registry.give_back(key, generation, std::move(idle), false);
  }
  std::unique_ptr<Connection> fresh = Connection::open(options);
  registry.created(key, generation);
  return PooledConnection(std::move(fresh), std::move(key), generation, std::uncaught_exceptions());
}

namespace {

// A named pool of a Sentinel or read_from URL spans the pools of the nodes it used (the name is
// the first field of their keys); anything else is one pool.
std::pair<std::string, bool> pools_of(const ConnectionOptions& options) {
  if (!is_routed(options) || options.pool.empty()) return {pool_key(options), false};
  std::string prefix;
  append_field(prefix, options.pool);
  return {prefix, true};
}

}  // namespace

PoolStats pool_stats(const ConnectionOptions& options) {
  const auto [key, prefix] = pools_of(options);
  return Registry::instance().stats(key, prefix);
}

void close_pool(const ConnectionOptions& options) {
  const auto [key, prefix] = pools_of(options);
  Registry::instance().close(key, prefix);
}

}  // namespace polars_redis::net
