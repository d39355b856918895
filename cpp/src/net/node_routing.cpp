#include "polars_redis/net/node_routing.hpp"

#include <chrono>
#include <charconv>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "polars_redis/error.hpp"
#include "polars_redis/net/sentinel.hpp"

namespace polars_redis::net {
namespace {

using Clock = std::chrono::steady_clock;
// Replica routes: long enough to spare a Sentinel round trip per call, short enough that a replica that comes
// online (or leaves) is noticed soon; failures forget the answer at once.
constexpr auto kRouteLifetime = std::chrono::seconds(5);
constexpr auto kRetryPause = std::chrono::milliseconds(100);

struct Route {
  std::vector<NodeAddress> nodes;  // tried in order
  bool primary = false;            // the Sentinel's primary: checked with ROLE
};

ConnectionOptions at_node(const ConnectionOptions& options, const NodeAddress& node) {
  ConnectionOptions out = options;
  out.host = node.host;
  out.port = node.port;
  out.unix_path.clear();
  out.read_from = ReadFrom::kPrimary;
  out.replicas.clear();
  out.sentinel = {};
  return out;
}

std::string deployment(const ConnectionOptions& options) {
  if (!options.sentinel.master_name.empty()) return "Sentinel master '" + quote_for_message(options.sentinel.master_name, 100) + "'";
  return "primary " + options.endpoint();
}

std::string route_key(const ConnectionOptions& options) {
  std::string key = pool_key(at_node(options, {options.host, options.port}));
  key += "|" + std::to_string(static_cast<int>(options.read_from)) + "|" + options.sentinel.master_name + "|";
  key += std::to_string(options.sentinel.username.size()) + ":" + options.sentinel.username + options.sentinel.password + "|";
  for (const NodeAddress& node : options.sentinel.sentinels) key += node.endpoint() + ",";
  key += "|";
  for (const NodeAddress& node : options.replicas) key += node.endpoint() + ",";
  return key;
}

std::vector<NodeAddress> info_replicas(const ConnectionOptions& options) {
  PooledConnection connection = acquire(at_node(options, {options.host, options.port}));
  resp::Reply reply = connection->command({"INFO", "replication"});
  if (reply.root().is_error()) {
    throw Error(ErrorKind::kResponse, "INFO replication on " + options.endpoint() + " failed: " + quote_for_message(reply.root().str(), 200));
  }
  return parse_info_replicas(reply.root().str());
}

Route find_route(const ConnectionOptions& options) {
  const bool sentinel = !options.sentinel.master_name.empty();
  if (options.read_from == ReadFrom::kPrimary) return {{sentinel_primary(options)}, true};
  Route route;
  route.nodes = sentinel ? sentinel_replicas(options) : !options.replicas.empty() ? options.replicas : info_replicas(options);
  if (options.read_from == ReadFrom::kPreferReplica) {
    route.nodes.push_back(sentinel ? sentinel_primary(options) : NodeAddress{options.host, options.port});
  }
  if (route.nodes.empty()) {
    throw Error(ErrorKind::kConnection, "read_from=replica, but " + deployment(options) + " has no replica that is online");
  }
  return route;
}

class RouteCache {
 public:
  static RouteCache& instance() {
    static RouteCache* cache = new RouteCache();  // never destroyed: used by threads at exit
    return *cache;
  }

  Route get(const ConnectionOptions& options) {
    const std::string key = route_key(options);
    {
      std::lock_guard lock(mutex_);
      auto found = routes_.find(key);
      if (found != routes_.end() && Clock::now() < found->second.second) return found->second.first;
    }
    Route route = find_route(options);  // outside the lock: it talks to servers
    // A Sentinel's primary is asked for every connection, as the Sentinels are the authority
    // during a failover (a cached answer could send a write to a primary being demoted).
    if (route.primary) return route;
    std::lock_guard lock(mutex_);
    routes_[key] = {route, Clock::now() + kRouteLifetime};
    return route;
  }

