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
#include "scan_descriptions.hpp"

namespace polars_redis::bindings {

template <typename FetchOptions>
struct KeyScanPlan {
  read::KeyScanOptions options;
  FetchOptions fetch;
};

// Reads a key-based scan's fetcher options from its plan; `options`: the key scan's own, read
// first.
template <typename FetchOptions>
using ReadFetch = FetchOptions (*)(PlanReader& plan, const read::KeyScanOptions& options);

// Reads the plan of the key-based scan `entry`: the key scan's options (keys of type
// `type_filter`), then the fetcher's; finish() rejects the keys neither asked for.
template <typename FetchOptions>
KeyScanPlan<FetchOptions> read_key_scan_plan(const std::string& url, const nb::dict& dict, const char* entry,
                                             const char* type_filter, ReadFetch<FetchOptions> read_fetch) {
  PlanReader plan(dict, entry);
  KeyScanPlan<FetchOptions> scan{key_scan_options_from_plan(url, plan), {}};
  scan.options.type_filter = type_filter;
  scan.fetch = read_fetch(plan, scan.options);
  plan.finish();
  return scan;
}

// The fetch options of a document scan (hashes, JSON documents): the projected fields (`fields`
// reads them), fetch_all, the key metadata columns and ignore_errors.
template <typename FetchOptions, typename ReadFields>
FetchOptions document_fetch_from_plan(PlanReader& plan, const read::KeyScanOptions& options, ReadFields fields) {
  FetchOptions fetch;
  fetch.fields = fields(plan);
  // A snapshot hands over every value whole, as HGETALL or JSON.GET $ would.
  fetch.fetch_all = plan.get<bool>("fetch_all", false) || options.source.is_snapshot();
  fetch.metadata = key_metadata_from_plan(plan);
  fetch.ignore_errors = plan.get<bool>("ignore_errors", false);
  return fetch;
}

// Defines `name(url, plan)` starting the scan of the keys of type `type_filter` with a `Fetcher`
// (its options read by `read_fetch`), and its description.
template <typename Fetcher, typename FetchOptions>
void def_key_scan(nb::module_& m, const char* name, const char* type_filter, ReadFetch<FetchOptions> read_fetch,
                  const char* doc) {
  auto scan_plan = [name, type_filter, read_fetch](const std::string& url, const nb::dict& plan) {
    return read_key_scan_plan<FetchOptions>(url, plan, name, type_filter, read_fetch);
  };
  m.def(
      name,
      [scan_plan](const std::string& url, const nb::dict& plan) -> nb::object {
        KeyScanPlan<FetchOptions> scan = scan_plan(url, plan);
        if (auto cluster = cluster_key_scan<Fetcher>(scan.options, scan.fetch)) return *cluster;
        // A fetcher per run: a restart must not inherit the failed run's state.
        const int restarts = scan.options.connection.retries;
        return make_native_scan(
            [options = std::move(scan.options), fetch = std::move(scan.fetch)](read::BatchQueue& queue) {
              Fetcher fetcher(fetch);
              read::run_key_scan(options, fetcher, queue);
            },
            restarts);
      },
      nb::sig(plan_entry_signature(name, "NativeScan")), nb::arg("url"), nb::arg("plan"), doc);
  add_scan_description(name, [scan_plan](const std::string& url, const nb::dict& plan, bool cluster) {
    KeyScanPlan<FetchOptions> scan = scan_plan(url, plan);
    Fetcher fetcher(std::move(scan.fetch));
    return description_to_python(cluster ? read::describe_cluster_key_scan(scan.options, fetcher)
                                         : read::describe_key_scan(scan.options, fetcher));
  });
}

}  // namespace polars_redis::bindings
