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

// Wraps a finished batch as a Python object implementing __arrow_c_array__.
nb::object wrap_batch(arrow::RecordBatch batch);
// The (schema, array) PyCapsule pair of __arrow_c_array__, taking over the heap-allocated structs.
nb::tuple arrow_capsules(ArrowSchema* schema, ArrowArray* array);

// A Python NativeScan running `produce` on a background thread.
nb::object make_native_scan(read::BackgroundReader::Produce produce);

// Scan plans (the dict the Python layer builds), read through a PlanReader.
read::KeyScanOptions key_scan_options_from_plan(const std::string& url, PlanReader& plan);
// plan["max_server_share"] / plan["max_commands_per_second"] (validated: kInvalidArgument).
read::ScanBudget budget_from_plan(PlanReader& plan);
// plan["fields"]: (name, dtype descriptor) per column.
std::vector<read::FieldSpec> fields_from_plan(PlanReader& plan);
// include_ttl / ttl_column_name / include_memory_usage / memory_column_name of a key-per-row scan.
read::KeyMetadataOptions key_metadata_from_plan(PlanReader& plan);

}  // namespace polars_redis::bindings
