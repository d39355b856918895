// write_hashes / write_json / write_strings / ...: the DataFrame arrives as two Arrow C stream
// capsules of the same frame (the first is checked in full before the second is written);
// the write runs without the GIL and returns the rows written. When the URL reaches a Redis
// Cluster, the core's cluster writer runs instead (write/cluster_writer.hpp: each row on its
// key's primary, redirections followed); it holds the first stream's batches and reads them again
// for every node, so the second stream is left unread.
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "bindings.hpp"
#include "cluster_scan.hpp"
#include "restore.hpp"
#include "polars_redis/error.hpp"
#include "polars_redis/net/node_routing.hpp"
#include "polars_redis/net/url.hpp"
#include "polars_redis/write/cluster_writer.hpp"
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
  return options;
}

// The connection of a write: always the deployment's primary (a cluster's: each key's).
net::ConnectionOptions write_target(const std::string& url) { return net::for_writes(net::parse_url(url)); }

// `check` is a second export of the same frame: every row is checked before anything is sent.
// `make_encoder` makes the Redis type's encoder from the plan (a cluster write needs one per node
// share: it is called again, with the GIL taken back, for each).
template <typename MakeEncoder>
int64_t write_rows(const std::string& url, nb::handle stream, nb::handle check, const nb::dict& dict,
                   const char* name, const MakeEncoder& make_encoder) {
  PlanReader plan(dict, name);
  const write::RowWriteOptions options = options_from_plan(plan);
  const net::ConnectionOptions connection = write_target(url);
  std::unique_ptr<write::ValueEncoder> encoder = with_restore(plan, make_encoder(plan));
  plan.finish();
  ArrowArrayStream* main_stream = stream_from_capsule(stream);
  ArrowArrayStream* check_stream = stream_from_capsule(check);
  if (reaches_cluster(connection)) {
    write::EncoderFactory encoders = [&]() -> std::unique_ptr<write::ValueEncoder> {
      if (encoder) return std::move(encoder);  // the one made above, first
      nb::gil_scoped_acquire gil;
      PlanReader again(dict, name);  // read and checked in full above
      return with_restore(again, make_encoder(again));
    };
    ReleasedGil release;
    return write::write_cluster_rows(connection, main_stream, options, encoders);
  }
  ReleasedGil release;
  return write::write_rows(connection, main_stream, check_stream, options, *encoder).written;
}

// A write entry point: `make_encoder` reads the plan keys of its Redis type.
template <typename MakeEncoder>
void def_write(nb::module_& m, const char* name, const char* signature, MakeEncoder make_encoder) {
  m.def(
      name,
      [name, make_encoder](const std::string& url, nb::handle stream, nb::handle check, const nb::dict& dict) {
        return write_rows(url, stream, check, dict, name, make_encoder);
      },
      nb::sig(signature), nb::arg("url"), nb::arg("stream"), nb::arg("check"), nb::arg("plan"));
}

#define POLARS_REDIS_WRITE_SIGNATURE(name) \
  "def " name "(url: str, stream: object, check: object, plan: dict[str, typing.Any]) -> int"

}  // namespace

void register_writes(nb::module_& m) {
  m.attr("MAX_TTL_SECONDS") = write::kMaxTtlSeconds;
  m.def(
      "check_keys_absent",
      [](const std::string& url, nb::handle stream, const nb::dict& dict) {
        PlanReader plan(dict, "check_keys_absent");
        const write::RowWriteOptions options = options_from_plan(plan);
        const net::ConnectionOptions connection = write_target(url);
        plan.finish();
        ArrowArrayStream* keys = stream_from_capsule(stream);
        if (reaches_cluster(connection)) {
          ReleasedGil release;
          write::check_cluster_keys_absent(connection, keys, options);
          return;
        }
        ReleasedGil release;
        write::check_keys_absent(connection, keys, options);
      },
      nb::sig("def check_keys_absent(url: str, stream: object, plan: dict[str, typing.Any]) -> None"),
      nb::arg("url"), nb::arg("stream"), nb::arg("plan"),
      "Raises KeyExistsError naming the keys of the stream's rows that exist (each on its node on a cluster).");
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
