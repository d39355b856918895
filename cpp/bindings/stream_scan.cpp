// scan_stream / read_stream_group / create_stream_group / ack_stream entry points.
#include <optional>

#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "bindings.hpp"
#include "cluster_scan.hpp"
#include "scan_descriptions.hpp"
#include "polars_redis/net/cluster_topology.hpp"
#include "polars_redis/read/cluster_stream_scan.hpp"
#include "polars_redis/read/stream_group.hpp"
#include "polars_redis/read/stream_reader.hpp"

namespace polars_redis::bindings {

namespace {

read::StreamColumns stream_columns_from_plan(PlanReader& plan) {
  read::StreamColumns columns;
  columns.fields = fields_from_plan(plan);
  optional_column_from_plan(plan, "include_key", "key_column_name", columns.include_key, columns.key_column_name);
  optional_column_from_plan(plan, "include_id", "id_column_name", columns.include_id, columns.id_column_name);
  optional_column_from_plan(plan, "include_timestamp", "timestamp_column_name",
                            columns.include_timestamp, columns.timestamp_column_name);
  columns.ignore_errors = plan.get<bool>("ignore_errors", columns.ignore_errors);
  return columns;
}

// The plan of scan_stream, and the row numbering it asks for: streams are read concurrently
// (several keys, shards), so rows are numbered as they are taken.
struct StreamScanPlan {
  read::StreamScanOptions options;
  std::optional<read::RowNumbering> numbering;
};

StreamScanPlan stream_scan_plan(const std::string& url, const nb::dict& dict) {
  StreamScanPlan scan;
  scan.options = read_plan<read::StreamScanOptions>(
      url, dict, "scan_stream", [&scan](PlanReader& plan, read::StreamScanOptions& options) {
        bool include_row_index = false;
        std::string row_index_column;
        optional_column_from_plan(plan, "include_row_index", "row_index_column_name", include_row_index,
                                  row_index_column);
        const int64_t offset = plan.get<int64_t>("row_index_offset", 0);
        if (include_row_index) scan.numbering.emplace(row_index_column, offset);
        options.keys = plan.required<std::vector<std::string>>("keys");
        options.start_id = plan.get<std::string>("start_id", options.start_id);
        options.end_id = plan.get<std::string>("end_id", options.end_id);
        options.count = plan.optional<int64_t>("count");
        options.columns = stream_columns_from_plan(plan);
        options.page_size = plan.get<int64_t>("page_size", options.page_size);
        options.batch_size = plan.get<int64_t>("batch_size", options.batch_size);
        options.n_rows = plan.optional<int64_t>("n_rows");
        options.budget = budget_from_plan(plan);
        options.snapshot = plan.get<bool>("snapshot", false);
        options.rdb_path = plan.get<std::string>("rdb_path", "");
      });
  return scan;
}

nb::object scan_stream(const std::string& url, const nb::dict& dict) {
  StreamScanPlan scan = stream_scan_plan(url, dict);
  const bool cluster = scan.options.rdb_path.empty() && read_reaches_cluster(scan.options.connection);
  return native_scan_on(cluster, std::move(scan.options), &read::run_cluster_stream_scan, &read::run_stream_scan,
                        std::move(scan.numbering));
}

nb::object read_stream_group(const std::string& url, const nb::dict& dict) {
  auto options = read_plan<read::StreamGroupReadOptions>(
      url, dict, "read_stream_group", [](PlanReader& plan, read::StreamGroupReadOptions& options) {
        options.key = plan.required<std::string>("key");
        options.group = plan.required<std::string>("group");
        options.consumer = plan.required<std::string>("consumer");
        options.count = plan.optional<int64_t>("count");
        options.block_ms = plan.optional<int64_t>("block_ms");
        options.create_group = plan.get<bool>("create_group", options.create_group);
        options.create_start_id = plan.get<std::string>("start_id", options.create_start_id);
        options.pending = plan.get<bool>("pending", options.pending);
        options.columns = stream_columns_from_plan(plan);
        options.page_size = plan.get<int64_t>("page_size", options.page_size);
        options.batch_size = plan.get<int64_t>("batch_size", options.batch_size);
      });
  return make_native_scan([options = std::move(options)](read::BatchQueue& queue) mutable {
    // XREADGROUP changes the group's state: it runs on the key's primary.
    options.connection = net::key_node_options(options.connection, options.key, false);
    read::run_stream_group_read(options, queue);
  }, /*restarts=*/0);  // XREADGROUP moves the group's cursor: a restart could lose entries
}

bool create_stream_group(const std::string& url, const std::string& key, const std::string& group,
                         const std::string& start_id) {
  net::ConnectionOptions connection = net::parse_url(url);
  ReleasedGil release;
  return read::create_stream_group(net::key_node_options(connection, key, false), key, group, start_id);
}

int64_t ack_stream(const std::string& url, const std::string& key, const std::string& group,
                   const std::vector<std::string>& ids) {
  net::ConnectionOptions connection = net::parse_url(url);
  ReleasedGil release;
  return read::ack_stream(net::key_node_options(connection, key, false), key, group, ids);
}

}  // namespace

void register_stream_scan(nb::module_& m) {
  def_native_scan(m, "scan_stream", &scan_stream, "Start an XRANGE scan of Redis streams.");
  def_native_scan(m, "read_stream_group", &read_stream_group, "Start an XREADGROUP read of one stream.");
  add_scan_description("scan_stream", [](const std::string& url, const nb::dict& plan, bool) {
    return description_to_python(read::describe_stream_scan(stream_scan_plan(url, plan).options));
  });
  m.def("create_stream_group", &create_stream_group, nb::arg("url"), nb::arg("key"), nb::arg("group"),
        nb::arg("start_id"));
  m.def("ack_stream", &ack_stream, nb::arg("url"), nb::arg("key"), nb::arg("group"), nb::arg("ids"));
}

}  // namespace polars_redis::bindings
