// Reading a scan plan (the dict the Python layer builds) into core options.
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "bindings.hpp"
#include "polars_redis/error.hpp"

namespace polars_redis::bindings {

namespace {

// plan["key_source"]: {"kind": "scan"} | {"kind": "keys", "keys": [...]} | {"kind": "snapshot"} |
// {"kind": "rdb", "path"} | {"kind": "search", "index", "query", "dialect", "params", "sort_by", "limit"}.
read::KeySourceSpec key_source_from_plan(PlanReader spec) {
  read::KeySourceSpec source;
  const std::string kind = spec.get<std::string>("kind", "scan");
  if (kind == "snapshot") {
    source.kind = read::KeySourceSpec::Kind::kSnapshot;
  } else if (kind == "rdb") {
    source.kind = read::KeySourceSpec::Kind::kRdbFile;
    source.rdb_path = spec.required<std::string>("path");
  } else if (kind == "keys") {
    source.kind = read::KeySourceSpec::Kind::kKeys;
    const std::string what = spec.describe("keys");
    for (auto key : spec.required<nb::list>("keys")) source.keys.push_back(text_or_bytes(key, what + " item"));
  } else if (kind == "search") {
    source.kind = read::KeySourceSpec::Kind::kSearch;
    read::SearchKeyQuery& search = source.search;
    search.index = spec.required<std::string>("index");
    search.query = spec.required<std::string>("query");
    search.dialect = spec.get<int>("dialect", search.dialect);
    const std::string params = spec.describe("params") + " item";
    for (auto item : spec.get<nb::list>("params", nb::list())) {
      auto pair = cast_tuple(item, 2, params);
      search.params.emplace_back(text_or_bytes(pair[0], params), text_or_bytes(pair[1], params));
    }
    const std::string sort_by = spec.describe("sort_by") + " item";
    for (auto item : spec.get<nb::list>("sort_by", nb::list())) {
      auto pair = cast_tuple(item, 2, sort_by);
      const std::string order = cast_value<std::string>(pair[1], sort_by);
      if (order != "ASC" && order != "DESC") {
        throw Error(ErrorKind::kInvalidArgument, "sort_by order must be ASC or DESC, not '" + quote_for_message(order) + "'");
      }
      search.sort_by.emplace_back(cast_value<std::string>(pair[0], sort_by), order == "DESC");
    }
    search.limit = spec.optional<int64_t>("limit");
  } else if (kind != "scan") {
    throw Error(ErrorKind::kInvalidArgument, "unknown key source kind '" + quote_for_message(kind) + "'");
  }
  spec.finish();
  return source;
}

}  // namespace

read::KeyScanOptions key_scan_options_from_plan(const std::string& url, PlanReader& plan) {
  read::KeyScanOptions options;
  options.connection = net::parse_url(url);
  options.pattern = plan.get<std::string>("pattern", options.pattern);
  options.count_hint = plan.get<int64_t>("count_hint", options.count_hint);
  options.max_keys_in_flight = plan.get<int64_t>("max_keys_in_flight", options.max_keys_in_flight);
  if (auto source = plan.optional_nested("key_source")) options.source = key_source_from_plan(std::move(*source));
  if (auto match = plan.optional<std::string>("match_pattern")) options.match_pattern = std::move(*match);
  optional_column_from_plan(plan, "include_key", "key_column_name", options.include_key, options.key_column_name);
  optional_column_from_plan(plan, "include_row_index", "row_index_column_name",
                            options.include_row_index, options.row_index_column_name);
  options.row_index_offset = plan.get<int64_t>("row_index_offset", options.row_index_offset);
  options.batch_size = plan.get<int64_t>("batch_size", options.batch_size);
  options.batch_bytes = plan.get<int64_t>("batch_bytes", options.batch_bytes);
  if (auto n_rows = plan.optional<int64_t>("n_rows")) options.n_rows = *n_rows;
  options.budget = budget_from_plan(plan);
  return options;
}

read::FieldSpec column_from_plan(const PlanReader& plan, const nb::tuple& item, const std::string& subpath) {
  return {cast_value<std::string>(item[0], plan.place(subpath + "[0]")),
          dtype_from_plan(plan.inner(item[1], subpath + "[1]"))};
}

std::vector<read::FieldSpec> fields_from_plan(PlanReader& plan, const char* name) {
  return tuples_from_plan(plan, name, 2, [&plan](const nb::tuple& item, const std::string& at) {
    return column_from_plan(plan, item, at);
  });
}

void optional_column_from_plan(PlanReader& plan, const char* include_key, const char* name_key, bool& include,
                               std::string& name) {
  include = plan.get<bool>(include_key, include);
  name = plan.get<std::string>(name_key, name);
}

read::KeyMetadataOptions key_metadata_from_plan(PlanReader& plan) {
  read::KeyMetadataOptions options;
  optional_column_from_plan(plan, "include_ttl", "ttl_column_name", options.include_ttl, options.ttl_column_name);
  optional_column_from_plan(plan, "include_memory_usage", "memory_column_name",
                            options.include_memory_usage, options.memory_column_name);
  return options;
}

}  // namespace polars_redis::bindings
