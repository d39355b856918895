// scan_set / scan_list / scan_zset entry points: the key scan with a set, list or sorted-set fetcher.
#include <memory>

#include <nanobind/stl/string.h>

#include "bindings.hpp"
#include "cluster_scan.hpp"
#include "key_scan_entry.hpp"
#include "polars_redis/read/list_fetcher.hpp"
#include "polars_redis/read/set_fetcher.hpp"
#include "polars_redis/read/zset_fetcher.hpp"

namespace polars_redis::bindings {

namespace {

DataType value_type(PlanReader& plan, const char* name) {
  auto spec = plan.optional_nested(name);
  return spec ? dtype_from_plan(std::move(*spec)) : DataType::of(TypeId::kString);
}

KeyScanPlan<read::SetFetchOptions> set_scan_plan(const std::string& url, const nb::dict& dict) {
  PlanReader plan(dict, "scan_sets");
  KeyScanPlan<read::SetFetchOptions> scan{key_scan_options_from_plan(url, plan), {}};
  read::KeyScanOptions& options = scan.options;
  options.type_filter = "set";
  read::SetFetchOptions& fetch = scan.fetch;
  fetch.include_member = plan.get<bool>("include_member", true);
  fetch.member_type = value_type(plan, "member_type");
  fetch.member_column_name = plan.get<std::string>("member_column_name", fetch.member_column_name);
  fetch.ignore_errors = plan.get<bool>("ignore_errors", false);
  plan.finish();
  return scan;
}

KeyScanPlan<read::ListFetchOptions> list_scan_plan(const std::string& url, const nb::dict& dict) {
  PlanReader plan(dict, "scan_lists");
  KeyScanPlan<read::ListFetchOptions> scan{key_scan_options_from_plan(url, plan), {}};
  read::KeyScanOptions& options = scan.options;
  options.type_filter = "list";
  read::ListFetchOptions& fetch = scan.fetch;
  fetch.include_element = plan.get<bool>("include_element", true);
  fetch.element_type = value_type(plan, "element_type");
  fetch.element_column_name = plan.get<std::string>("element_column_name", fetch.element_column_name);
  fetch.include_position = plan.get<bool>("include_position", true);
  fetch.position_column_name = plan.get<std::string>("position_column_name", fetch.position_column_name);
  fetch.ignore_errors = plan.get<bool>("ignore_errors", false);
  plan.finish();
  return scan;
}

KeyScanPlan<read::ZSetFetchOptions> zset_scan_plan(const std::string& url, const nb::dict& dict) {
  PlanReader plan(dict, "scan_zsets");
  KeyScanPlan<read::ZSetFetchOptions> scan{key_scan_options_from_plan(url, plan), {}};
  read::KeyScanOptions& options = scan.options;
  options.type_filter = "zset";
  read::ZSetFetchOptions& fetch = scan.fetch;
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
  return scan;
}

}  // namespace

void register_collection_scans(nb::module_& m) {
  def_key_scan<read::SetFetcher>(m, "scan_sets", &set_scan_plan, "Start a scan of Redis sets.");
  def_key_scan<read::ListFetcher>(m, "scan_lists", &list_scan_plan, "Start a scan of Redis lists.");
  def_key_scan<read::ZSetFetcher>(m, "scan_zsets", &zset_scan_plan, "Start a scan of Redis sorted sets.");
}

}  // namespace polars_redis::bindings
