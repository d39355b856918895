// Reading a scan plan (the dict the Python layer builds) into core options.
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "bindings.hpp"

namespace polars_redis::bindings {

read::KeyScanOptions key_scan_options_from_plan(const std::string& url, const nb::dict& plan) {
  read::KeyScanOptions options;
  options.connection = net::parse_url(url);
  options.pattern = plan_get<std::string>(plan, "pattern", options.pattern);
  options.count_hint = plan_get<int64_t>(plan, "count_hint", options.count_hint);
  options.max_keys_in_flight = plan_get<int64_t>(plan, "max_keys_in_flight", options.max_keys_in_flight);
  if (plan.contains("keys") && !plan["keys"].is_none()) options.keys = nb::cast<std::vector<std::string>>(plan["keys"]);
  options.include_key = plan_get<bool>(plan, "include_key", options.include_key);
  options.key_column_name = plan_get<std::string>(plan, "key_column_name", options.key_column_name);
  options.include_row_index = plan_get<bool>(plan, "include_row_index", options.include_row_index);
  options.row_index_column_name = plan_get<std::string>(plan, "row_index_column_name", options.row_index_column_name);
  options.row_index_offset = plan_get<int64_t>(plan, "row_index_offset", options.row_index_offset);
  options.batch_size = plan_get<int64_t>(plan, "batch_size", options.batch_size);
  if (plan.contains("n_rows") && !plan["n_rows"].is_none()) options.n_rows = nb::cast<int64_t>(plan["n_rows"]);
  return options;
}

std::vector<read::FieldSpec> fields_from_plan(const nb::dict& plan) {
  std::vector<read::FieldSpec> fields;
  for (auto item : nb::cast<nb::list>(plan["fields"])) {
    auto field = nb::cast<nb::tuple>(item);
    fields.push_back({nb::cast<std::string>(field[0]), dtype_from_dict(nb::cast<nb::dict>(field[1]))});
  }
  return fields;
}

read::KeyMetadataOptions key_metadata_from_plan(const nb::dict& plan) {
  read::KeyMetadataOptions options;
  options.include_ttl = plan_get<bool>(plan, "include_ttl", options.include_ttl);
  options.ttl_column_name = plan_get<std::string>(plan, "ttl_column_name", options.ttl_column_name);
  options.include_memory_usage = plan_get<bool>(plan, "include_memory_usage", options.include_memory_usage);
  options.memory_column_name = plan_get<std::string>(plan, "memory_column_name", options.memory_column_name);
  return options;
}

}  // namespace polars_redis::bindings
