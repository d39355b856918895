// write_hashes / write_json / write_strings / ...: the DataFrame arrives as two Arrow C stream
// capsules of the same frame (the first is checked in full before the second is written);
// the write runs without the GIL. With plan["cluster_node"] (a write to one node of a cluster,
// see _cluster_writes.py) a write returns (written, redirected rows) and check_keys_absent the
// redirected rows, each (row index, "MOVED" | "ASK" | "TRYAGAIN", host, port), for the caller to
// follow; elsewhere a write returns the rows written.
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "bindings.hpp"
#include "cluster_scan.hpp"
#include "restore.hpp"
#include "polars_redis/error.hpp"
#include "polars_redis/net/url.hpp"
#include "polars_redis/write/row_writer.hpp"

namespace polars_redis::bindings {

namespace {

write::WriteMode mode_from_string(const std::string& mode) {
  if (mode == "fail") return write::WriteMode::kFail;
  if (mode == "replace") return write::WriteMode::kReplace;
  if (mode == "append") return write::WriteMode::kAppend;
  throw Error(ErrorKind::kInvalidArgument, "if_exists must be 'fail', 'replace' or 'append', got '" + mode + "'");
}

write::RowWriteOptions options_from_plan(PlanReader& plan) {
  write::RowWriteOptions options;
  options.key_column = plan.optional<std::string>("key_column");
  options.key_prefix = plan.get<std::string>("key_prefix", "");
  options.mode = mode_from_string(plan.get<std::string>("if_exists", "replace"));
  options.ttl_seconds = plan.optional<int64_t>("ttl_seconds");
  options.ttl_column = plan.optional<std::string>("ttl_column");
  options.source_rows_column = plan.optional<std::string>("source_rows_column");
  options.ignored_columns = plan.get<std::vector<std::string>>("ignored_columns", {});
  options.batch_size = plan.get<int64_t>("batch_size", options.batch_size);
  options.row_offset = plan.get<int64_t>("row_offset", options.row_offset);
  options.precheck = plan.get<bool>("precheck", options.precheck);
  options.check_only = plan.get<bool>("check_only", false);
  options.collect_redirects = plan.has("cluster_node");
  options.asking = plan.get<bool>("asking", false);
  return options;
}

nb::list redirected_rows(const std::vector<write::RedirectedRow>& rows) {
  nb::list out;
  for (const write::RedirectedRow& row : rows) {
    const net::Redirect& to = row.redirect;
    out.append(nb::make_tuple(row.row, net::redirect_kind_name(to.kind), to.host, to.port));
  }
  return out;
}

// `check` is a second export of the same frame: every row is checked before anything is sent.
nb::object write_rows(const std::string& url, nb::handle stream, nb::handle check, PlanReader& plan,
                      std::unique_ptr<write::ValueEncoder> encoder) {
  const write::RowWriteOptions options = options_from_plan(plan);
  const net::ConnectionOptions connection = write_connection(url, plan);
  encoder = with_restore(plan, std::move(encoder));
  plan.finish();
  ArrowArrayStream* main_stream = stream_from_capsule(stream);
  ArrowArrayStream* check_stream = stream_from_capsule(check);
  write::WriteResult result;
  {
    ReleasedGil release;
    result = write::write_rows(connection, main_stream, check_stream, options, *encoder);
  }
  if (!options.collect_redirects || options.check_only) return nb::int_(result.written);
  return nb::make_tuple(result.written, redirected_rows(result.redirected));
}

// A write entry point: `make_encoder` reads the plan keys of its Redis type. `signature` is the
// Python one: the rows written, or with plan["cluster_node"] (written, redirected rows).
template <typename MakeEncoder>
void def_write(nb::module_& m, const char* name, const char* signature, MakeEncoder make_encoder) {
  m.def(
      name,
      [name, make_encoder](const std::string& url, nb::handle stream, nb::handle check, const nb::dict& dict) {
        PlanReader plan(dict, name);
        return write_rows(url, stream, check, plan, make_encoder(plan));
      },
      nb::sig(signature), nb::arg("url"), nb::arg("stream"), nb::arg("check"), nb::arg("plan"));
}

#define POLARS_REDIS_WRITE_SIGNATURE(name)                                          \
  "def " name "(url: str, stream: object, check: object, plan: dict[str, typing.Any]) " \
  "-> int | tuple[int, list[tuple[int, str, str, int]]]"

}  // namespace

void register_writes(nb::module_& m) {
  m.attr("MAX_TTL_SECONDS") = write::kMaxTtlSeconds;
  m.def(
      "check_keys_absent",
      [](const std::string& url, nb::handle stream, const nb::dict& dict) {
        PlanReader plan(dict, "check_keys_absent");
        const write::RowWriteOptions options = options_from_plan(plan);
        const net::ConnectionOptions connection = write_connection(url, plan);
        plan.finish();
        ArrowArrayStream* keys = stream_from_capsule(stream);
        std::vector<write::RedirectedRow> redirected;
        {
          ReleasedGil release;
          redirected = write::check_keys_absent(connection, keys, options);
        }
        return redirected_rows(redirected);
      },
      nb::sig("def check_keys_absent(url: str, stream: object, plan: dict[str, typing.Any]) -> "
              "list[tuple[int, str, str, int]]"),
      nb::arg("url"), nb::arg("stream"), nb::arg("plan"));
  def_write(m, "write_hashes", POLARS_REDIS_WRITE_SIGNATURE("write_hashes"),
            [](PlanReader&) { return write::make_hash_encoder(); });
  def_write(m, "write_json", POLARS_REDIS_WRITE_SIGNATURE("write_json"),
            [](PlanReader&) { return write::make_json_encoder(); });
  // Collections: the frame is grouped by key first (one row per key, list columns).
  def_write(m, "write_set", POLARS_REDIS_WRITE_SIGNATURE("write_set"), [](PlanReader& plan) {
    return write::make_set_encoder(plan.required<std::string>("items_column"));
  });
  def_write(m, "write_list", POLARS_REDIS_WRITE_SIGNATURE("write_list"), [](PlanReader& plan) {
    return write::make_list_encoder(plan.required<std::string>("items_column"));
  });
  def_write(m, "write_zset", POLARS_REDIS_WRITE_SIGNATURE("write_zset"), [](PlanReader& plan) {
    return write::make_zset_encoder(plan.required<std::string>("items_column"),
                                    plan.required<std::string>("scores_column"));
  });
  // Appending types: every row adds to its key (modes do not apply; the Python layer uses append).
  def_write(m, "write_stream", POLARS_REDIS_WRITE_SIGNATURE("write_stream"), [](PlanReader& plan) {
    return write::make_stream_encoder(plan.get<std::string>("id_column", ""),
                                      plan.required<std::vector<std::string>>("trim"));
  });
  def_write(m, "write_timeseries", POLARS_REDIS_WRITE_SIGNATURE("write_timeseries"), [](PlanReader& plan) {
    return write::make_timeseries_encoder(plan.required<std::string>("timestamp_column"),
                                          plan.required<std::string>("value_column"),
                                          plan.required<std::vector<std::string>>("add_options"));
  });
  def_write(m, "write_strings", POLARS_REDIS_WRITE_SIGNATURE("write_strings"), [](PlanReader& plan) {
    return write::make_string_encoder(plan.get<std::string>("value_column", "value"));
  });
}

}  // namespace polars_redis::bindings
