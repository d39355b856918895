// scan_hashes / infer_hash_schema entry points. Every call that waits on the network or parses
// releases the GIL.
#include <memory>

#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "bindings.hpp"
#include "polars_redis/net/url.hpp"
#include "polars_redis/read/hash_fetcher.hpp"
#include "polars_redis/read/hash_schema_inference.hpp"
#include "polars_redis/read/scan_engine.hpp"

namespace polars_redis::bindings {

namespace {

template <typename T>
T get(const nb::dict& plan, const char* name, T fallback) {
  return plan.contains(name) && !plan[name].is_none() ? nb::cast<T>(plan[name]) : fallback;
}

// Options every key-per-row scan shares: where the keys come from, batching, key/index columns.
read::ScanOptions scan_options_from_plan(const std::string& url, const nb::dict& plan) {
  read::ScanOptions options;
  options.connection = net::parse_url(url);
  options.pattern = get<std::string>(plan, "pattern", "*");
  options.count_hint = get<int64_t>(plan, "count_hint", options.count_hint);
  options.max_keys_in_flight = get<int64_t>(plan, "max_keys_in_flight", options.max_keys_in_flight);
  if (plan.contains("keys") && !plan["keys"].is_none()) options.keys = nb::cast<std::vector<std::string>>(plan["keys"]);
  options.include_key = get<bool>(plan, "include_key", true);
  options.key_column_name = get<std::string>(plan, "key_column_name", "_key");
  options.include_row_index = get<bool>(plan, "include_row_index", false);
  options.row_index_column_name = get<std::string>(plan, "row_index_column_name", "_index");
  options.row_index_offset = get<int64_t>(plan, "row_index_offset", 0);
  options.batch_size = get<int64_t>(plan, "batch_size", 1000);
  if (plan.contains("n_rows") && !plan["n_rows"].is_none()) options.n_rows = nb::cast<int64_t>(plan["n_rows"]);
  return options;
}

class HashScan {
 public:
  HashScan(const std::string& url, const nb::dict& plan) {
    read::ScanOptions options = scan_options_from_plan(url, plan);
    options.type_filter = "hash";
    read::HashFetchOptions fetch;
    for (auto item : nb::cast<nb::list>(plan["fields"])) {
      auto field = nb::cast<nb::tuple>(item);
      fetch.fields.push_back({nb::cast<std::string>(field[0]), dtype_from_dict(nb::cast<nb::dict>(field[1]))});
    }
    fetch.fetch_all = get<bool>(plan, "fetch_all", false);
    fetch.include_ttl = get<bool>(plan, "include_ttl", false);
    fetch.ttl_column_name = get<std::string>(plan, "ttl_column_name", "_ttl");
    fetch.ignore_errors = get<bool>(plan, "ignore_errors", false);
    engine_ = std::make_unique<read::ScanEngine>(std::move(options), std::make_unique<read::HashFetcher>(std::move(fetch)));
  }

  nb::object next_batch() {
    std::optional<arrow::RecordBatch> batch;
    {
      nb::gil_scoped_release release;
      batch = engine_->next();
    }
    if (!batch) return nb::none();
    return wrap_batch(std::move(*batch));
  }

  void close() {
    nb::gil_scoped_release release;
    engine_->cancel();
  }

 private:
  std::unique_ptr<read::ScanEngine> engine_;
};

std::vector<std::pair<std::string, nb::dict>> infer_hash_schema(const std::string& url, const std::string& pattern,
                                                                int64_t sample_size, bool type_inference) {
  std::vector<std::pair<std::string, DataType>> schema;
  {
    nb::gil_scoped_release release;
    schema = read::infer_hash_schema(net::parse_url(url), pattern, sample_size, type_inference);
  }
  std::vector<std::pair<std::string, nb::dict>> result;
  for (auto& [name, dtype] : schema) result.emplace_back(name, dtype_to_dict(dtype));
  return result;
}

}  // namespace

void register_hash_scan(nb::module_& m) {
  nb::class_<HashScan>(m, "HashScan", "A running scan of Redis hashes producing Arrow batches.")
      .def(nb::init<const std::string&, const nb::dict&>(), nb::arg("url"), nb::arg("plan"))
      .def("next_batch", &HashScan::next_batch, "The next batch, or None when the scan is complete.")
      .def("close", &HashScan::close, "Stop the scan and its background thread.");
  m.def("infer_hash_schema", &infer_hash_schema, nb::arg("url"), nb::arg("pattern"), nb::arg("sample_size"),
        nb::arg("type_inference"));
}

}  // namespace polars_redis::bindings
