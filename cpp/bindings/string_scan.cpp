// scan_strings entry point.
#include <nanobind/stl/string.h>

#include "bindings.hpp"
#include "key_scan_entry.hpp"
#include "polars_redis/read/string_fetcher.hpp"

namespace polars_redis::bindings {

namespace {

KeyScanPlan<read::StringFetchOptions> string_scan_plan(const std::string& url, const nb::dict& plan) {
  KeyScanPlan<read::StringFetchOptions> scan{key_scan_options_from_plan(url, plan), {}};
  scan.options.type_filter = "string";
  read::StringFetchOptions& fetch = scan.fetch;
  if (plan.contains("value") && !plan["value"].is_none()) {
    auto value = nb::cast<nb::tuple>(plan["value"]);
    fetch.value = read::FieldSpec{nb::cast<std::string>(value[0]), dtype_from_dict(nb::cast<nb::dict>(value[1]))};
  }
  fetch.metadata = key_metadata_from_plan(plan);
  fetch.ignore_errors = plan_get<bool>(plan, "ignore_errors", false);
  // A tuning knob for measurements (like max_keys_in_flight), not part of the Python API.
  fetch.keys_per_mget = static_cast<size_t>(plan_get<int64_t>(plan, "keys_per_mget", static_cast<int64_t>(fetch.keys_per_mget)));
  return scan;
}

}  // namespace

void register_string_scan(nb::module_& m) {
  def_key_scan<read::StringFetcher>(m, "scan_strings", &string_scan_plan, "Start a scan of Redis strings.");
}

}  // namespace polars_redis::bindings
