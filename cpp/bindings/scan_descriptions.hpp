#pragma once
// What each scan entry point would send, for explain(): the entries file a function that reads
// their plan and asks the core for its description (read/scan_description.hpp), and
// _core.describe_scan(name, url, plan) calls it.
#include <functional>
#include <string>

#include "bindings.hpp"
#include "polars_redis/read/scan_description.hpp"

namespace polars_redis::bindings {

// {"keys": bytes, "fetch": [bytes, ...]} (bytes: a key need not be UTF-8).
nb::dict description_to_python(const read::ScanDescription& description);

// Files `describe` under `name` for describe_scan(name, url, plan, cluster); `cluster`: the URL
// reaches a Redis Cluster (the caller knows; describing connects nowhere).
void add_scan_description(const std::string& name,
                          std::function<nb::dict(const std::string& url, const nb::dict& plan, bool cluster)> describe);

}  // namespace polars_redis::bindings
