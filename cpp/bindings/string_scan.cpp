// scan_strings entry point.
#include <memory>

#include <nanobind/stl/string.h>

#include "bindings.hpp"
#include "cluster_scan.hpp"
#include "key_scan_entry.hpp"
#include "polars_redis/read/string_fetcher.hpp"

namespace polars_redis::bindings {

namespace {

KeyScanPlan<read::StringFetchOptions> string_scan_plan(const std::string& url, const nb::dict& dict) {
  PlanReader plan(dict, "scan_strings");
  KeyScanPlan<read::StringFetchOptions> scan{key_scan_options_from_plan(url, plan), {}};
  read::KeyScanOptions& options = scan.options;
  options.type_filter = "string";
  read::StringFetchOptions& fetch = scan.fetch;
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
  return scan;
}

}  // namespace

void register_string_scan(nb::module_& m) {
  def_key_scan<read::StringFetcher>(m, "scan_strings", &string_scan_plan, "Start a scan of Redis strings.");
}

}  // namespace polars_redis::bindings
