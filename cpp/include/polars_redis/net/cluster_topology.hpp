#pragma once
// Redis Cluster topology: which node serves which hash slots, read from CLUSTER SHARDS (Redis 7+,
// RESP2 or RESP3 shape) or, on older servers, CLUSTER SLOTS. Node connections copy the seed's
// options (credentials, TLS settings, timeouts, protocol, client name) with the node's address.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "polars_redis/net/cluster_slot.hpp"
#include "polars_redis/net/url.hpp"
#include "polars_redis/resp/parser.hpp"

namespace polars_redis::net {

struct ClusterNode {
  std::string host;
  uint16_t port = 0;
  std::string id;
  std::string endpoint() const { return host + ":" + std::to_string(port); }
};

struct ClusterShard {
  std::vector<std::pair<int, int>> slots;  // inclusive ranges
  ClusterNode primary;
  std::vector<ClusterNode> replicas;       // healthy ones only
};

struct ClusterTopology {
  std::vector<ClusterShard> shards;        // shards serving at least one slot
  std::array<int16_t, kClusterSlots> owner;  // shard index per slot; -1: unassigned

  // The shard serving `slot`; throws Error(kConnection) when no node serves it.
  const ClusterShard& shard_of_slot(int slot) const;
  int shard_index_of_key(std::string_view key) const;
  // Throws Error(kConnection) naming the first slot no online primary serves: a scan of every
  // shard would silently miss its keys.
  void require_every_slot_served() const;
  // The index of the shard serving exactly `slots` (normalized); throws Error(kConnection) when
  // none does (a resharding or a failed primary since the slots were taken from a topology).
  size_t shard_serving_exactly(const SlotRanges& slots) const;
};

// Parses a CLUSTER SHARDS reply. `tls`: use each node's tls-port. Nodes whose health is not
// "online" are left out (a failed primary keeps its slots unserved until a failover).
ClusterTopology parse_cluster_shards(const resp::NodeView& reply, bool tls);
// Parses a CLUSTER SLOTS reply.
ClusterTopology parse_cluster_slots(const resp::NodeView& reply);

// Connects to the seed and reads the topology (CLUSTER SHARDS, falling back to CLUSTER SLOTS).
// Throws Error(kInvalidArgument) for db != 0 (a cluster has only database 0).
ClusterTopology discover_topology(const ConnectionOptions& seed);

// The seed's options pointed at `node`; `replica` adds READONLY to the session.
ConnectionOptions node_options(const ConnectionOptions& seed, const ClusterNode& node, bool replica);

// The slot assignment as `node` sees it (CLUSTER NODES: each primary's id and slot ranges, with
// the node's own MIGRATING / IMPORTING markers), for detecting a resharding during a scan; empty
// `migrating` when no slot of `node` is moving.
struct SlotMapView {
  std::string assignment;
  std::string migrating;  // e.g. "[5000->-<node id>]"
  bool operator==(const SlotMapView&) const = default;
};
SlotMapView read_slot_map(const ConnectionOptions& node);
// Parses a CLUSTER NODES reply text.
SlotMapView parse_cluster_nodes(std::string_view text);

// Guards a read that runs per node (SCAN, TS.MRANGE) against a resharding: constructing it
// throws Error(kConnection) if a primary has slots migrating; check_unchanged() throws if any
// primary's view of the slot map changed since.
class SlotMapGuard {
 public:
  SlotMapGuard(const ConnectionOptions& seed, const ClusterTopology& topology);
  void check_unchanged() const;

 private:
  std::vector<ConnectionOptions> primaries_;
  std::vector<SlotMapView> views_;
};

// The node a read of `shard` uses: a healthy replica with seed.read_from_replicas, else the primary.
ConnectionOptions read_node_options(const ConnectionOptions& seed, const ClusterShard& shard);

// Where a command on `key` goes: on a cluster, the read node (`read`) or the primary of the shard
// serving the key's slot; otherwise `seed` itself.
ConnectionOptions key_node_options(const ConnectionOptions& seed, std::string_view key, bool read);

// Whether `options` reaches a cluster: redis+cluster:// URLs always; otherwise the node's
// INFO cluster says cluster_enabled:1 (remembered per endpoint for the process's lifetime).
bool is_cluster(const ConnectionOptions& options);

}  // namespace polars_redis::net
