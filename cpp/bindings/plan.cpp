// Reading a scan plan (the dict the Python layer builds) into core options.
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "bindings.hpp"
#include "polars_redis/error.hpp"

namespace polars_redis::bindings {

std::string text_or_bytes(nb::handle value) {
  if (nb::isinstance<nb::bytes>(value)) {
    auto data = nb::borrow<nb::bytes>(value);
    return std::string(data.c_str(), data.size());
  }
  return nb::cast<std::string>(value);
}

namespace {

// plan["key_source"]: {"kind": "scan"} | {"kind": "keys", "keys": [...]} |
// {"kind": "search", "index", "query", "dialect", "params", "sort_by", "limit"}.
read::KeySourceSpec key_source_from_plan(const nb::dict& spec) {
  read::KeySourceSpec source;
  const std::string kind = plan_get<std::string>(spec, "kind", "scan");
  if (kind == "scan") return source;
  if (kind == "snapshot") {
    source.kind = read::KeySourceSpec::Kind::kSnapshot;
    return source;
  }
  if (kind == "rdb") {
    source.kind = read::KeySourceSpec::Kind::kRdbFile;
    source.rdb_path = nb::cast<std::string>(spec["path"]);
    return source;
  }
  if (kind == "keys") {
    source.kind = read::KeySourceSpec::Kind::kKeys;
    for (auto key : nb::cast<nb::list>(spec["keys"])) source.keys.push_back(text_or_bytes(key));
    return source;
  }
  if (kind != "search") throw Error(ErrorKind::kInvalidArgument, "unknown key source kind '" + quote_for_message(kind) + "'");
  source.kind = read::KeySourceSpec::Kind::kSearch;
  read::SearchKeyQuery& search = source.search;
  search.index = nb::cast<std::string>(spec["index"]);
  search.query = nb::cast<std::string>(spec["query"]);
  search.dialect = plan_get<int>(spec, "dialect", search.dialect);
  if (spec.contains("params") && !spec["params"].is_none()) {
    for (auto item : nb::cast<nb::list>(spec["params"])) {
      auto pair = nb::cast<nb::sequence>(item);
      search.params.emplace_back(text_or_bytes(pair[0]), text_or_bytes(pair[1]));
    }
  }
  if (spec.contains("sort_by") && !spec["sort_by"].is_none()) {
    for (auto item : nb::cast<nb::list>(spec["sort_by"])) {
      auto pair = nb::cast<nb::sequence>(item);
      const std::string order = nb::cast<std::string>(pair[1]);
      if (order != "ASC" && order != "DESC") {
        throw Error(ErrorKind::kInvalidArgument, "sort_by order must be ASC or DESC, not '" + quote_for_message(order) + "'");
      }
      search.sort_by.emplace_back(nb::cast<std::string>(pair[0]), order == "DESC");
    }
  }
  if (spec.contains("limit") && !spec["limit"].is_none()) search.limit = nb::cast<int64_t>(spec["limit"]);
  return source;
}

}  // namespace

read::KeyScanOptions key_scan_options_from_plan(const std::string& url, const nb::dict& plan) {
  read::KeyScanOptions options;
  options.connection = net::parse_url(url);
  options.pattern = plan_get<std::string>(plan, "pattern", options.pattern);
  options.count_hint = plan_get<int64_t>(plan, "count_hint", options.count_hint);
  options.max_keys_in_flight = plan_get<int64_t>(plan, "max_keys_in_flight", options.max_keys_in_flight);
  if (plan.contains("key_source") && !plan["key_source"].is_none()) {
    options.source = key_source_from_plan(nb::cast<nb::dict>(plan["key_source"]));
  }
  if (plan.contains("match_pattern") && !plan["match_pattern"].is_none()) {
    options.match_pattern = nb::cast<std::string>(plan["match_pattern"]);
  }
  options.include_key = plan_get<bool>(plan, "include_key", options.include_key);
  options.key_column_name = plan_get<std::string>(plan, "key_column_name", options.key_column_name);
  options.include_row_index = plan_get<bool>(plan, "include_row_index", options.include_row_index);
  options.row_index_column_name = plan_get<std::string>(plan, "row_index_column_name", options.row_index_column_name);
  options.row_index_offset = plan_get<int64_t>(plan, "row_index_offset", options.row_index_offset);
  options.batch_size = plan_get<int64_t>(plan, "batch_size", options.batch_size);
  options.batch_bytes = plan_get<int64_t>(plan, "batch_bytes", options.batch_bytes);
  if (plan.contains("n_rows") && !plan["n_rows"].is_none()) options.n_rows = nb::cast<int64_t>(plan["n_rows"]);
  options.budget = budget_from_plan(plan);
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
