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

// A collection's value column (member, element): whether to add it, its dtype (String unless the
// plan says) and its name.
void value_column_from_plan(PlanReader& plan, const std::string& value, bool& include, DataType& type,
                            std::string& name) {
  include = plan.get<bool>(("include_" + value).c_str(), include);
  auto spec = plan.optional_nested((value + "_type").c_str());
  type = spec ? dtype_from_plan(std::move(*spec)) : DataType::of(TypeId::kString);
  name = plan.get<std::string>((value + "_column_name").c_str(), name);
}

read::SetFetchOptions set_fetch_from_plan(PlanReader& plan, const read::KeyScanOptions&) {
  read::SetFetchOptions fetch;
  value_column_from_plan(plan, "member", fetch.include_member, fetch.member_type, fetch.member_column_name);
  fetch.ignore_errors = plan.get<bool>("ignore_errors", false);
  return fetch;
}

read::ListFetchOptions list_fetch_from_plan(PlanReader& plan, const read::KeyScanOptions&) {
  read::ListFetchOptions fetch;
  value_column_from_plan(plan, "element", fetch.include_element, fetch.element_type, fetch.element_column_name);
  optional_column_from_plan(plan, "include_position", "position_column_name", fetch.include_position,
                            fetch.position_column_name);
  fetch.ignore_errors = plan.get<bool>("ignore_errors", false);
  return fetch;
}

read::ZSetFetchOptions zset_fetch_from_plan(PlanReader& plan, const read::KeyScanOptions&) {
  read::ZSetFetchOptions fetch;
  value_column_from_plan(plan, "member", fetch.include_member, fetch.member_type, fetch.member_column_name);
  optional_column_from_plan(plan, "include_score", "score_column_name", fetch.include_score, fetch.score_column_name);
  optional_column_from_plan(plan, "include_rank", "rank_column_name", fetch.include_rank, fetch.rank_column_name);
  fetch.ignore_errors = plan.get<bool>("ignore_errors", false);
  fetch.min = plan.get<std::string>("min_score", fetch.min);
  fetch.max = plan.get<std::string>("max_score", fetch.max);
  if (auto count = plan.optional<int64_t>("count")) fetch.count = *count;
  return fetch;
}

}  // namespace

void register_collection_scans(nb::module_& m) {
  def_key_scan<read::SetFetcher>(m, "scan_sets", "set", &set_fetch_from_plan, "Start a scan of Redis sets.");
  def_key_scan<read::ListFetcher>(m, "scan_lists", "list", &list_fetch_from_plan, "Start a scan of Redis lists.");
  def_key_scan<read::ZSetFetcher>(m, "scan_zsets", "zset", &zset_fetch_from_plan, "Start a scan of Redis sorted sets.");
}

}  // namespace polars_redis::bindings
