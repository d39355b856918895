#pragma once
// Routing of the key-based scan entry points to the cluster scan.
#include <memory>
#include <optional>

#include "bindings.hpp"
#include "polars_redis/error.hpp"
#include "polars_redis/read/cluster_key_scan.hpp"

namespace polars_redis::bindings {

// Whether the URL's server is a Redis Cluster (a network check the first time, GIL released).
bool reaches_cluster(const net::ConnectionOptions& options);

// A Python scan object running read::run_cluster_key_scan, adding the row index (when the plan
// asks for it) in the order the consumer receives the rows.
nb::object make_cluster_key_scan(read::KeyScanOptions options, read::FetcherFactory make_fetcher);

// The connection of a write: the URL's, or with plan["cluster_node"] = (host, port) that node's
// (the seed's credentials, TLS settings and timeouts).
net::ConnectionOptions write_connection(const std::string& url, PlanReader& plan);

void register_cluster_writes(nb::module_& m);
void register_cluster_nodes(nb::module_& m);

// The connection of a raw command: the URL's, or with `node` = (host, port[, readonly]) a
// cluster node's (see cluster_nodes.cpp).
net::ConnectionOptions command_connection(const std::string& url, const nb::handle& node);

// Schema inference on a cluster (GIL released by the caller): the sample of the first shard, in
// slot order, that finds any field (each shard's read node: a replica with read_from_replicas).
template <typename Infer>
auto infer_on_cluster(const net::ConnectionOptions& seed, Infer infer) -> decltype(infer(seed)) {
  const net::ClusterTopology topology = net::discover_topology(seed);
  decltype(infer(seed)) schema;
  for (const net::ClusterShard& shard : topology.shards) {
    schema = infer(net::read_node_options(seed, shard));
    if (!schema.empty()) break;
  }
  return schema;
}

// The entry points' branch: a cluster scan with `Fetcher(fetch)` per shard, or nullopt on a
// single node.
template <typename Fetcher, typename FetchOptions>
std::optional<nb::object> cluster_key_scan(const read::KeyScanOptions& options, const FetchOptions& fetch) {
  // An RDB file needs no server; a snapshot of a cluster is one per shard, like SCAN.
  if (options.source.kind == read::KeySourceSpec::Kind::kRdbFile) return std::nullopt;
  if (!reaches_cluster(options.connection)) {
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
