// scan_strings entry point.
#include <memory>

#include <nanobind/stl/string.h>

#include "bindings.hpp"
#include "cluster_scan.hpp"
#include "polars_redis/read/string_fetcher.hpp"

namespace polars_redis::bindings {

namespace {

nb::object scan_strings(const std::string& url, const nb::dict& plan) {
  read::KeyScanOptions options = key_scan_options_from_plan(url, plan);
  options.type_filter = "string";
  read::StringFetchOptions fetch;
  if (plan.contains("value") && !plan["value"].is_none()) {
    auto value = nb::cast<nb::tuple>(plan["value"]);
    fetch.value = read::FieldSpec{nb::cast<std::string>(value[0]), dtype_from_dict(nb::cast<nb::dict>(value[1]))};
  }
  fetch.metadata = key_metadata_from_plan(plan);
  fetch.ignore_errors = plan_get<bool>(plan, "ignore_errors", false);
  // A tuning knob for measurements (like max_keys_in_flight), not part of the Python API.
  fetch.keys_per_mget = static_cast<size_t>(plan_get<int64_t>(plan, "keys_per_mget", static_cast<int64_t>(fetch.keys_per_mget)));
  if (auto scan = cluster_key_scan<read::StringFetcher>(options, fetch)) return *scan;
  auto fetcher = std::make_shared<read::StringFetcher>(std::move(fetch));
  return make_native_scan([options = std::move(options), fetcher](read::BatchQueue& queue) {
    read::run_key_scan(options, *fetcher, queue);
  });
}

}  // namespace

void register_string_scan(nb::module_& m) {
  m.def("scan_strings", &scan_strings, nb::arg("url"), nb::arg("plan"), "Start a scan of Redis strings.");
}

}  // namespace polars_redis::bindings
