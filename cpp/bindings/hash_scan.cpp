// scan_hashes / infer_hash_schema entry points.
#include <memory>

#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "bindings.hpp"
#include "cluster_scan.hpp"
#include "key_scan_entry.hpp"
#include "polars_redis/read/hash_fetcher.hpp"
#include "polars_redis/read/hash_schema_inference.hpp"

namespace polars_redis::bindings {

namespace {

KeyScanPlan<read::HashFetchOptions> hash_scan_plan(const std::string& url, const nb::dict& dict) {
  PlanReader plan(dict, "scan_hashes");
  KeyScanPlan<read::HashFetchOptions> scan{key_scan_options_from_plan(url, plan), {}};
  read::KeyScanOptions& options = scan.options;
  options.type_filter = "hash";
  read::HashFetchOptions& fetch = scan.fetch;
  fetch.fields = fields_from_plan(plan);
  // A snapshot hands over every value whole, as HGETALL would.
  fetch.fetch_all = plan.get<bool>("fetch_all", false) || options.source.is_snapshot();
  fetch.metadata = key_metadata_from_plan(plan);
  fetch.ignore_errors = plan.get<bool>("ignore_errors", false);
  plan.finish();
  return scan;
}

std::vector<std::pair<std::string, nb::dict>> infer_hash_schema(const std::string& url, const std::string& pattern,
                                                                int64_t sample_size, bool type_inference) {
  std::vector<std::pair<std::string, DataType>> schema;
  const net::ConnectionOptions connection = net::parse_url(url);
  const bool cluster = reaches_cluster(connection);
  {
    ReleasedGil release;
    auto infer = [&](const net::ConnectionOptions& node) {
      return read::infer_hash_schema(node, pattern, sample_size, type_inference);
    };
    schema = cluster ? infer_on_cluster(connection, infer) : infer(connection);
  }
  std::vector<std::pair<std::string, nb::dict>> result;
  for (auto& [name, dtype] : schema) result.emplace_back(name, dtype_to_dict(dtype));
  return result;
}

}  // namespace

void register_hash_scan(nb::module_& m) {
  def_key_scan<read::HashFetcher>(m, "scan_hashes", &hash_scan_plan, "Start a scan of Redis hashes.");
  m.def("infer_hash_schema", &infer_hash_schema,
        nb::sig("def infer_hash_schema(url: str, pattern: str, sample_size: int, type_inference: bool) -> "
                "list[tuple[str, dict[str, typing.Any]]]"),
        nb::arg("url"), nb::arg("pattern"), nb::arg("sample_size"),
        nb::arg("type_inference"));
}

}  // namespace polars_redis::bindings
