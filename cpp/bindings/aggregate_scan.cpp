// aggregate: an FT.AGGREGATE query streamed as batches (on a cluster, every shard's rows).
#include <nanobind/stl/string.h>

#include "bindings.hpp"
#include "cluster_scan.hpp"
#include "polars_redis/read/aggregate_reader.hpp"
#include "polars_redis/read/cluster_aggregate.hpp"

namespace polars_redis::bindings {

namespace {

nb::object aggregate(const std::string& url, const nb::dict& plan) {
  read::AggregateOptions options;
  options.connection = net::parse_url(url);
  options.index = nb::cast<std::string>(plan["index"]);
  options.query = nb::cast<std::string>(plan["query"]);
  if (plan.contains("args") && !plan["args"].is_none()) {
    for (auto arg : nb::cast<nb::list>(plan["args"])) options.args.push_back(text_or_bytes(arg));
  }
  for (auto item : nb::cast<nb::list>(plan["columns"])) {
    auto column = nb::cast<nb::sequence>(item);
    options.columns.push_back({nb::cast<std::string>(column[0]), dtype_from_dict(nb::cast<nb::dict>(column[1]))});
  }
  options.batch_size = plan_get<int64_t>(plan, "batch_size", options.batch_size);
  options.count = plan_get<int64_t>(plan, "count", options.count);
  options.ignore_errors = plan_get<bool>(plan, "ignore_errors", options.ignore_errors);
  if (reaches_cluster(options.connection)) {
    return make_native_scan([options = std::move(options)](read::BatchQueue& queue) {
      read::run_cluster_aggregate(options, queue);
    });
  }
  return make_native_scan([options = std::move(options)](read::BatchQueue& queue) {
    read::run_aggregate(options, queue);
  });
}

}  // namespace

void register_aggregate_scan(nb::module_& m) {
  m.def("aggregate", &aggregate, nb::arg("url"), nb::arg("plan"), "Start an FT.AGGREGATE scan read with a cursor.");
}

}  // namespace polars_redis::bindings
