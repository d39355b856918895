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
        ReleasedGil release;  // the bytes objects stay alive: `chunks` holds them
        write::put_chunked_value(connection, key, meta, views, ttl_seconds);
      },
      nb::arg("url"), nb::arg("key"), nb::arg("meta"), nb::arg("chunks"), nb::arg("ttl_seconds").none());
  m.def(
      "get_chunked_value",
      [](const std::string& url, const std::string& key) -> nb::object {
        std::optional<write::ChunkedValue> value;
        {
          const net::ConnectionOptions connection = net::parse_url(url);
          ReleasedGil release;
          value = write::get_chunked_value(connection, key);
        }
        if (!value) return nb::none();
        nb::list chunks;
        for (const auto& chunk : value->chunks) chunks.append(nb::bytes(chunk.data(), chunk.size()));
        return nb::make_tuple(nb::bytes(value->meta.data(), value->meta.size()), chunks);
      },
      nb::sig("def get_chunked_value(url: str, key: str) -> tuple[bytes, list[bytes]] | None"),
      nb::arg("url"), nb::arg("key"));
}

}  // namespace polars_redis::bindings
