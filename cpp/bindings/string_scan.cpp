// scan_strings entry point.
#include <memory>

#include <nanobind/stl/string.h>

#include "bindings.hpp"
#include "cluster_scan.hpp"
#include "polars_redis/read/string_fetcher.hpp"

namespace polars_redis::bindings {

namespace {

nb::object scan_strings(const std::string& url, const nb::dict& dict) {
  PlanReader plan(dict, "scan_strings");
  read::KeyScanOptions options = key_scan_options_from_plan(url, plan);
  options.type_filter = "string";
  read::StringFetchOptions fetch;
  if (plan.has("value")) {
    auto value = cast_tuple(plan.required<nb::tuple>("value"), 2, plan.describe("value"));
    fetch.value = read::FieldSpec{cast_value<std::string>(value[0], plan.place("['value'][0]")),
                                  dtype_from_plan(plan.inner(value[1], "['value'][1]"))};
  }
  fetch.metadata = key_metadata_from_plan(plan);
  fetch.ignore_errors = plan.get<bool>("ignore_errors", false);
  // A tuning knob for measurements (like max_keys_in_flight), not part of the Python API.
  fetch.keys_per_mget = plan.get<size_t>("keys_per_mget", fetch.keys_per_mget);
  plan.finish();
  if (auto scan = cluster_key_scan<read::StringFetcher>(options, fetch)) return *scan;
  auto fetcher = std::make_shared<read::StringFetcher>(std::move(fetch));
  return make_native_scan([options = std::move(options), fetcher](read::BatchQueue& queue) {
    read::run_key_scan(options, *fetcher, queue);
  });
}

}  // namespace

void register_string_scan(nb::module_& m) {
  m.def("scan_strings", &scan_strings,
        nb::sig("def scan_strings(url: str, plan: dict[str, typing.Any]) -> NativeScan | ClusterScan"),
        nb::arg("url"), nb::arg("plan"), "Start a scan of Redis strings.");
}

}  // namespace polars_redis::bindings
