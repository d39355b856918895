// The cluster side of writes: whether a URL reaches a cluster (the writers ask, and run the core's
// cluster writer then: write/cluster_writer.hpp), and a write's connection to one given node
// (plan["cluster_node"], for probing a node's RESTORE support).
#include <nanobind/stl/string.h>

#include "cluster_scan.hpp"
#include "polars_redis/error.hpp"
#include "polars_redis/net/cluster_topology.hpp"
#include "polars_redis/net/node_routing.hpp"

namespace polars_redis::bindings {

net::ConnectionOptions write_connection(const std::string& url, PlanReader& plan) {
  net::ConnectionOptions options = net::for_writes(net::parse_url(url));
  if (!plan.has("cluster_node")) return options;
  const std::string what = plan.describe("cluster_node");
  auto node = cast_tuple(plan.required<nb::tuple>("cluster_node"), 2, what);
  const net::ClusterNode address{cast_value<std::string>(node[0], what + "[0]"), cast_value<uint16_t>(node[1], what + "[1]"), {}};
  return net::node_options(options, address, false);
}

void register_cluster_writes(nb::module_& m) {
  m.def("is_cluster", [](const std::string& url) { return reaches_cluster(net::parse_url(url)); }, nb::arg("url"),
        "Whether the URL reaches a Redis Cluster (redis+cluster://, or a node with cluster_enabled:1).");
}

}  // namespace polars_redis::bindings
