#include "bindings.hpp"

NB_MODULE(_core, m) {
  m.doc() = "polars-redis C++ core";
  polars_redis::bindings::register_errors(m);
  polars_redis::bindings::register_interrupts(m);
  polars_redis::bindings::register_arrow_batch(m);
  polars_redis::bindings::register_native_scan(m);
  polars_redis::bindings::register_hash_scan(m);
  polars_redis::bindings::register_writes(m);
  polars_redis::bindings::register_frames(m);
  polars_redis::bindings::register_string_scan(m);
  polars_redis::bindings::register_collection_scans(m);
  polars_redis::bindings::register_urls(m);
  polars_redis::bindings::register_budget(m);
  polars_redis::bindings::register_timeseries_scan(m);
  polars_redis::bindings::register_stream_scan(m);
  polars_redis::bindings::register_json_scan(m);
  polars_redis::bindings::register_commands(m);
  polars_redis::bindings::register_aggregate_scan(m);
  polars_redis::bindings::register_cluster_scan(m);
  polars_redis::bindings::register_pool(m);
  polars_redis::bindings::register_restore(m);
  polars_redis::bindings::register_search_queries(m);
  polars_redis::bindings::register_scan_descriptions(m);
}
