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

read::HashFetchOptions hash_fetch_from_plan(PlanReader& plan, const read::KeyScanOptions& options) {
  return document_fetch_from_plan<read::HashFetchOptions>(plan, options,
                                                          [](PlanReader& fields) { return fields_from_plan(fields); });
}

std::vector<std::pair<std::string, nb::dict>> infer_hash_schema(const std::string& url, const std::string& pattern,
                                                                int64_t sample_size, bool type_inference) {
  return infer_schema(url, [&](const net::ConnectionOptions& node) {
    return read::infer_hash_schema(node, pattern, sample_size, type_inference);
  });
}

}  // namespace

void register_hash_scan(nb::module_& m) {
  def_key_scan<read::HashFetcher>(m, "scan_hashes", "hash", &hash_fetch_from_plan, "Start a scan of Redis hashes.");
  m.def("infer_hash_schema", &infer_hash_schema,
        nb::sig("def infer_hash_schema(url: str, pattern: str, sample_size: int, type_inference: bool) -> "
                "list[tuple[str, dict[str, typing.Any]]]"),
        nb::arg("url"), nb::arg("pattern"), nb::arg("sample_size"),
        nb::arg("type_inference"));
}

}  // namespace polars_redis::bindings
