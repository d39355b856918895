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

ArrowArrayStream* stream_from_capsule(nb::handle capsule) {
  void* pointer = PyCapsule_GetPointer(capsule.ptr(), "arrow_array_stream");
  if (pointer == nullptr) throw nb::python_error();
  return static_cast<ArrowArrayStream*>(pointer);
}

write::WriteMode mode_from_string(const std::string& mode) {
  if (mode == "fail") return write::WriteMode::kFail;
  if (mode == "replace") return write::WriteMode::kReplace;
  if (mode == "append") return write::WriteMode::kAppend;
  throw Error(ErrorKind::kInvalidArgument, "if_exists must be 'fail', 'replace' or 'append', got '" + mode + "'");
}

write::RowWriteOptions options_from_plan(const nb::dict& plan) {
  write::RowWriteOptions options;
  if (plan.contains("key_column") && !plan["key_column"].is_none()) options.key_column = nb::cast<std::string>(plan["key_column"]);
  options.key_prefix = plan_get<std::string>(plan, "key_prefix", "");
  options.mode = mode_from_string(plan_get<std::string>(plan, "if_exists", "replace"));
  if (plan.contains("ttl_seconds") && !plan["ttl_seconds"].is_none()) {
    int64_t seconds = 0;
    if (!nb::try_cast<int64_t>(plan["ttl_seconds"], seconds)) throw Error(ErrorKind::kInvalidArgument, "ttl does not fit in 64 bits");
    options.ttl_seconds = seconds;
  }
  if (plan.contains("ttl_column") && !plan["ttl_column"].is_none()) options.ttl_column = nb::cast<std::string>(plan["ttl_column"]);
  if (plan.contains("source_rows_column")) options.source_rows_column = nb::cast<std::string>(plan["source_rows_column"]);
  if (plan.contains("ignored_columns")) options.ignored_columns = nb::cast<std::vector<std::string>>(plan["ignored_columns"]);
  options.batch_size = plan_get<int64_t>(plan, "batch_size", options.batch_size);
  options.row_offset = plan_get<int64_t>(plan, "row_offset", options.row_offset);
  options.precheck = plan_get<bool>(plan, "precheck", options.precheck);
  options.check_only = plan_get<bool>(plan, "check_only", false);
  options.collect_redirects = plan.contains("cluster_node") && !plan["cluster_node"].is_none();
  options.asking = plan_get<bool>(plan, "asking", false);
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
nb::object write_rows(const std::string& url, nb::handle stream, nb::handle check, const nb::dict& plan,
                      std::unique_ptr<write::ValueEncoder> encoder) {
  const write::RowWriteOptions options = options_from_plan(plan);
  const net::ConnectionOptions connection = write_connection(url, plan);
  ArrowArrayStream* main_stream = stream_from_capsule(stream);
  ArrowArrayStream* check_stream = stream_from_capsule(check);
  encoder = with_restore(plan, std::move(encoder));
  write::WriteResult result;
  {
    ReleasedGil release;
    result = write::write_rows(connection, main_stream, check_stream, options, *encoder);
  }
  if (!options.collect_redirects || options.check_only) return nb::int_(result.written);
  return nb::make_tuple(result.written, redirected_rows(result.redirected));
}

}  // namespace

void register_writes(nb::module_& m) {
  m.attr("MAX_TTL_SECONDS") = write::kMaxTtlSeconds;
  m.def(
      "check_keys_absent",
      [](const std::string& url, nb::handle stream, const nb::dict& plan) {
        const write::RowWriteOptions options = options_from_plan(plan);
        const net::ConnectionOptions connection = write_connection(url, plan);
        ArrowArrayStream* keys = stream_from_capsule(stream);
        std::vector<write::RedirectedRow> redirected;
        {
          ReleasedGil release;
          redirected = write::check_keys_absent(connection, keys, options);
        }
        return redirected_rows(redirected);
      },
      nb::arg("url"), nb::arg("stream"), nb::arg("plan"));
  m.def(
      "write_hashes",
      [](const std::string& url, nb::handle stream, nb::handle check, const nb::dict& plan) {
        return write_rows(url, stream, check, plan, write::make_hash_encoder());
      },
      nb::arg("url"), nb::arg("stream"), nb::arg("check"), nb::arg("plan"));
  m.def(
      "write_json",
      [](const std::string& url, nb::handle stream, nb::handle check, const nb::dict& plan) {
        return write_rows(url, stream, check, plan, write::make_json_encoder());
      },
      nb::arg("url"), nb::arg("stream"), nb::arg("check"), nb::arg("plan"));
  // Collections: the frame is grouped by key first (one row per key, list columns).
  m.def(
      "write_set",
      [](const std::string& url, nb::handle stream, nb::handle check, const nb::dict& plan) {
        return write_rows(url, stream, check, plan, write::make_set_encoder(nb::cast<std::string>(plan["items_column"])));
      },
      nb::arg("url"), nb::arg("stream"), nb::arg("check"), nb::arg("plan"));
  m.def(
      "write_list",
      [](const std::string& url, nb::handle stream, nb::handle check, const nb::dict& plan) {
        return write_rows(url, stream, check, plan, write::make_list_encoder(nb::cast<std::string>(plan["items_column"])));
      },
      nb::arg("url"), nb::arg("stream"), nb::arg("check"), nb::arg("plan"));
  m.def(
      "write_zset",
      [](const std::string& url, nb::handle stream, nb::handle check, const nb::dict& plan) {
        return write_rows(url, stream, check, plan,
                          write::make_zset_encoder(nb::cast<std::string>(plan["items_column"]),
                                                   nb::cast<std::string>(plan["scores_column"])));
      },
      nb::arg("url"), nb::arg("stream"), nb::arg("check"), nb::arg("plan"));
  // Appending types: every row adds to its key (modes do not apply; the Python layer uses append).
  m.def(
      "write_stream",
      [](const std::string& url, nb::handle stream, nb::handle check, const nb::dict& plan) {
        return write_rows(url, stream, check, plan,
                          write::make_stream_encoder(plan_get<std::string>(plan, "id_column", ""),
                                                     nb::cast<std::vector<std::string>>(plan["trim"])));
      },
      nb::arg("url"), nb::arg("stream"), nb::arg("check"), nb::arg("plan"));
  m.def(
      "write_timeseries",
      [](const std::string& url, nb::handle stream, nb::handle check, const nb::dict& plan) {
        return write_rows(url, stream, check, plan,
                          write::make_timeseries_encoder(nb::cast<std::string>(plan["timestamp_column"]),
                                                         nb::cast<std::string>(plan["value_column"]),
                                                         nb::cast<std::vector<std::string>>(plan["add_options"])));
      },
      nb::arg("url"), nb::arg("stream"), nb::arg("check"), nb::arg("plan"));
  m.def(
      "write_strings",
      [](const std::string& url, nb::handle stream, nb::handle check, const nb::dict& plan) {
        return write_rows(url, stream, check, plan,
                          write::make_string_encoder(plan_get<std::string>(plan, "value_column", "value")));
      },
      nb::arg("url"), nb::arg("stream"), nb::arg("check"), nb::arg("plan"));
}

}  // namespace polars_redis::bindings
