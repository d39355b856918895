#pragma once
// A JSONPath evaluated on the client, over a document's text, the way RedisJSON evaluates it:
// what snapshot reads and RDB files need to answer JSON.GET with the columns' own paths, where
// no server is asked. Matches are the documents' own text, so numbers keep their exact digits.
//
// RedisJSON's rules, checked against the server by tests/reads/test_snapshot_json_paths.py:
//   `.name` / `['a','b']` select object members (in the order written; a name may repeat);
//   `.*` / `[*]` every member or element, in document order;
//   `[i,j]` array elements, a negative index counting from the end and clamped to the first
//   element (on a non-empty array), an index past the end selecting nothing;
//   `[a:b:s]` a slice as in Python with a positive step; any step on the wrong kind of value
//   selects nothing. Filters (`[?...]`) and recursive descent (`..`) are refused: their results
//   depend on the server's expression engine and traversal order, which this does not reproduce.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace polars_redis::json {

class PathSelector {
 public:
  struct Step;  // one compiled step (defined where it is evaluated)

  // Compiles `path`, a JSONPath that path_error() accepts. Throws Error(kInvalidArgument) naming
  // the path for a filter or recursive descent, or for a path it cannot read.
  explicit PathSelector(std::string_view path);
  ~PathSelector();
  PathSelector(PathSelector&&) noexcept;
  PathSelector& operator=(PathSelector&&) noexcept;

  // The text of each match in `document` (views into it), in RedisJSON's order. Throws
  // Error(kProtocol) when the document is not well-formed JSON.
  std::vector<std::string_view> select(std::string_view document) const;

 private:
  std::vector<Step> steps_;
};

// Why `path` cannot be evaluated on the client (a filter or recursive descent), or nullopt.
std::optional<std::string> client_path_error(std::string_view path);

}  // namespace polars_redis::json
