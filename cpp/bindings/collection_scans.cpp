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

DataType value_type(const nb::dict& plan, const char* name) {
  return plan.contains(name) ? dtype_from_dict(nb::cast<nb::dict>(plan[name])) : DataType::of(TypeId::kString);
}

nb::object scan_sets(const std::string& url, const nb::dict& plan) {
  read::KeyScanOptions options = key_scan_options_from_plan(url, plan);
  options.type_filter = "set";
  read::SetFetchOptions fetch;
  fetch.include_member = plan_get<bool>(plan, "include_member", true);
  fetch.member_type = value_type(plan, "member_type");
  fetch.member_column_name = plan_get<std::string>(plan, "member_column_name", fetch.member_column_name);
  fetch.ignore_errors = plan_get<bool>(plan, "ignore_errors", false);
  if (auto scan = cluster_key_scan<read::SetFetcher>(options, fetch)) return *scan;
  return start(std::move(options), std::make_shared<read::SetFetcher>(std::move(fetch)));
}

nb::object scan_lists(const std::string& url, const nb::dict& plan) {
  read::KeyScanOptions options = key_scan_options_from_plan(url, plan);
  options.type_filter = "list";
  read::ListFetchOptions fetch;
  fetch.include_element = plan_get<bool>(plan, "include_element", true);
  fetch.element_type = value_type(plan, "element_type");
  fetch.element_column_name = plan_get<std::string>(plan, "element_column_name", fetch.element_column_name);
  fetch.include_position = plan_get<bool>(plan, "include_position", true);
  fetch.position_column_name = plan_get<std::string>(plan, "position_column_name", fetch.position_column_name);
  fetch.ignore_errors = plan_get<bool>(plan, "ignore_errors", false);
  if (auto scan = cluster_key_scan<read::ListFetcher>(options, fetch)) return *scan;
  return start(std::move(options), std::make_shared<read::ListFetcher>(std::move(fetch)));
}

nb::object scan_zsets(const std::string& url, const nb::dict& plan) {
  read::KeyScanOptions options = key_scan_options_from_plan(url, plan);
  options.type_filter = "zset";
  read::ZSetFetchOptions fetch;
  fetch.include_member = plan_get<bool>(plan, "include_member", true);
  fetch.member_type = value_type(plan, "member_type");
  fetch.member_column_name = plan_get<std::string>(plan, "member_column_name", fetch.member_column_name);
  fetch.include_score = plan_get<bool>(plan, "include_score", true);
  fetch.score_column_name = plan_get<std::string>(plan, "score_column_name", fetch.score_column_name);
  fetch.include_rank = plan_get<bool>(plan, "include_rank", false);
  fetch.rank_column_name = plan_get<std::string>(plan, "rank_column_name", fetch.rank_column_name);
  fetch.ignore_errors = plan_get<bool>(plan, "ignore_errors", false);
  fetch.min = plan_get<std::string>(plan, "min_score", fetch.min);
  fetch.max = plan_get<std::string>(plan, "max_score", fetch.max);
  if (plan.contains("count") && !plan["count"].is_none()) fetch.count = nb::cast<int64_t>(plan["count"]);
  if (auto scan = cluster_key_scan<read::ZSetFetcher>(options, fetch)) return *scan;
  return start(std::move(options), std::make_shared<read::ZSetFetcher>(std::move(fetch)));
}

}  // namespace

void register_collection_scans(nb::module_& m) {
  m.def("scan_sets", &scan_sets, nb::arg("url"), nb::arg("plan"), "Start a scan of Redis sets.");
  m.def("scan_lists", &scan_lists, nb::arg("url"), nb::arg("plan"), "Start a scan of Redis lists.");
  m.def("scan_zsets", &scan_zsets, nb::arg("url"), nb::arg("plan"), "Start a scan of Redis sorted sets.");
}

}  // namespace polars_redis::bindings