  void forget(const ConnectionOptions& options) {
    std::lock_guard lock(mutex_);
    routes_.erase(route_key(options));
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::pair<Route, Clock::time_point>> routes_;
};

bool answers_as_primary(Connection& connection) {
  resp::Reply reply = connection.command({"ROLE"});
  const resp::NodeView root = reply.root();
  return root.is_aggregate() && root.size() > 0 && root.first_child().str() == "master";
}

}  // namespace

bool is_routed(const ConnectionOptions& options) {
  return !options.sentinel.master_name.empty() || (options.read_from != ReadFrom::kPrimary && !options.cluster && !options.readonly);
}

ConnectionOptions for_writes(const ConnectionOptions& options) {
  ConnectionOptions out = options;
  out.read_from = ReadFrom::kPrimary;
  out.read_from_replicas = false;
  return out;
}

PooledConnection acquire_routed(const ConnectionOptions& options) {
  RouteCache& cache = RouteCache::instance();
  const auto deadline = Clock::now() + std::chrono::milliseconds(options.connect_timeout_ms);
  while (true) {
    const Route route = cache.get(options);
    std::string problem;
    for (const NodeAddress& node : route.nodes) {
      try {
        PooledConnection connection = acquire(at_node(options, node));
        if (!route.primary || answers_as_primary(*connection)) return connection;
        problem = node.endpoint() + " is no longer the primary (a failover is under way)";
      } catch (const Error& error) {
        if (error.kind() != ErrorKind::kConnection && error.kind() != ErrorKind::kTimeout) throw;
        problem = error.what();
      }
    }
    cache.forget(options);
    if (Clock::now() >= deadline) {
      throw Error(ErrorKind::kConnection, "no server of " + deployment(options) + " could be used: " + problem);
    }
    std::this_thread::sleep_for(kRetryPause);
  }
}

std::string describe_read_route(const ConnectionOptions& options) {
  if (!is_routed(options)) return options.endpoint();
  const Route route = RouteCache::instance().get(options);
  const bool sentinel = !options.sentinel.master_name.empty();
  const std::string source = sentinel ? " (found by the Sentinels)" : options.replicas.empty() ? " (found by INFO replication)" : "";
  if (route.primary) return "the primary " + route.nodes.front().endpoint() + " of " + deployment(options) + source;
  const bool fallback = options.read_from == ReadFrom::kPreferReplica;
  std::string text;
  for (size_t i = 0; i + (fallback ? 1 : 0) < route.nodes.size(); ++i) text += (text.empty() ? "" : ", then ") + route.nodes[i].endpoint();
  text = text.empty() ? "" : "replica " + text;
  if (fallback) text += (text.empty() ? "" : ", else ") + std::string("the primary ") + route.nodes.back().endpoint();
  return text + " of " + deployment(options) + source;
}

std::vector<NodeAddress> parse_info_replicas(std::string_view info) {
  std::vector<NodeAddress> replicas;
  while (!info.empty()) {
    const size_t end = std::min(info.find('\n'), info.size());
    std::string_view line = info.substr(0, end);
    info.remove_prefix(std::min(end + 1, info.size()));
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.starts_with("slave") || line.find(':') == std::string_view::npos) continue;
    std::string_view fields = line.substr(line.find(':') + 1);
    std::string_view ip, port, state;
    while (!fields.empty()) {
      const size_t comma = std::min(fields.find(','), fields.size());
      const std::string_view field = fields.substr(0, comma);
      fields.remove_prefix(std::min(comma + 1, fields.size()));
      const size_t eq = field.find('=');
      if (eq == std::string_view::npos) continue;
      const std::string_view name = field.substr(0, eq);
      if (name == "ip") ip = field.substr(eq + 1);
      if (name == "port") port = field.substr(eq + 1);
      if (name == "state") state = field.substr(eq + 1);
    }
    unsigned number = 0;
    const auto [ptr, error] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (ip.empty() || state != "online" || error != std::errc() || ptr != port.data() + port.size() || number == 0 || number > 65535) continue;
    replicas.push_back({std::string(ip), static_cast<uint16_t>(number)});
  }
  return replicas;
}

}  // namespace polars_redis::net
