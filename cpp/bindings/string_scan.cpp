// scan_strings entry point.
#include <memory>

#include <nanobind/stl/string.h>

#include "bindings.hpp"
#include "cluster_scan.hpp"
#include "key_scan_entry.hpp"
#include "polars_redis/read/string_fetcher.hpp"

namespace polars_redis::bindings {

namespace {

read::StringFetchOptions string_fetch_from_plan(PlanReader& plan, const read::KeyScanOptions&) {
  read::StringFetchOptions fetch;
  if (plan.has("value")) {
    auto value = cast_tuple(plan.required<nb::tuple>("value"), 2, plan.describe("value"));
    fetch.value = column_from_plan(plan, value, "['value']");
  }
  fetch.metadata = key_metadata_from_plan(plan);
  fetch.ignore_errors = plan.get<bool>("ignore_errors", false);
  // A tuning knob for measurements (like max_keys_in_flight), not part of the Python API.
  fetch.keys_per_mget = plan.get<size_t>("keys_per_mget", fetch.keys_per_mget);
  return fetch;
}

}  // namespace

void register_string_scan(nb::module_& m) {
  def_key_scan<read::StringFetcher>(m, "scan_strings", "string", &string_fetch_from_plan,
                                    "Start a scan of Redis strings.");
}

}  // namespace polars_redis::bindings
