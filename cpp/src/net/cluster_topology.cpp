#include "polars_redis/net/cluster_topology.hpp"

#include <algorithm>
#include <map>
#include <mutex>

#include "polars_redis/error.hpp"
#include "polars_redis/net/connection.hpp"
#include "polars_redis/net/connection_pool.hpp"

namespace polars_redis::net {

namespace {

// Calls `visit(name, value)` for each entry of a RESP3 map or a RESP2 flat key/value array: both
// list their children as name, value, name, value, ...
template <typename Visit>
void for_each_entry(const resp::NodeView& node, Visit visit) {
  if (!node.is_aggregate()) throw Error(ErrorKind::kProtocol, "CLUSTER SHARDS: expected a map or array of fields");
  const size_t children = node.type() == resp::Type::kMap ? 2 * node.size() : node.size();
  resp::NodeView child = node.first_child();
  for (size_t i = 0; i + 1 < children; i += 2) {
    resp::NodeView value = child.next_sibling();
    visit(child.str(), value);
    if (i + 2 < children) child = value.next_sibling();
  }
}

int64_t as_int(const resp::NodeView& node) {
  if (node.type() == resp::Type::kInteger) return node.integer();
  const std::string text(node.str());
  try {
    return std::stoll(text);
  } catch (const std::exception&) {
    throw Error(ErrorKind::kProtocol, "cluster topology: expected a number, got '" + quote_for_message(text) + "'");
  }
}

void assign_owners(ClusterTopology& topology) {
  topology.owner.fill(-1);
  for (size_t i = 0; i < topology.shards.size(); ++i) {
    for (auto [start, end] : topology.shards[i].slots) {
      if (start < 0 || end >= kClusterSlots || start > end) {
        throw Error(ErrorKind::kProtocol, "cluster topology: invalid slot range " + std::to_string(start) + "-" + std::to_string(end));
      }
      for (int slot = start; slot <= end; ++slot) topology.owner[slot] = static_cast<int16_t>(i);
    }
  }
}

}  // namespace

const ClusterShard& ClusterTopology::shard_of_slot(int slot) const {
  const int index = owner[slot];
  if (index < 0) throw Error(ErrorKind::kConnection, "no cluster node serves hash slot " + std::to_string(slot) + " (cluster down?)");
  return shards[index];
}

int ClusterTopology::shard_index_of_key(std::string_view key) const {
  const int slot = key_slot(key);
  shard_of_slot(slot);
  return owner[slot];
}

void ClusterTopology::require_every_slot_served() const {
  for (int slot = 0; slot < kClusterSlots; ++slot) {
    if (owner[slot] < 0) {
      throw Error(ErrorKind::kConnection, "hash slot " + std::to_string(slot) +
                                              " has no online primary (a failover may be under way): a scan would miss its keys");
    }
  }
}

size_t ClusterTopology::shard_serving_exactly(const SlotRanges& slots) const {
  for (size_t i = 0; i < shards.size(); ++i) {
    if (normalize_slot_ranges(shards[i].slots) == slots) return i;
  }
  throw Error(ErrorKind::kConnection, "no shard of the cluster serves exactly hash slots " + format_slot_ranges(slots) +
                                          " any more (a resharding, or a primary failed and not yet replaced): the "
                                          "partition would miss or repeat keys; plan the partitions again");
}

ClusterTopology parse_cluster_shards(const resp::NodeView& reply, bool tls) {
  ClusterTopology topology;
  if (!reply.is_aggregate()) throw Error(ErrorKind::kProtocol, "CLUSTER SHARDS: expected an array of shards");
  resp::NodeView shard_node = reply.first_child();
  for (size_t s = 0; s < reply.size(); ++s, shard_node = s < reply.size() ? shard_node.next_sibling() : shard_node) {
    ClusterShard shard;
    bool has_primary = false;
    for_each_entry(shard_node, [&](std::string_view name, const resp::NodeView& value) {
      if (name == "slots") {
        resp::NodeView bound = value.first_child();
        for (size_t i = 0; i + 1 < value.size(); i += 2) {
          const int start = static_cast<int>(as_int(bound));
          bound = bound.next_sibling();
          shard.slots.emplace_back(start, static_cast<int>(as_int(bound)));
          if (i + 2 < value.size()) bound = bound.next_sibling();
        }
      } else if (name == "nodes") {
        resp::NodeView node = value.first_child();
        for (size_t n = 0; n < value.size(); ++n) {
          ClusterNode parsed;
          std::string ip, endpoint, role, health;
          int64_t port = 0, tls_port = 0;
          for_each_entry(node, [&](std::string_view field, const resp::NodeView& v) {
            if (field == "id") parsed.id = std::string(v.str());
            else if (field == "port") port = as_int(v);
            else if (field == "tls-port") tls_port = as_int(v);
            else if (field == "ip") ip = std::string(v.str());
            else if (field == "endpoint") endpoint = std::string(v.str());
            else if (field == "role") role = std::string(v.str());
            else if (field == "health") health = std::string(v.str());
          });
          // "?" or empty endpoint: the node does not know a preferred address; use its IP.
          parsed.host = endpoint.empty() || endpoint == "?" ? ip : endpoint;
          parsed.port = static_cast<uint16_t>(tls && tls_port > 0 ? tls_port : port);
          if (health == "online" || health.empty()) {
            if (role == "master") {
              shard.primary = std::move(parsed);
              has_primary = true;
            } else {
              shard.replicas.push_back(std::move(parsed));
            }
          }
          if (n + 1 < value.size()) node = node.next_sibling();
        }
      }
    });
    if (!shard.slots.empty() && has_primary) topology.shards.push_back(std::move(shard));
  }
  assign_owners(topology);
  return topology;
}

ClusterTopology parse_cluster_slots(const resp::NodeView& reply) {
  ClusterTopology topology;
  std::map<std::string, size_t> by_primary;  // node id (or endpoint) -> shard index
  if (!reply.is_aggregate()) throw Error(ErrorKind::kProtocol, "CLUSTER SLOTS: expected an array");
  resp::NodeView range = reply.first_child();
  for (size_t r = 0; r < reply.size(); ++r) {
    if (range.size() < 3) throw Error(ErrorKind::kProtocol, "CLUSTER SLOTS: a range without nodes");
    resp::NodeView item = range.first_child();
    const int start = static_cast<int>(as_int(item));
    item = item.next_sibling();
    const int end = static_cast<int>(as_int(item));
    std::vector<ClusterNode> nodes;
    for (size_t i = 2; i < range.size(); ++i) {
      item = item.next_sibling();
      ClusterNode node;
      node.host = std::string(item.child(0).str());
      node.port = static_cast<uint16_t>(as_int(item.child(1)));
      if (item.size() > 2) node.id = std::string(item.child(2).str());
      nodes.push_back(std::move(node));
    }
    const std::string primary_key = nodes[0].id.empty() ? nodes[0].endpoint() : nodes[0].id;
    auto [it, inserted] = by_primary.emplace(primary_key, topology.shards.size());
    if (inserted) {
      ClusterShard shard;
      shard.primary = nodes[0];
      shard.replicas.assign(nodes.begin() + 1, nodes.end());
      topology.shards.push_back(std::move(shard));
    }
    topology.shards[it->second].slots.emplace_back(start, end);
    if (r + 1 < reply.size()) range = range.next_sibling();
  }
  assign_owners(topology);
  return topology;
}

ConnectionOptions node_options(const ConnectionOptions& seed, const ClusterNode& node, bool replica) {
  ConnectionOptions options = seed;
  options.host = node.host;
  options.port = node.port;
  options.unix_path.clear();
  options.cluster = false;
  options.read_from_replicas = false;
  options.read_from = ReadFrom::kPrimary;
  options.readonly = replica;
  return options;
}

ClusterTopology discover_topology(const ConnectionOptions& seed) {
  if (seed.db != 0) {
    throw Error(ErrorKind::kInvalidArgument, "a Redis Cluster has only database 0, but the URL selects db " + std::to_string(seed.db));
  }
  ConnectionOptions plain = seed;
  plain.cluster = false;
  plain.readonly = false;
  plain.read_from = ReadFrom::kPrimary;  // the seed itself, not a replica found by INFO replication
  PooledConnection conn = acquire(plain);
  resp::Reply reply = conn->command({"CLUSTER", "SHARDS"});
  if (!reply.root().is_error()) {
    ClusterTopology topology = parse_cluster_shards(reply.root(), seed.tls.enabled);
    // Redis 7.4 lists a shard whose replica took over after a failover with no slots; CLUSTER
    // SLOTS is right then. A slot unserved in both stays unserved (the callers report it).
    if (std::find(topology.owner.begin(), topology.owner.end(), -1) == topology.owner.end()) return topology;
  }
  // Also the path for Redis before 7.0, which has no CLUSTER SHARDS.
  reply = conn->command({"CLUSTER", "SLOTS"});
  throw_if_error(reply.root(), "CLUSTER SLOTS");
  return parse_cluster_slots(reply.root());
}

SlotMapView parse_cluster_nodes(std::string_view text) {
  // <id> <ip:port@bus> <flags> <master> <ping> <pong> <epoch> <link> <slot> <slot> ...
  std::vector<std::string> primaries;
  SlotMapView view;
  while (!text.empty()) {
    const size_t end = std::min(text.find('\n'), text.size());
    std::string_view line = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    std::vector<std::string_view> fields;
    while (!line.empty()) {
      const size_t space = std::min(line.find(' '), line.size());
      if (space > 0) fields.push_back(line.substr(0, space));
      line.remove_prefix(std::min(space + 1, line.size()));
    }
    if (fields.size() < 8 || fields[2].find("master") == std::string_view::npos) continue;
    std::string entry(fields[0]);
    for (size_t i = 8; i < fields.size(); ++i) {
      if (fields[i].starts_with("[")) {
        view.migrating += std::string(fields[i]) + " ";
      } else {
        entry += " " + std::string(fields[i]);
      }
    }
    primaries.push_back(std::move(entry));
  }
  std::sort(primaries.begin(), primaries.end());
  for (const std::string& entry : primaries) view.assignment += entry + "\n";
  return view;
}

SlotMapView read_slot_map(const ConnectionOptions& node) {
  PooledConnection conn = acquire(node);
  resp::Reply reply = conn->command({"CLUSTER", "NODES"});
  throw_if_error(reply.root(), "CLUSTER NODES");
  return parse_cluster_nodes(reply.root().str());
}

SlotMapGuard::SlotMapGuard(const ConnectionOptions& seed, const ClusterTopology& topology) {
  for (const ClusterShard& shard : topology.shards) {
    primaries_.push_back(node_options(seed, shard.primary, false));
    views_.push_back(read_slot_map(primaries_.back()));
    if (!views_.back().migrating.empty()) {
      throw Error(ErrorKind::kConnection, "hash slots are migrating on cluster node " + primaries_.back().endpoint() + " (" +
                                              views_.back().migrating +
                                              "): a read now could miss or repeat keys; read again when the resharding is done");
    }
  }
}

void SlotMapGuard::check_unchanged() const {
  for (size_t i = 0; i < primaries_.size(); ++i) {
    if (!(read_slot_map(primaries_[i]) == views_[i])) {
      throw Error(ErrorKind::kConnection, "the cluster's slot assignment changed during the read (resharding or failover, seen by node " +
                                              primaries_[i].endpoint() + "): the rows read could miss or repeat keys; read again");
    }
  }
}

ConnectionOptions read_node_options(const ConnectionOptions& seed, const ClusterShard& shard) {
  if (seed.read_from_replicas && !shard.replicas.empty()) return node_options(seed, shard.replicas.front(), true);
  return node_options(seed, shard.primary, false);
}

ConnectionOptions key_node_options(const ConnectionOptions& seed, std::string_view key, bool read) {
  if (!is_cluster(seed)) return seed;
  const ClusterTopology topology = discover_topology(seed);
  const ClusterShard& shard = topology.shards[topology.shard_index_of_key(key)];
  return read ? read_node_options(seed, shard) : node_options(seed, shard.primary, false);
}

bool is_cluster(const ConnectionOptions& options) {
  if (options.cluster) return true;
  if (!options.sentinel.master_name.empty()) return false;  // Sentinel deployments are never clusters
  if (options.db != 0) return false;  // a cluster has only database 0
  static std::mutex mutex;
  static std::map<std::string, bool> known;
  const std::string endpoint = options.endpoint();
  {
    std::lock_guard lock(mutex);
    if (auto it = known.find(endpoint); it != known.end()) return it->second;
  }
  ConnectionOptions plain = options;
  plain.readonly = false;
  // Outside the pool: a one-off per endpoint, which should not show in a pool's statistics.
  auto conn = Connection::open(plain);
  resp::Reply reply = conn->command({"INFO", "cluster"});
  // A server without INFO sections (or one refusing INFO) is treated as a single node.
  const bool enabled = !reply.root().is_error() && reply.root().str().find("cluster_enabled:1") != std::string_view::npos;
  std::lock_guard lock(mutex);
  known[endpoint] = enabled;
  return enabled;
}

}  // namespace polars_redis::net
