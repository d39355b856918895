// describe_scan: the commands a scan would send, for explain().
#include "scan_descriptions.hpp"

#include <map>

#include <nanobind/stl/string.h>

#include "polars_redis/error.hpp"

namespace polars_redis::bindings {

namespace {

using Describe = std::function<nb::dict(const std::string& url, const nb::dict& plan, bool cluster)>;

std::map<std::string, Describe>& descriptions() {
  static std::map<std::string, Describe> registry;  // filled while the module initializes
  return registry;
}

nb::bytes as_bytes(const std::string& text) { return nb::bytes(text.data(), text.size()); }

nb::dict describe_scan(const std::string& name, const std::string& url, const nb::dict& plan, bool cluster) {
  const auto found = descriptions().find(name);
  if (found == descriptions().end()) {
    throw Error(ErrorKind::kInvalidArgument, "no described scan is called '" + quote_for_message(name) + "'");
  }
  return found->second(url, plan, cluster);
}

}  // namespace

nb::dict description_to_python(const read::ScanDescription& description) {
  nb::list fetch;
  for (const std::string& line : description.fetch) fetch.append(as_bytes(line));
  nb::dict result;
  result["keys"] = as_bytes(description.keys);
  result["fetch"] = fetch;
  return result;
}

void add_scan_description(const std::string& name, Describe describe) { descriptions()[name] = std::move(describe); }

void register_scan_descriptions(nb::module_& m) {
  m.def("describe_scan", &describe_scan,
        nb::sig("def describe_scan(name: str, url: str, plan: dict[str, typing.Any], cluster: bool = False) -> "
                "dict[str, typing.Any]"),
        nb::arg("name"), nb::arg("url"), nb::arg("plan"), nb::arg("cluster") = false,
        "The commands the scan `name` would send for `plan` (on every shard with `cluster`), rendered from the "
        "encoders it runs; sends nothing.");
}

}  // namespace polars_redis::bindings
