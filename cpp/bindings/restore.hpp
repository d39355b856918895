#pragma once
// RESTORE payload writes (restore.cpp): the server probe, and the encoder swap the row writers
// make when the Python layer chose RESTORE for a write (plan["restore"]).
#include <memory>

#include "plan_reader.hpp"

#include "polars_redis/write/value_encoder.hpp"

namespace polars_redis::bindings {

// `commands` itself, or, when plan["restore"] holds {"rdb_version": ..., "limits": {...}}, a
// RESTORE encoder around it.
std::unique_ptr<write::ValueEncoder> with_restore(PlanReader& plan, std::unique_ptr<write::ValueEncoder> commands);

void register_restore(nanobind::module_& m);

}  // namespace polars_redis::bindings
