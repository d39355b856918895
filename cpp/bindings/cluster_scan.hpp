#pragma once
// Routing of the key-based scan entry points to the cluster scan.
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bindings.hpp"
#include "polars_redis/error.hpp"
#include "polars_redis/net/url.hpp"
#include "polars_redis/read/cluster_key_scan.hpp"

namespace polars_redis::bindings {

// Whether the URL's server is a Redis Cluster (a network check the first time, GIL released).
bool reaches_cluster(const net::ConnectionOptions& options);
// The same check at the start of a read: restarted like the read (net/read_restarts.hpp).
bool read_reaches_cluster(const net::ConnectionOptions& options);

// A NativeScan running read::run_cluster_key_scan; the row index (when the plan asks for it)
// numbers rows in the order the consumer takes them.
nb::object make_cluster_key_scan(read::KeyScanOptions options, read::FetcherFactory make_fetcher);

// The connection of a write: the URL's, or with plan["cluster_node"] = (host, port) that node's
// (the seed's credentials, TLS settings and timeouts).
net::ConnectionOptions write_connection(const std::string& url, PlanReader& plan);

void register_cluster_writes(nb::module_& m);
void register_cluster_nodes(nb::module_& m);

// The connection of a raw command: the URL's, or with `node` = (host, port[, readonly]) a
// cluster node's (see cluster_nodes.cpp).
net::ConnectionOptions command_connection(const std::string& url, const nb::handle& node);

// Schema inference with `infer(node)` (GIL released) on the URL's server, or on a cluster the
// sample of the first shard, in slot order, that finds any field (each shard's read node: a
// replica with read_from_replicas); as (name, dtype descriptor) pairs.
template <typename Infer>
std::vector<std::pair<std::string, nb::dict>> infer_schema(const std::string& url, Infer infer) {
  std::vector<std::pair<std::string, DataType>> schema;
  const net::ConnectionOptions connection = net::parse_url(url);
  const bool cluster = reaches_cluster(connection);
  {
    ReleasedGil release;
    if (!cluster) {
      schema = infer(connection);
    } else {
      const net::ClusterTopology topology = net::discover_topology(connection);
      for (const net::ClusterShard& shard : topology.shards) {
        schema = infer(net::read_node_options(connection, shard));
        if (!schema.empty()) break;
      }
    }
  }
  std::vector<std::pair<std::string, nb::dict>> result;
  for (auto& [name, dtype] : schema) result.emplace_back(name, dtype_to_dict(dtype));
  return result;
}

// The entry points' branch: a cluster scan with `Fetcher(fetch)` per shard, or nullopt on a
// single node.
template <typename Fetcher, typename FetchOptions>
std::optional<nb::object> cluster_key_scan(const read::KeyScanOptions& options, const FetchOptions& fetch) {
  // An RDB file needs no server; a snapshot of a cluster is one per shard, like SCAN.
  if (options.source.kind == read::KeySourceSpec::Kind::kRdbFile) return std::nullopt;
  if (!read_reaches_cluster(options.connection)) {
    // A partition of a cluster scan pointed at a single server would read all of it.
    if (!options.connection.shard_slots.empty()) {
      throw Error(ErrorKind::kInvalidArgument, "shard_slots selects one shard of a Redis Cluster, but " +
                                                   options.connection.endpoint() + " is not a cluster node");
    }
    return std::nullopt;
  }
  FetchOptions per_shard = fetch;
  // MGET / JSON.MGET must not span hash slots (CROSSSLOT; RedisJSON even answers nil for keys
  // another node serves), and the key scan groups keys in SCAN order: one key per command.
  if constexpr (requires { per_shard.keys_per_mget; }) per_shard.keys_per_mget = 1;
  return make_cluster_key_scan(options, [per_shard] { return std::make_unique<Fetcher>(per_shard); });
}

}  // namespace polars_redis::bindings
