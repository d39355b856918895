#include "bindings.hpp"

NB_MODULE(_core, m) {
  m.doc() = "polars-redis C++ core";
  polars_redis::bindings::register_errors(m);
  polars_redis::bindings::register_arrow_batch(m);
  polars_redis::bindings::register_native_scan(m);
  polars_redis::bindings::register_hash_scan(m);
  polars_redis::bindings::register_writes(m);
  polars_redis::bindings::register_frames(m);
  polars_redis::bindings::register_urls(m);
}
