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
  std::vector<read::JsonFieldSpec> fields;
  for (auto item : plan.required<nb::list>("fields")) {
    const std::string at = "['fields'][" + std::to_string(fields.size()) + "]";
    auto field = cast_tuple(item, 3, plan.place(at));
    read::JsonFieldSpec spec{cast_value<std::string>(field[0], plan.place(at + "[0]")),
                             dtype_from_plan(plan.inner(field[1], at + "[1]")), {}};
    if (!field[2].is_none()) spec.path = cast_value<std::string>(field[2], plan.place(at + "[2]"));
    fields.push_back(std::move(spec));
  }
  return fields;
}

KeyScanPlan<read::JsonFetchOptions> json_scan_plan(const std::string& url, const nb::dict& dict) {
  PlanReader plan(dict, "scan_json");
  KeyScanPlan<read::JsonFetchOptions> scan{key_scan_options_from_plan(url, plan), {}};
  read::KeyScanOptions& options = scan.options;
  options.type_filter = "ReJSON-RL";
  read::JsonFetchOptions& fetch = scan.fetch;
  fetch.fields = json_fields_from_plan(plan);
  // A snapshot hands over every value whole, as JSON.GET $ would.
  fetch.fetch_all = plan.get<bool>("fetch_all", false) || options.source.is_snapshot();
  fetch.metadata = key_metadata_from_plan(plan);
  fetch.ignore_errors = plan.get<bool>("ignore_errors", false);
  fetch.keys_per_mget = plan.get<size_t>("keys_per_mget", fetch.keys_per_mget);
  plan.finish();
  return scan;
}

std::vector<std::pair<std::string, nb::dict>> infer_json_schema(const std::string& url, const std::string& pattern,
                                                                int64_t sample_size) {
  std::vector<std::pair<std::string, DataType>> schema;
  const net::ConnectionOptions connection = net::parse_url(url);
  const bool cluster = reaches_cluster(connection);
  {
    ReleasedGil release;
    auto infer = [&](const net::ConnectionOptions& node) { return read::infer_json_schema(node, pattern, sample_size); };
    schema = cluster ? infer_on_cluster(connection, infer) : infer(connection);
  }
  std::vector<std::pair<std::string, nb::dict>> result;
  for (auto& [name, dtype] : schema) result.emplace_back(name, dtype_to_dict(dtype));
  return result;
}

}  // namespace

void register_json_scan(nb::module_& m) {
  def_key_scan<read::JsonFetcher>(m, "scan_json", &json_scan_plan, "Start a scan of RedisJSON documents.");
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
