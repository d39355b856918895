// scan_timeseries / scan_timeseries_multi / timeseries_label_names entry points.
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "bindings.hpp"
#include "cluster_scan.hpp"
#include "scan_descriptions.hpp"
#include "polars_redis/read/cluster_timeseries.hpp"
#include "polars_redis/read/timeseries_reader.hpp"

namespace polars_redis::bindings {

namespace {

read::TimeSeriesQuery query_from_plan(PlanReader& plan) {
  read::TimeSeriesQuery query;
  query.start = plan.get<std::string>("start", query.start);
  query.end = plan.get<std::string>("end", query.end);
  query.limit = plan.optional<int64_t>("limit");
  query.aggregation = plan.get<std::string>("aggregation", "");
  query.bucket_size_ms = plan.get<int64_t>("bucket_size_ms", 0);
  query.align = plan.optional<int64_t>("align");
  if (plan.has("filter_by_value")) {
    const std::string what = plan.describe("filter_by_value");
    auto bounds = cast_tuple(plan.required<nb::tuple>("filter_by_value"), 2, what);
    query.filter_by_value =
        std::make_pair(cast_value<double>(bounds[0], what + "[0]"), cast_value<double>(bounds[1], what + "[1]"));
  }
  query.page_size = plan.get<int64_t>("page_size", query.page_size);
  return query;
}

read::TimeSeriesColumns columns_from_plan(PlanReader& plan) {
  read::TimeSeriesColumns columns;
  optional_column_from_plan(plan, "include_timestamp", "timestamp_column_name",
                            columns.include_timestamp, columns.timestamp_column_name);
  optional_column_from_plan(plan, "include_value", "value_column_name",
                            columns.include_value, columns.value_column_name);
  return columns;
}

read::TimeSeriesOptions range_plan(const std::string& url, const nb::dict& dict) {
  return read_plan<read::TimeSeriesOptions>(
      url, dict, "scan_timeseries", [](PlanReader& plan, read::TimeSeriesOptions& options) {
        options.key = plan.required<std::string>("key");
        options.query = query_from_plan(plan);
        options.columns = columns_from_plan(plan);
      });
}

nb::object scan_timeseries(const std::string& url, const nb::dict& dict) {
  read::TimeSeriesOptions options = range_plan(url, dict);
  const bool cluster = read_reaches_cluster(options.connection);
  return native_scan_on(cluster, std::move(options), &read::run_cluster_timeseries_range, &read::run_timeseries_range);
}

read::TimeSeriesMultiOptions mrange_plan(const std::string& url, const nb::dict& dict) {
  return read_plan<read::TimeSeriesMultiOptions>(
      url, dict, "scan_timeseries_multi", [](PlanReader& plan, read::TimeSeriesMultiOptions& options) {
        options.filters = plan.required<std::vector<std::string>>("filters");
        options.query = query_from_plan(plan);
        options.columns = columns_from_plan(plan);
        options.group_by = plan.get<std::string>("group_by", "");
        options.reducer = plan.get<std::string>("reducer", "");
        options.with_labels = plan.get<bool>("with_labels", false);
        options.label_columns = plan.required<std::vector<std::string>>("label_columns");
        optional_column_from_plan(plan, "include_key", "key_column_name", options.include_key, options.key_column_name);
      });
}

nb::object scan_timeseries_multi(const std::string& url, const nb::dict& dict) {
  read::TimeSeriesMultiOptions options = mrange_plan(url, dict);
  const bool cluster = read_reaches_cluster(options.connection);
  return native_scan_on(cluster, std::move(options),
                        &read::run_cluster_timeseries_mrange, &read::run_timeseries_mrange);
}

std::vector<std::string> timeseries_label_names(const std::string& url, const std::vector<std::string>& filters) {
  net::ConnectionOptions connection = net::parse_url(url);
  const bool cluster = reaches_cluster(connection);
  ReleasedGil release;
  return cluster ? read::cluster_timeseries_label_names(connection, filters) : read::timeseries_label_names(connection, filters);
}

}  // namespace

void register_timeseries_scan(nb::module_& m) {
  def_native_scan(m, "scan_timeseries", &scan_timeseries, "Start a TS.RANGE scan of one series.");
  def_native_scan(m, "scan_timeseries_multi", &scan_timeseries_multi,
                  "Start a TS.MRANGE scan of the series matching label filters.");
  add_scan_description("scan_timeseries", [](const std::string& url, const nb::dict& plan, bool) {
    return description_to_python(read::describe_timeseries_range(range_plan(url, plan)));
  });
  add_scan_description("scan_timeseries_multi", [](const std::string& url, const nb::dict& plan, bool) {
    return description_to_python(read::describe_timeseries_mrange(mrange_plan(url, plan)));
  });
  m.def("timeseries_label_names", &timeseries_label_names, nb::arg("url"), nb::arg("filters"),
        "Label names of the series matching `filters`, in first-seen order.");
}

}  // namespace polars_redis::bindings
