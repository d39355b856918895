#pragma once
// The key-based scan entry points (scan_hashes, scan_json, scan_strings, scan_sets, scan_lists,
// scan_zsets): each reads its plan into the key scan's options and its fetcher's options; this
// either starts that scan (on a cluster, one per shard) or, for explain(), describes the commands
// it would send without connecting anywhere.
#include <functional>
#include <memory>
#include <string>

#include "bindings.hpp"
#include "cluster_scan.hpp"
#include "polars_redis/read/key_scan.hpp"
#include "polars_redis/read/scan_description.hpp"

namespace polars_redis::bindings {

template <typename FetchOptions>
struct KeyScanPlan {
  read::KeyScanOptions options;
  FetchOptions fetch;
};

// {"keys": bytes, "fetch": [bytes, ...]} (bytes: a key need not be UTF-8).
nb::dict description_to_python(const read::ScanDescription& description);

// Files `describe` under `name` for describe_key_scan(name, url, plan).
void add_scan_description(const std::string& name,
                          std::function<nb::dict(const std::string& url, const nb::dict& plan)> describe);

// "def <name>(url: str, plan: dict[str, typing.Any]) -> NativeScan | ClusterScan", kept for the
// module's lifetime (the stub generator reads it).
const char* key_scan_signature(const std::string& name);

// Defines `name(url, plan)` starting the scan, and its description.
template <typename Fetcher, typename FetchOptions>
void def_key_scan(nb::module_& m, const char* name, KeyScanPlan<FetchOptions> (*read_plan)(const std::string&, const nb::dict&),
                  const char* doc) {
  m.def(
      name,
      [read_plan](const std::string& url, const nb::dict& plan) -> nb::object {
        KeyScanPlan<FetchOptions> scan = read_plan(url, plan);
        if (auto cluster = cluster_key_scan<Fetcher>(scan.options, scan.fetch)) return *cluster;
        auto fetcher = std::make_shared<Fetcher>(std::move(scan.fetch));
        return make_native_scan([options = std::move(scan.options), fetcher](read::BatchQueue& queue) {
          read::run_key_scan(options, *fetcher, queue);
        });
      },
      nb::sig(key_scan_signature(name)), nb::arg("url"), nb::arg("plan"), doc);
  add_scan_description(name, [read_plan](const std::string& url, const nb::dict& plan) {
    KeyScanPlan<FetchOptions> scan = read_plan(url, plan);
    Fetcher fetcher(std::move(scan.fetch));
    return description_to_python(read::describe_key_scan(scan.options, fetcher));
  });
}

}  // namespace polars_redis::bindings
