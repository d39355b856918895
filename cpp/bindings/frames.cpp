// The frame cache's storage: chunked binary values (the Python layer does the Arrow IPC).
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "bindings.hpp"
#include "polars_redis/net/node_routing.hpp"
#include "polars_redis/write/chunked_value.hpp"

namespace polars_redis::bindings {

void register_frames(nb::module_& m) {
  m.def(
      "put_chunked_value",
      [](const std::string& url, const std::string& key, const std::string& meta, const std::vector<nb::bytes>& chunks,
         std::optional<int64_t> ttl_seconds) {
        std::vector<std::string_view> views;
        for (const auto& chunk : chunks) views.emplace_back(chunk.c_str(), chunk.size());
        const net::ConnectionOptions connection = net::for_writes(net::parse_url(url));
        nb::gil_scoped_release release;  // the bytes objects stay alive: `chunks` holds them
        write::put_chunked_value(connection, key, meta, views, ttl_seconds);
      },
      nb::arg("url"), nb::arg("key"), nb::arg("meta"), nb::arg("chunks"), nb::arg("ttl_seconds").none());
  m.def(
      "get_hash_fields",
      [](const std::string& url, const std::string& key, const std::vector<std::string>& fields) {
        std::vector<std::optional<std::string>> values;
        {
          const net::ConnectionOptions connection = net::parse_url(url);
          nb::gil_scoped_release release;
          values = write::get_hash_fields(connection, key, fields);
        }
        nb::list result;
        for (auto& value : values) {
          if (value) {
            result.append(nb::bytes(value->data(), value->size()));
          } else {
            result.append(nb::none());
          }
        }
        return result;
      },
      nb::arg("url"), nb::arg("key"), nb::arg("fields"));
}

}  // namespace polars_redis::bindings
