#pragma once
// Shared pieces of the nanobind module: each .cpp registers one concern.
#include <nanobind/nanobind.h>

#include "polars_redis/arrow/record_batch.hpp"
#include "polars_redis/convert/dtype.hpp"

namespace polars_redis::bindings {

namespace nb = nanobind;

void register_errors(nb::module_& m);
void register_arrow_batch(nb::module_& m);
void register_hash_scan(nb::module_& m);
void register_urls(nb::module_& m);

// dtype descriptors cross the boundary as dicts: {"id": "datetime", "unit": "us", "tz": "UTC", ...}
DataType dtype_from_dict(const nb::dict& spec);
nb::dict dtype_to_dict(const DataType& dtype);

// Wraps a finished batch as a Python object implementing __arrow_c_array__.
nb::object wrap_batch(arrow::RecordBatch batch);

}  // namespace polars_redis::bindings
