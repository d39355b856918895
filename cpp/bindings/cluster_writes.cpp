// Routing of writes over a Redis Cluster. The Python layer (_cluster_writes.py) asks which node
// serves each row's key (cluster_route, from the frame's Arrow stream, with the key text the row
// writer renders), splits the frame per node, and runs the ordinary row writer on each part
// against that node (plan["cluster_node"]), which hands back the rows the node redirected
// (MOVED / ASK / TRYAGAIN) for the Python layer to send where they belong.
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include "cluster_scan.hpp"
#include "polars_redis/arrow/imported_stream.hpp"
#include "polars_redis/error.hpp"
#include "polars_redis/net/cluster_topology.hpp"
#include "polars_redis/net/node_routing.hpp"

namespace polars_redis::bindings {

namespace {

// (primaries as (host, port), one batch with a UInt16 column "node": the index of the primary
// serving each row's key, prefix + the key column's text). A null key goes to node 0, whose
// writer reports it.
std::pair<std::vector<std::pair<std::string, int>>, nb::object> cluster_route(const std::string& url, nb::handle stream,
                                                                              const std::string& key_column,
                                                                              const std::string& key_prefix) {
  const net::ConnectionOptions seed = net::parse_url(url);
  arrow::ImportedStream in(stream_from_capsule(stream));
  const int key = in.index_of(key_column);
  if (key < 0) throw Error(ErrorKind::kInvalidArgument, "key_column '" + quote_for_message(key_column) + "' is not a column of the frame");
  std::vector<std::pair<std::string, int>> nodes;
  arrow::BatchBuilder builder;
  {
    ReleasedGil release;
    const net::ClusterTopology topology = net::discover_topology(seed);
    for (const net::ClusterShard& shard : topology.shards) nodes.emplace_back(shard.primary.host, shard.primary.port);
    arrow::ColumnBuilder& node = builder.add_column("node", DataType::of(TypeId::kUInt16));
    std::string text;
    while (in.next()) {
      const arrow::ColumnView& column = in.column(static_cast<size_t>(key));
      node.reserve(node.length() + in.num_rows());
      for (int64_t row = 0; row < in.num_rows(); ++row) {
        if (column.is_null(row)) {
          node.append_int64(0);
          continue;
        }
        text.assign(key_prefix);
        column.append_text(row, text);
        node.append_int64(topology.shard_index_of_key(text));
      }
    }
  }
  return {std::move(nodes), wrap_batch(builder.finish())};
}

}  // namespace

net::ConnectionOptions write_connection(const std::string& url, PlanReader& plan) {
  net::ConnectionOptions options = net::for_writes(net::parse_url(url));
  if (!plan.has("cluster_node")) return options;
  const std::string what = plan.describe("cluster_node");
  auto node = cast_tuple(plan.required<nb::tuple>("cluster_node"), 2, what);
  const net::ClusterNode address{cast_value<std::string>(node[0], what + "[0]"), cast_value<uint16_t>(node[1], what + "[1]"), {}};
  return net::node_options(options, address, false);
}

void register_cluster_writes(nb::module_& m) {
  m.def("cluster_route", &cluster_route,
        nb::sig("def cluster_route(url: str, stream: object, key_column: str, key_prefix: str) -> "
                "tuple[list[tuple[str, int]], ArrowBatch]"),
        nb::arg("url"), nb::arg("stream"), nb::arg("key_column"), nb::arg("key_prefix"),
        "The primaries of a cluster and, per row, the index of the one serving the row's key.");
  m.def("is_cluster", [](const std::string& url) { return reaches_cluster(net::parse_url(url)); }, nb::arg("url"),
        "Whether the URL reaches a Redis Cluster (redis+cluster://, or a node with cluster_enabled:1).");
}

}  // namespace polars_redis::bindings
