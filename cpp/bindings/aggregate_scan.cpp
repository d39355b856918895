// aggregate: an FT.AGGREGATE query streamed as batches (on a cluster, every shard's rows).
#include <nanobind/stl/string.h>

#include "bindings.hpp"
#include "cluster_scan.hpp"
#include "polars_redis/read/aggregate_reader.hpp"
#include "polars_redis/read/cluster_aggregate.hpp"

namespace polars_redis::bindings {

namespace {

nb::object aggregate(const std::string& url, const nb::dict& dict) {
  PlanReader plan(dict, "aggregate");
  read::AggregateOptions options;
  options.connection = net::parse_url(url);
  options.index = plan.required<std::string>("index");
  options.query = plan.required<std::string>("query");
  const std::string arg_place = plan.describe("args") + " item";
  for (auto arg : plan.get<nb::list>("args", nb::list())) options.args.push_back(text_or_bytes(arg, arg_place));
  for (auto item : plan.required<nb::list>("columns")) {
    const std::string at = "['columns'][" + std::to_string(options.columns.size()) + "]";
    auto column = cast_tuple(item, 2, plan.place(at));
    options.columns.push_back(
        {cast_value<std::string>(column[0], plan.place(at + "[0]")), dtype_from_plan(plan.inner(column[1], at + "[1]"))});
  }
  options.batch_size = plan.get<int64_t>("batch_size", options.batch_size);
  options.count = plan.get<int64_t>("count", options.count);
  options.ignore_errors = plan.get<bool>("ignore_errors", options.ignore_errors);
  plan.finish();
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
  m.def("aggregate", &aggregate,
        nb::sig("def aggregate(url: str, plan: dict[str, typing.Any]) -> NativeScan"),
        nb::arg("url"), nb::arg("plan"), "Start an FT.AGGREGATE scan read with a cursor.");
}

}  // namespace polars_redis::bindings
