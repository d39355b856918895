// probe_restore(url, plan) -> dict, and the payload encoder a write uses when the Python layer
// put the probe's answer in plan["restore"].
#include "restore.hpp"

#include <nanobind/stl/string.h>

#include "bindings.hpp"
#include "cluster_scan.hpp"
#include "polars_redis/rdb/payload_encoder.hpp"
#include "polars_redis/write/restore_encoder.hpp"
#include "polars_redis/write/restore_probe.hpp"

namespace polars_redis::bindings {

namespace {

constexpr const char* kLimitNames[] = {
    "hash-max-listpack-entries", "hash-max-listpack-value", "set-max-intset-entries", "set-max-listpack-entries",
    "set-max-listpack-value",    "zset-max-listpack-entries", "zset-max-listpack-value", "list-max-listpack-size",
};

nb::dict limits_to_dict(const rdb::EncodingLimits& limits) {
  const int64_t values[] = {limits.hash_max_listpack_entries, limits.hash_max_listpack_value,
                            limits.set_max_intset_entries,    limits.set_max_listpack_entries,
                            limits.set_max_listpack_value,    limits.zset_max_listpack_entries,
                            limits.zset_max_listpack_value,   limits.list_max_listpack_size};
  nb::dict out;
  for (size_t i = 0; i < std::size(kLimitNames); ++i) out[kLimitNames[i]] = values[i];
  return out;
}

}  // namespace

std::unique_ptr<write::ValueEncoder> with_restore(PlanReader& plan, std::unique_ptr<write::ValueEncoder> commands) {
  auto restore = plan.optional_nested("restore");
  if (!restore) return commands;
  rdb::EncodingLimits limits;
  PlanReader given = restore->nested("limits");
  for (const char* name : kLimitNames) {
    if (auto value = given.optional<int64_t>(name)) limits.apply(name, *value);
  }
  given.finish();
  const int rdb_version = restore->required<int>("rdb_version");
  restore->finish();
  return write::make_restore_encoder(std::move(commands), rdb::PayloadEncoder(rdb_version, limits));
}

void register_restore(nb::module_& m) {
  m.def(
      "probe_restore",
      [](const std::string& url, const nb::dict& dict) {
        PlanReader plan(dict, "probe_restore");
        const net::ConnectionOptions connection = write_connection(url, plan);
        plan.finish();
        write::RestoreSupport support;
        {
          ReleasedGil release;
          support = write::probe_restore(connection);
        }
        nb::dict out;
        out["usable"] = support.usable;
        out["rdb_version"] = support.rdb_version;
        out["json"] = support.json;
        out["limits"] = limits_to_dict(support.limits);
        out["server_version"] = support.server_version;
        out["reason"] = support.reason;
        return out;
      },
      nb::sig("def probe_restore(url: str, plan: dict[str, typing.Any]) -> dict[str, typing.Any]"),
      nb::arg("url"), nb::arg("plan"),
      "Whether the server takes RESTORE payloads: usable, rdb_version, json, limits, server_version, reason.");
}

}  // namespace polars_redis::bindings
