#pragma once
// Shared pieces of the nanobind module: each .cpp registers one concern.
#include <string>
#include <vector>

#include <nanobind/nanobind.h>

#include "polars_redis/arrow/record_batch.hpp"
#include "polars_redis/convert/dtype.hpp"
#include "polars_redis/read/background_reader.hpp"
#include "polars_redis/read/hash_fetcher.hpp"
#include "polars_redis/read/key_metadata.hpp"
#include "polars_redis/read/key_scan.hpp"
#include "plan_reader.hpp"

namespace polars_redis::bindings {

namespace nb = nanobind;

void register_errors(nb::module_& m);
void register_arrow_batch(nb::module_& m);
void register_native_scan(nb::module_& m);
void register_hash_scan(nb::module_& m);
void register_writes(nb::module_& m);
void register_frames(nb::module_& m);
void register_string_scan(nb::module_& m);
void register_collection_scans(nb::module_& m);
void register_urls(nb::module_& m);
void register_timeseries_scan(nb::module_& m);
void register_stream_scan(nb::module_& m);
void register_json_scan(nb::module_& m);
void register_commands(nb::module_& m);
void register_aggregate_scan(nb::module_& m);
void register_cluster_scan(nb::module_& m);
void register_pool(nb::module_& m);
void register_restore(nb::module_& m);
void register_search_queries(nb::module_& m);

void register_interrupts(nb::module_& m);
void register_budget(nb::module_& m);
void register_scan_descriptions(nb::module_& m);

// Releases the GIL around a blocking call, and (re)arms Ctrl-C for it (net/interrupt.hpp: the
// call's socket waits give up, and net::Interrupted becomes KeyboardInterrupt). Re-taking the GIL
// while the interpreter shuts down would end this thread with a forced unwind through C++ frames
// (std::terminate): then the thread waits for the process to exit instead.
class ReleasedGil {
 public:
  ReleasedGil();
  ~ReleasedGil();
  ReleasedGil(const ReleasedGil&) = delete;
  ReleasedGil& operator=(const ReleasedGil&) = delete;

 private:
  PyThreadState* state_;
};

// dtype descriptors cross the boundary as dicts: {"id": "datetime", "unit": "us", "tz": "UTC", ...}
// (read like a nested plan: unknown keys and wrong types are errors naming `spec`'s place).
DataType dtype_from_plan(PlanReader spec);
nb::dict dtype_to_dict(const DataType& dtype);

// Defines the Python class of a batch type: num_rows (those of its `rows` batch) and
// __arrow_c_array__ (`export_batch`).
template <typename Batch>
void def_arrow_batch_class(nb::module_& m, const char* name, const char* doc, arrow::RecordBatch Batch::*rows,
                           nb::tuple (*export_batch)(Batch&, nb::handle)) {
  nb::class_<Batch>(m, name, doc)
      .def_prop_ro("num_rows", [rows](const Batch& self) { return (self.*rows).num_rows(); })
      .def("__arrow_c_array__", export_batch,
           nb::sig("def __arrow_c_array__(self, requested_schema: object | None = None) -> "
                   "tuple[object, object]"),
           nb::arg("requested_schema") = nb::none());
}

// Wraps a finished batch as a Python object implementing __arrow_c_array__.
nb::object wrap_batch(arrow::RecordBatch batch);
// The (schema, array) PyCapsule pair of __arrow_c_array__, taking over the heap-allocated structs.
nb::tuple arrow_capsules(ArrowSchema* schema, ArrowArray* array);
// The stream inside an "arrow_array_stream" PyCapsule (a frame's __arrow_c_stream__), still owned
// by the capsule.
ArrowArrayStream* stream_from_capsule(nb::handle capsule);

// A Python NativeScan running `produce` on a background thread, restarted up to `restarts` times
// when it cannot reach the server before its first batch (net/read_restarts.hpp); `numbering`
// adds the row index column as batches are taken.
nb::object make_native_scan(read::BackgroundReader::Produce produce, int restarts,
                            std::optional<read::RowNumbering> numbering = std::nullopt);

// A NativeScan reading `options` with `on_cluster` when `cluster`, else with `on_node`; restarted
// as the connection's `retries` say.
template <typename Options>
nb::object native_scan_on(bool cluster, Options options, void (*on_cluster)(const Options&, read::BatchQueue&),
                          void (*on_node)(const Options&, read::BatchQueue&),
                          std::optional<read::RowNumbering> numbering = std::nullopt) {
  auto run = cluster ? on_cluster : on_node;
  const int restarts = options.connection.retries;
  return make_native_scan([options = std::move(options), run](read::BatchQueue& queue) { run(options, queue); },
                          restarts, std::move(numbering));
}

// "def <name>(url: str, plan: dict[str, typing.Any]) -> <result>", kept for the module's lifetime
// (the stub generator reads it).
const char* plan_entry_signature(const std::string& name, const char* result);

// Defines `name(url, plan)`, an entry point starting a NativeScan.
void def_native_scan(nb::module_& m, const char* name,
                     nb::object (*start)(const std::string& url, const nb::dict& plan),
                     const char* doc);

// The plan of the entry point `entry` read into Options: the URL's connection, then
// `read(plan, options)`; finish() rejects the keys it did not ask for.
template <typename Options, typename Read>
Options read_plan(const std::string& url, const nb::dict& dict, const char* entry, Read read) {
  PlanReader plan(dict, entry);
  Options options;
  options.connection = net::parse_url(url);
  read(plan, options);
  plan.finish();
  return options;
}

// Scan plans (the dict the Python layer builds), read through a PlanReader.
read::KeyScanOptions key_scan_options_from_plan(const std::string& url, PlanReader& plan);
// plan["max_server_share"] / plan["max_commands_per_second"] (validated: kInvalidArgument).
read::ScanBudget budget_from_plan(PlanReader& plan);
// The (name, dtype descriptor) pair at the front of `item`, a tuple at `subpath` of the plan.
read::FieldSpec column_from_plan(const PlanReader& plan, const nb::tuple& item, const std::string& subpath);
// plan[name]: a list of tuples of `length` items, each read by `read_item(tuple, subpath)`
// (subpath: "['fields'][0]").
template <typename ReadItem>
auto tuples_from_plan(PlanReader& plan, const char* name, size_t length, ReadItem read_item) {
  std::vector<decltype(read_item(nb::tuple(), std::string()))> items;
  for (auto item : plan.required<nb::list>(name)) {
    const std::string at = std::string("['") + name + "'][" + std::to_string(items.size()) + "]";
    items.push_back(read_item(cast_tuple(item, length, plan.place(at)), at));
  }
  return items;
}
// plan[name]: (name, dtype descriptor) per column.
std::vector<read::FieldSpec> fields_from_plan(PlanReader& plan, const char* name = "fields");
// An optional column of a scan: whether to add it (plan[include_key]) and its name
// (plan[name_key]), each left as it is when the plan does not say.
void optional_column_from_plan(PlanReader& plan, const char* include_key, const char* name_key, bool& include,
                               std::string& name);
// include_ttl / ttl_column_name / include_memory_usage / memory_column_name of a key-per-row scan.
read::KeyMetadataOptions key_metadata_from_plan(PlanReader& plan);

}  // namespace polars_redis::bindings
