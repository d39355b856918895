// The cluster's shards as the Python layer needs them to run commands on each (RediSearch
// indexes, DBSIZE): a node is passed back to `command(..., node=...)`, which connects to it with
// the seed URL's credentials and TLS settings, so no per-node URL (with a password) is built.
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>

#include "cluster_scan.hpp"
#include "polars_redis/net/cluster_topology.hpp"
#include "polars_redis/net/node_routing.hpp"
#include "polars_redis/read/cluster_search_index.hpp"

namespace polars_redis::bindings {

namespace {

nb::tuple node_tuple(const net::ConnectionOptions& node) { return nb::make_tuple(node.host, node.port, node.readonly); }

// (host, port, readonly) per shard: its read node (`read`) or its primary.
nb::list cluster_nodes(const std::string& url, bool read) {
  const net::ConnectionOptions seed = net::parse_url(url);
  net::ClusterTopology topology;
  {
    ReleasedGil release;
    topology = net::discover_topology(seed);
  }
  nb::list out;
  for (const net::ClusterShard& shard : topology.shards) {
    out.append(node_tuple(read ? net::read_node_options(seed, shard) : net::node_options(seed, shard.primary, false)));
  }
  return out;
}

// ((host, port, readonly), slot ranges) per shard, its read node (a replica with
// read_from_replicas): the partitions of a scan (polars_redis.partitions). Every slot must be
// served, or the partitions together would miss keys.
nb::list cluster_partitions(const std::string& url) {
  const net::ConnectionOptions seed = net::parse_url(url);
  net::ClusterTopology topology;
  {
    ReleasedGil release;
    topology = net::discover_topology(seed);
  }
  topology.require_every_slot_served();
  nb::list out;
  for (const net::ClusterShard& shard : topology.shards) {
    out.append(nb::make_tuple(node_tuple(net::read_node_options(seed, shard)), net::format_slot_ranges(shard.slots)));
  }
  return out;
}

// ((host, port, readonly), index name) per shard: the names a new index gets on each primary
// (`create`), or the existing index's names on each shard's read node.
nb::list cluster_index_names(const std::string& url, const std::string& name, bool create) {
  const net::ConnectionOptions seed = net::parse_url(url);
  std::vector<std::pair<net::ConnectionOptions, std::string>> names;
  {
    ReleasedGil release;
    for (const net::ClusterShard& shard : net::discover_topology(seed).shards) {
      if (create) {
        names.emplace_back(net::node_options(seed, shard.primary, false), read::shard_index_name(name, shard));
      } else {
        net::ConnectionOptions node = net::read_node_options(seed, shard);
        std::string found = read::find_shard_index(node, shard, name);
        names.emplace_back(std::move(node), std::move(found));
      }
    }
  }
  nb::list out;
  for (const auto& [node, index] : names) out.append(nb::make_tuple(node_tuple(node), index));
  return out;
}

}  // namespace

net::ConnectionOptions command_connection(const std::string& url, const nb::handle& node) {
  // A raw command may write: the primary.
  net::ConnectionOptions options = net::for_writes(net::parse_url(url));
  if (node.is_none()) return options;
  auto parts = nb::cast<nb::tuple>(node);
  return net::node_options(options, {nb::cast<std::string>(parts[0]), nb::cast<uint16_t>(parts[1]), {}},
                           parts.size() > 2 && nb::cast<bool>(parts[2]));
}

void register_cluster_nodes(nb::module_& m) {
  m.def("cluster_nodes", &cluster_nodes,
        nb::sig("def cluster_nodes(url: str, read: bool = True) -> list[tuple[str, int, bool]]"),
        nb::arg("url"), nb::arg("read") = true,
        "(host, port, readonly) of each shard's read node (or primary) of a Redis Cluster.");
  m.def("cluster_partitions", &cluster_partitions,
        nb::sig("def cluster_partitions(url: str) -> list[tuple[tuple[str, int, bool], str]]"), nb::arg("url"),
        "((host, port, readonly), slot ranges) of each shard of a Redis Cluster: its read node and the slots it serves.");
  m.def("cluster_index_names", &cluster_index_names,
        nb::sig("def cluster_index_names(url: str, name: str, create: bool = False) -> "
                "list[tuple[tuple[str, int, bool], str]]"),
        nb::arg("url"), nb::arg("name"), nb::arg("create") = false,
        "(node, name) per shard of a RediSearch index over a Redis Cluster (one index per shard).");
}

}  // namespace polars_redis::bindings
