// The connection pool seen from Python: statistics for tests and Client.pool_stats(), and closing
// a pool (Client.close(), or a fresh start after the server's address was reused).
#include <nanobind/stl/string.h>

#include "bindings.hpp"
#include "polars_redis/net/connection_pool.hpp"
#include "polars_redis/net/url.hpp"

namespace polars_redis::bindings {

void register_pool(nb::module_& m) {
  m.def(
      "pool_stats",
      [](const std::string& url) {
        const net::PoolStats stats = net::pool_stats(net::parse_url(url));
        nb::dict out;
        out["open"] = stats.open;
        out["idle"] = stats.idle;
        out["created"] = stats.created;
        out["reused"] = stats.reused;
        return out;
      },
      nb::sig("def pool_stats(url: str) -> dict[str, int]"), nb::arg("url"),
      "Counters of the URL's connection pool: open, idle, created, reused.");
  m.def(
      "url_settings",
      [](const std::string& url) {
        const net::ConnectionOptions options = net::parse_url(url);
        nb::dict out;
        out["pool"] = options.pool;
        out["pool_size"] = options.pool_size;
        out["pool_idle_timeout"] = options.pool_idle_timeout_ms / 1000.0;
        out["retries"] = options.retries;
        out["parallel"] = options.parallel;
        return out;
      },
      nb::sig("def url_settings(url: str) -> dict[str, typing.Any]"), nb::arg("url"),
      "The URL's client-side options: pool, pool_size, pool_idle_timeout, retries, parallel.");
  m.def(
      "close_pool",
      [](const std::string& url) {
        const net::ConnectionOptions options = net::parse_url(url);
        // Closing sockets (TLS shutdown included) must not hold the GIL.
        ReleasedGil release;
        net::close_pool(options);
      },
      nb::arg("url"), "Close the idle connections of the URL's pool; later calls open fresh ones.");
}

}  // namespace polars_redis::bindings
