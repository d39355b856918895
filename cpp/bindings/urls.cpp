// URL helpers for the Python layer: validate early (at scan_* time, not at collect time) and
// redact credentials for messages and reprs.
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "bindings.hpp"
#include "polars_redis/net/node_routing.hpp"
#include "polars_redis/net/url.hpp"

namespace polars_redis::bindings {

void register_urls(nb::module_& m) {
  m.def("validate_url", [](const std::string& url) { net::parse_url(url); }, nb::arg("url"),
        "Raise ConfigurationError if the URL is malformed.");
  m.def("redact_url", [](const std::string& url) { return net::redact_url(url); }, nb::arg("url"),
        "The URL with its password replaced by ***.");
  m.def("url_secrets", [](const std::string& url) { return net::url_secrets(url); }, nb::arg("url"),
        "The passwords the URL holds (user info and ?password=), raw and percent-decoded.");
  m.def(
      "read_route",
      [](const std::string& url) {
        const net::ConnectionOptions options = net::parse_url(url);
        if (!net::is_routed(options)) return std::string();
        ReleasedGil release;
        return net::describe_read_route(options);
      },
      nb::arg("url"),
      "Which server the reads of a Sentinel or read_from URL go to, without passwords ('' for other URLs).");
}

}  // namespace polars_redis::bindings
