// scan_set / scan_list / scan_zset entry points: the key scan with a set, list or sorted-set fetcher.
#include <nanobind/stl/string.h>

#include "bindings.hpp"
#include "key_scan_entry.hpp"
#include "polars_redis/read/list_fetcher.hpp"
#include "polars_redis/read/set_fetcher.hpp"
#include "polars_redis/read/zset_fetcher.hpp"

namespace polars_redis::bindings {

namespace {

DataType value_type(const nb::dict& plan, const char* name) {
  return plan.contains(name) ? dtype_from_dict(nb::cast<nb::dict>(plan[name])) : DataType::of(TypeId::kString);
}

KeyScanPlan<read::SetFetchOptions> set_scan_plan(const std::string& url, const nb::dict& plan) {
  KeyScanPlan<read::SetFetchOptions> scan{key_scan_options_from_plan(url, plan), {}};
  scan.options.type_filter = "set";
  read::SetFetchOptions& fetch = scan.fetch;
  fetch.include_member = plan_get<bool>(plan, "include_member", true);
  fetch.member_type = value_type(plan, "member_type");
  fetch.member_column_name = plan_get<std::string>(plan, "member_column_name", fetch.member_column_name);
  fetch.ignore_errors = plan_get<bool>(plan, "ignore_errors", false);
  return scan;
}

KeyScanPlan<read::ListFetchOptions> list_scan_plan(const std::string& url, const nb::dict& plan) {
  KeyScanPlan<read::ListFetchOptions> scan{key_scan_options_from_plan(url, plan), {}};
  scan.options.type_filter = "list";
  read::ListFetchOptions& fetch = scan.fetch;
  fetch.include_element = plan_get<bool>(plan, "include_element", true);
  fetch.element_type = value_type(plan, "element_type");
  fetch.element_column_name = plan_get<std::string>(plan, "element_column_name", fetch.element_column_name);
  fetch.include_position = plan_get<bool>(plan, "include_position", true);
  fetch.position_column_name = plan_get<std::string>(plan, "position_column_name", fetch.position_column_name);
  fetch.ignore_errors = plan_get<bool>(plan, "ignore_errors", false);
  return scan;
}

KeyScanPlan<read::ZSetFetchOptions> zset_scan_plan(const std::string& url, const nb::dict& plan) {
  KeyScanPlan<read::ZSetFetchOptions> scan{key_scan_options_from_plan(url, plan), {}};
  scan.options.type_filter = "zset";
  read::ZSetFetchOptions& fetch = scan.fetch;
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
  return scan;
}

}  // namespace

void register_collection_scans(nb::module_& m) {
  def_key_scan<read::SetFetcher>(m, "scan_sets", &set_scan_plan, "Start a scan of Redis sets.");
  def_key_scan<read::ListFetcher>(m, "scan_lists", &list_scan_plan, "Start a scan of Redis lists.");
  def_key_scan<read::ZSetFetcher>(m, "scan_zsets", &zset_scan_plan, "Start a scan of Redis sorted sets.");
}

}  // namespace polars_redis::bindings
