// aggregate: an FT.AGGREGATE query streamed as batches (on a cluster, every shard's rows).
#include <nanobind/stl/string.h>

#include "bindings.hpp"
#include "cluster_scan.hpp"
#include "polars_redis/read/aggregate_reader.hpp"
#include "polars_redis/read/cluster_aggregate.hpp"

namespace polars_redis::bindings {

namespace {

nb::object aggregate(const std::string& url, const nb::dict& dict) {
  auto options = read_plan<read::AggregateOptions>(
      url, dict, "aggregate", [](PlanReader& plan, read::AggregateOptions& options) {
        options.index = plan.required<std::string>("index");
        options.query = plan.required<std::string>("query");
        const std::string arg_place = plan.describe("args") + " item";
        for (auto arg : plan.get<nb::list>("args", nb::list())) options.args.push_back(text_or_bytes(arg, arg_place));
        options.columns = fields_from_plan(plan, "columns");
        options.batch_size = plan.get<int64_t>("batch_size", options.batch_size);
        options.count = plan.get<int64_t>("count", options.count);
        options.ignore_errors = plan.get<bool>("ignore_errors", options.ignore_errors);
      });
  const bool cluster = read_reaches_cluster(options.connection);
  return native_scan_on(cluster, std::move(options), &read::run_cluster_aggregate, &read::run_aggregate);
}

}  // namespace

void register_aggregate_scan(nb::module_& m) {
  def_native_scan(m, "aggregate", &aggregate, "Start an FT.AGGREGATE scan read with a cursor.");
}

}  // namespace polars_redis::bindings
