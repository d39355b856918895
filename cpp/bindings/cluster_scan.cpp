// The cluster key scan's entry: a NativeScan over every shard. Shards produce batches
// concurrently, so a row's position is known only when the consumer takes its batch: the reader
// numbers rows then (read::RowNumbering).
#include <optional>

#include "cluster_scan.hpp"
#include "polars_redis/net/cluster_topology.hpp"
#include "polars_redis/net/read_restarts.hpp"
#include "polars_redis/read/row_index.hpp"

namespace polars_redis::bindings {

bool reaches_cluster(const net::ConnectionOptions& options) {
  ReleasedGil release;
  return net::is_cluster(options);
}

bool read_reaches_cluster(const net::ConnectionOptions& options) {
  return net::with_read_restarts(options.retries, [&] { return reaches_cluster(options); });
}

nb::object make_cluster_key_scan(read::KeyScanOptions options, read::FetcherFactory make_fetcher) {
  std::optional<read::RowNumbering> numbering;
  if (options.include_row_index) numbering.emplace(options.row_index_column_name, options.row_index_offset);
  const int restarts = options.connection.retries;
  return make_native_scan(
      [options = std::move(options), make_fetcher = std::move(make_fetcher)](read::BatchQueue& queue) {
        read::run_cluster_key_scan(options, make_fetcher, queue);
      },
      restarts, std::move(numbering));
}

void register_cluster_scan(nb::module_& m) {
  register_cluster_writes(m);
  register_cluster_nodes(m);
  m.def("cluster_key_slot", [](nb::bytes key) { return net::key_slot(std::string_view(key.c_str(), key.size())); },
        nb::arg("key"), "The Redis Cluster hash slot of a key (CRC16 of its hash tag, mod 16384).");
}

}  // namespace polars_redis::bindings
