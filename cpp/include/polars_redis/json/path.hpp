#pragma once
// JSONPath spelling of a top-level field for JSON.GET.
#include <optional>
#include <string>
#include <string_view>

namespace polars_redis::json {

// `$.name` for identifier-like names, else the bracket form `$["a b"]` with `"` and `\` escaped,
// so names with spaces, dots, quotes or brackets select exactly that field.
std::string field_path(std::string_view name);

// True for a path that selects at most one value: `$`, `.name`, `["name"]`, `['name']` and `[n]`
// steps only. Wildcards, recursive descent, filters, slices and unions may select several.
bool is_definite(std::string_view path);

// Why `path` is not a JSONPath RedisJSON accepts (what is wrong, at which character), or nullopt
// when it is one. Follows RedisJSON's grammar: `$` then directly `.name`, `..name`, `.*`, `..*`
// or bracket steps (`[n,m]`, `[a:b:s]`, `['name',"other"]`, `[*]`, `[?filter]`). Filters are only
// checked for balanced brackets, parentheses and quotes; the server judges the rest.
std::optional<std::string> path_error(std::string_view path);

}  // namespace polars_redis::json
