// scan_json / infer_json_schema entry points.
#include <memory>

#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/string_view.h>
#include <nanobind/stl/vector.h>

#include "bindings.hpp"
#include "cluster_scan.hpp"
#include "key_scan_entry.hpp"
#include "polars_redis/json/path.hpp"
#include "polars_redis/json/path_selector.hpp"
#include "polars_redis/read/json_fetcher.hpp"
#include "polars_redis/read/json_schema_inference.hpp"

namespace polars_redis::bindings {

namespace {

// plan["fields"]: (name, dtype descriptor, JSONPath or None) per projected column.
std::vector<read::JsonFieldSpec> json_fields_from_plan(PlanReader& plan) {
  return tuples_from_plan(plan, "fields", 3, [&plan](const nb::tuple& field, const std::string& at) {
    read::FieldSpec column = column_from_plan(plan, field, at);
    read::JsonFieldSpec spec{std::move(column.name), std::move(column.dtype), {}};
    if (!field[2].is_none()) spec.path = cast_value<std::string>(field[2], plan.place(at + "[2]"));
    return spec;
  });
}

read::JsonFetchOptions json_fetch_from_plan(PlanReader& plan, const read::KeyScanOptions& options) {
  auto fetch = document_fetch_from_plan<read::JsonFetchOptions>(plan, options, &json_fields_from_plan);
  fetch.keys_per_mget = plan.get<size_t>("keys_per_mget", fetch.keys_per_mget);
  return fetch;
}

std::vector<std::pair<std::string, nb::dict>> infer_json_schema(const std::string& url, const std::string& pattern,
                                                                int64_t sample_size) {
  return infer_schema(url, [&](const net::ConnectionOptions& node) {
    return read::infer_json_schema(node, pattern, sample_size);
  });
}

}  // namespace

void register_json_scan(nb::module_& m) {
  def_key_scan<read::JsonFetcher>(m, "scan_json", "ReJSON-RL", &json_fetch_from_plan,
                                  "Start a scan of RedisJSON documents.");
  m.def("infer_json_schema", &infer_json_schema,
        nb::sig("def infer_json_schema(url: str, pattern: str, sample_size: int) -> "
                "list[tuple[str, dict[str, typing.Any]]]"),
        nb::arg("url"), nb::arg("pattern"), nb::arg("sample_size"));
  m.def("json_path_error", &json::path_error, nb::arg("path"),
        "Why `path` is not a JSONPath RedisJSON accepts, or None when it is one.");
  // What a snapshot answers for `JSON.GET key <path>` on `document`: the test suite compares it
  // with the server's own answer, byte for byte.
  m.def(
      "json_client_select",
      [](std::string_view document, std::string_view path) {
        std::string out = "[";
        for (std::string_view match : json::PathSelector(path).select(document)) {
          if (out.size() > 1) out += ',';
          out.append(match);
        }
        return out + "]";
      },
      nb::arg("document"), nb::arg("path"));
  m.def("json_client_path_error", &json::client_path_error, nb::arg("path"),
        "Why snapshot and RDB reads cannot evaluate `path` themselves, or None when they can.");
}

}  // namespace polars_redis::bindings
