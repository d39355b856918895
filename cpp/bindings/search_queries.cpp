// index_info / search_nearest / search_sorted_keys: RediSearch commands whose replies the core
// reads whole (read/index_info.hpp, knn_search.hpp, sorted_search.hpp), on a single server or on
// every shard of a Redis Cluster; Python gets typed results.
#include <optional>
#include <string>
#include <vector>

#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>

#include "bindings.hpp"
#include "polars_redis/net/url.hpp"
#include "polars_redis/read/index_info.hpp"
#include "polars_redis/read/knn_search.hpp"
#include "polars_redis/read/sorted_search.hpp"

namespace polars_redis::bindings {

namespace {

// Text from the server as str; bytes that are not UTF-8 are replaced (names and prefixes are
// shown and compared, never written back).
nb::str text(const std::string& value) {
  return nb::steal<nb::str>(PyUnicode_DecodeUTF8(value.data(), static_cast<Py_ssize_t>(value.size()), "replace"));
}

// A key as str, or bytes when it is not UTF-8 (as a raw command returns it).
nb::object key_object(const std::string& key) {
  PyObject* decoded = PyUnicode_DecodeUTF8(key.data(), static_cast<Py_ssize_t>(key.size()), "strict");
  if (decoded) return nb::steal(decoded);
  PyErr_Clear();
  return nb::bytes(key.data(), key.size());
}

nb::list texts(const std::vector<std::string>& values) {
  nb::list out;
  for (const auto& value : values) out.append(text(value));
  return out;
}

nb::object optional_text(const std::optional<std::string>& value) { return value ? nb::object(text(*value)) : nb::none(); }

nb::dict index_info(const std::string& url, const std::string& name) {
  const net::ConnectionOptions options = net::parse_url(url);
  read::IndexInfo info;
  {
    ReleasedGil release;
    info = read::read_index_info(options, name);
  }
  nb::list attributes;
  for (const read::IndexAttribute& attribute : info.attributes) {
    nb::dict item;
    item["name"] = text(attribute.name);
    item["identifier"] = text(attribute.identifier);
    item["type"] = text(attribute.type);
    item["separator"] = optional_text(attribute.separator);
    item["flags"] = texts(attribute.flags);
    attributes.append(item);
  }
  nb::dict out;
  out["key_type"] = text(info.key_type);
  out["prefixes"] = texts(info.prefixes);
  out["filter"] = optional_text(info.filter);
  out["attributes"] = attributes;
  out["num_docs"] = info.num_docs;
  out["hash_indexing_failures"] = info.hash_indexing_failures;
  out["indexing"] = info.indexing;
  out["stopwords"] = info.stopwords ? nb::object(texts(*info.stopwords)) : nb::none();
  out["index_options"] = texts(info.index_options);
  out["default_language"] = text(info.default_language);
  out["language_field"] = optional_text(info.language_field);
  out["min_prefix"] = info.min_prefix ? nb::object(nb::int_(*info.min_prefix)) : nb::none();
  return out;
}

nb::tuple search_nearest(const std::string& url, const std::string& index, const nb::sequence& args, int64_t k) {
  const net::ConnectionOptions options = net::parse_url(url);
  std::vector<std::string> after_index;
  for (auto arg : args) after_index.push_back(text_or_bytes(arg, "argument " + std::to_string(after_index.size() + 1)));
  read::Neighbours neighbours;
  {
    ReleasedGil release;
    neighbours = read::search_nearest(options, index, after_index, k);
  }
  nb::list keys, distances;
  for (const auto& key : neighbours.keys) keys.append(key_object(key));
  for (double distance : neighbours.distances) distances.append(nb::float_(distance));
  return nb::make_tuple(keys, distances);
}

nb::list search_sorted_keys(const std::string& url, const std::string& index, const std::string& query,
                            const std::string& field, bool descending, std::optional<int64_t> limit,
                            const nb::sequence& params, int dialect) {
  const net::ConnectionOptions options = net::parse_url(url);
  read::SearchKeyQuery search;
  search.index = index;
  search.query = query;
  search.dialect = dialect;
  search.sort_by = {{field, descending}};
  search.limit = limit;
  search.by_offset = true;
  for (auto pair : params) {
    const std::string at = "params[" + std::to_string(search.params.size()) + "]";
    std::vector<std::string> parts;
    for (auto part : pair) parts.push_back(text_or_bytes(part, at));
    if (parts.size() != 2) throw Error(ErrorKind::kInvalidArgument, at + " must be a (name, value) pair");
    search.params.emplace_back(std::move(parts[0]), std::move(parts[1]));
  }
  std::vector<std::string> keys;
  {
    ReleasedGil release;
    keys = read::search_sorted_keys(options, search);
  }
  nb::list out;
  for (const auto& key : keys) out.append(key_object(key));
  return out;
}

}  // namespace

void register_search_queries(nb::module_& m) {
  m.def("index_info", &index_info, nb::sig("def index_info(url: str, name: str) -> dict[str, typing.Any]"),
        nb::arg("url"), nb::arg("name"),
        "FT.INFO and FT.CONFIG GET MINPREFIX of a RediSearch index, parsed (on a Redis Cluster: every shard's "
        "index, counters summed). ConfigurationError when the index does not exist.");
  m.def("search_nearest", &search_nearest,
        nb::sig("def search_nearest(url: str, index: str, args: collections.abc.Sequence[str | bytes], k: int) -> "
                "tuple[list[str], list[float]]"),
        nb::arg("url"), nb::arg("index"), nb::arg("args"), nb::arg("k"),
        "FT.SEARCH <index> <args...> of a KNN query returning __distance, on every shard of a Redis Cluster: "
        "the k nearest keys and their distances, nearest first.");
  m.def("search_sorted_keys", &search_sorted_keys,
        nb::sig("def search_sorted_keys(url: str, index: str, query: str, field: str, descending: bool, "
                "limit: int | None, params: collections.abc.Sequence[collections.abc.Sequence[str | bytes]], "
                "dialect: int) -> list[str]"),
        nb::arg("url"), nb::arg("index"), nb::arg("query"), nb::arg("field"), nb::arg("descending"),
        nb::arg("limit").none(), nb::arg("params"), nb::arg("dialect"),
        "The keys of FT.SEARCH <index> <query> sorted by one field, on every shard of a Redis Cluster (paged "
        "by offset, WITHSORTKEYS), merged in global order and cut to limit.");
}

}  // namespace polars_redis::bindings
