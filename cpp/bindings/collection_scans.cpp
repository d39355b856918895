// scan_set / scan_list / scan_zset entry points: the key scan with a set, list or sorted-set fetcher.
#include <memory>

#include <nanobind/stl/string.h>

#include "bindings.hpp"
#include "cluster_scan.hpp"
#include "polars_redis/read/list_fetcher.hpp"
#include "polars_redis/read/set_fetcher.hpp"
#include "polars_redis/read/zset_fetcher.hpp"

namespace polars_redis::bindings {

namespace {

template <typename Fetcher>
nb::object start(read::KeyScanOptions options, std::shared_ptr<Fetcher> fetcher) {
  return make_native_scan([options = std::move(options), fetcher](read::BatchQueue& queue) {
    read::run_key_scan(options, *fetcher, queue);
  });
}

DataType value_type(PlanReader& plan, const char* name) {
  auto spec = plan.optional_nested(name);
  return spec ? dtype_from_plan(std::move(*spec)) : DataType::of(TypeId::kString);
}

nb::object scan_sets(const std::string& url, const nb::dict& dict) {
  PlanReader plan(dict, "scan_sets");
  read::KeyScanOptions options = key_scan_options_from_plan(url, plan);
  options.type_filter = "set";
  read::SetFetchOptions fetch;
  fetch.include_member = plan.get<bool>("include_member", true);
  fetch.member_type = value_type(plan, "member_type");
  fetch.member_column_name = plan.get<std::string>("member_column_name", fetch.member_column_name);
  fetch.ignore_errors = plan.get<bool>("ignore_errors", false);
  plan.finish();
  if (auto scan = cluster_key_scan<read::SetFetcher>(options, fetch)) return *scan;
  return start(std::move(options), std::make_shared<read::SetFetcher>(std::move(fetch)));
}

nb::object scan_lists(const std::string& url, const nb::dict& dict) {
  PlanReader plan(dict, "scan_lists");
  read::KeyScanOptions options = key_scan_options_from_plan(url, plan);
  options.type_filter = "list";
  read::ListFetchOptions fetch;
  fetch.include_element = plan.get<bool>("include_element", true);
  fetch.element_type = value_type(plan, "element_type");
  fetch.element_column_name = plan.get<std::string>("element_column_name", fetch.element_column_name);
  fetch.include_position = plan.get<bool>("include_position", true);
  fetch.position_column_name = plan.get<std::string>("position_column_name", fetch.position_column_name);
  fetch.ignore_errors = plan.get<bool>("ignore_errors", false);
  plan.finish();
  if (auto scan = cluster_key_scan<read::ListFetcher>(options, fetch)) return *scan;
  return start(std::move(options), std::make_shared<read::ListFetcher>(std::move(fetch)));
}

nb::object scan_zsets(const std::string& url, const nb::dict& dict) {
  PlanReader plan(dict, "scan_zsets");
  read::KeyScanOptions options = key_scan_options_from_plan(url, plan);
  options.type_filter = "zset";
  read::ZSetFetchOptions fetch;
  fetch.include_member = plan.get<bool>("include_member", true);
  fetch.member_type = value_type(plan, "member_type");
  fetch.member_column_name = plan.get<std::string>("member_column_name", fetch.member_column_name);
  fetch.include_score = plan.get<bool>("include_score", true);
  fetch.score_column_name = plan.get<std::string>("score_column_name", fetch.score_column_name);
  fetch.include_rank = plan.get<bool>("include_rank", false);
  fetch.rank_column_name = plan.get<std::string>("rank_column_name", fetch.rank_column_name);
  fetch.ignore_errors = plan.get<bool>("ignore_errors", false);
  fetch.min = plan.get<std::string>("min_score", fetch.min);
  fetch.max = plan.get<std::string>("max_score", fetch.max);
  if (auto count = plan.optional<int64_t>("count")) fetch.count = *count;
  plan.finish();
  if (auto scan = cluster_key_scan<read::ZSetFetcher>(options, fetch)) return *scan;
  return start(std::move(options), std::make_shared<read::ZSetFetcher>(std::move(fetch)));
}

}  // namespace

void register_collection_scans(nb::module_& m) {
  m.def("scan_sets", &scan_sets,
        nb::sig("def scan_sets(url: str, plan: dict[str, typing.Any]) -> NativeScan | ClusterScan"),
        nb::arg("url"), nb::arg("plan"), "Start a scan of Redis sets.");
  m.def("scan_lists", &scan_lists,
        nb::sig("def scan_lists(url: str, plan: dict[str, typing.Any]) -> NativeScan | ClusterScan"),
        nb::arg("url"), nb::arg("plan"), "Start a scan of Redis lists.");
  m.def("scan_zsets", &scan_zsets,
        nb::sig("def scan_zsets(url: str, plan: dict[str, typing.Any]) -> NativeScan | ClusterScan"),
        nb::arg("url"), nb::arg("plan"), "Start a scan of Redis sorted sets.");
}

}  // namespace polars_redis::bindings
