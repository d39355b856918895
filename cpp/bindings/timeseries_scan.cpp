// scan_timeseries / scan_timeseries_multi / timeseries_label_names entry points.
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "bindings.hpp"
#include "cluster_scan.hpp"
#include "polars_redis/read/cluster_timeseries.hpp"
#include "polars_redis/read/timeseries_reader.hpp"

namespace polars_redis::bindings {

namespace {

read::TimeSeriesQuery query_from_plan(const nb::dict& plan) {
  read::TimeSeriesQuery query;
  query.start = plan_get<std::string>(plan, "start", query.start);
  query.end = plan_get<std::string>(plan, "end", query.end);
  if (plan.contains("limit") && !plan["limit"].is_none()) query.limit = nb::cast<int64_t>(plan["limit"]);
  query.aggregation = plan_get<std::string>(plan, "aggregation", "");
  query.bucket_size_ms = plan_get<int64_t>(plan, "bucket_size_ms", 0);
  if (plan.contains("align") && !plan["align"].is_none()) query.align = nb::cast<int64_t>(plan["align"]);
  if (plan.contains("filter_by_value") && !plan["filter_by_value"].is_none()) {
    auto bounds = nb::cast<nb::tuple>(plan["filter_by_value"]);
    query.filter_by_value = std::make_pair(nb::cast<double>(bounds[0]), nb::cast<double>(bounds[1]));
  }
  query.page_size = plan_get<int64_t>(plan, "page_size", query.page_size);
  return query;
}

read::TimeSeriesColumns columns_from_plan(const nb::dict& plan) {
  read::TimeSeriesColumns columns;
  columns.include_timestamp = plan_get<bool>(plan, "include_timestamp", columns.include_timestamp);
  columns.timestamp_column_name = plan_get<std::string>(plan, "timestamp_column_name", columns.timestamp_column_name);
  columns.include_value = plan_get<bool>(plan, "include_value", columns.include_value);
  columns.value_column_name = plan_get<std::string>(plan, "value_column_name", columns.value_column_name);
  return columns;
}

nb::object scan_timeseries(const std::string& url, const nb::dict& plan) {
  read::TimeSeriesOptions options;
  options.connection = net::parse_url(url);
  options.key = nb::cast<std::string>(plan["key"]);
  options.query = query_from_plan(plan);
  options.columns = columns_from_plan(plan);
  if (reaches_cluster(options.connection)) {
    return make_native_scan([options = std::move(options)](read::BatchQueue& queue) {
      read::run_cluster_timeseries_range(options, queue);
    });
  }
  return make_native_scan([options = std::move(options)](read::BatchQueue& queue) {
    read::run_timeseries_range(options, queue);
  });
}

nb::object scan_timeseries_multi(const std::string& url, const nb::dict& plan) {
  read::TimeSeriesMultiOptions options;
  options.connection = net::parse_url(url);
  options.filters = nb::cast<std::vector<std::string>>(plan["filters"]);
  options.query = query_from_plan(plan);
  options.columns = columns_from_plan(plan);
  options.group_by = plan_get<std::string>(plan, "group_by", "");
  options.reducer = plan_get<std::string>(plan, "reducer", "");
  options.with_labels = plan_get<bool>(plan, "with_labels", false);
  options.label_columns = nb::cast<std::vector<std::string>>(plan["label_columns"]);
  options.include_key = plan_get<bool>(plan, "include_key", options.include_key);
  options.key_column_name = plan_get<std::string>(plan, "key_column_name", options.key_column_name);
  if (reaches_cluster(options.connection)) {
    return make_native_scan([options = std::move(options)](read::BatchQueue& queue) {
      read::run_cluster_timeseries_mrange(options, queue);
    });
  }
  return make_native_scan([options = std::move(options)](read::BatchQueue& queue) {
    read::run_timeseries_mrange(options, queue);
  });
}

std::vector<std::string> timeseries_label_names(const std::string& url, const std::vector<std::string>& filters) {
  net::ConnectionOptions connection = net::parse_url(url);
  const bool cluster = reaches_cluster(connection);
  ReleasedGil release;
  return cluster ? read::cluster_timeseries_label_names(connection, filters) : read::timeseries_label_names(connection, filters);
}

}  // namespace

void register_timeseries_scan(nb::module_& m) {
  m.def("scan_timeseries", &scan_timeseries, nb::arg("url"), nb::arg("plan"), "Start a TS.RANGE scan of one series.");
  m.def("scan_timeseries_multi", &scan_timeseries_multi, nb::arg("url"), nb::arg("plan"),
        "Start a TS.MRANGE scan of the series matching label filters.");
  m.def("timeseries_label_names", &timeseries_label_names, nb::arg("url"), nb::arg("filters"),
        "Label names of the series matching `filters`, in first-seen order.");
}

}  // namespace polars_redis::bindings
