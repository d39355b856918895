#pragma once
// Reply handling shared by the set, list and sorted-set fetchers.
#include <string>
#include <string_view>

#include "polars_redis/arrow/column_builder.hpp"
#include "polars_redis/error.hpp"
#include "polars_redis/resp/parser.hpp"

namespace polars_redis::read::detail {

inline std::string quoted(std::string_view text) {
  std::string out(1, '\'');
  out += quote_for_message(text);
  out += '\'';
  return out;
}

// The key was replaced by another type since SCAN saw it: it is skipped, not an error.
inline bool is_wrong_type(const resp::NodeView& reply) {
  return reply.is_error() && reply.str().starts_with("WRONGTYPE");
}

// Throws kResponse for any other error reply, naming the command and the key.
inline void throw_if_error(const resp::NodeView& reply, std::string_view command, std::string_view key) {
  if (reply.is_error()) {
    throw Error(ErrorKind::kResponse, std::string(command) + " " + quoted(key) + " failed: " + std::string(reply.str()));
  }
}

// Parses `raw` into `column` (its dtype); a value that does not parse is null with ignore_errors,
// else a kSchema error such as "cannot parse member 'x' of set 'k' as Int64".
inline void append_member(arrow::ColumnBuilder& column, std::string_view raw, bool ignore_errors,
                          std::string_view noun, std::string_view type, std::string_view key) {
  if (column.append_text(raw)) return;
  if (ignore_errors) {
    column.append_null();
    return;
  }
  throw Error(ErrorKind::kSchema, "cannot parse " + std::string(noun) + " " + quoted(raw) + " of " +
                                      std::string(type) + " " + quoted(key) + " as " + column.dtype().name() +
                                      " (pass ignore_errors=True to read it as null)");
}

}  // namespace polars_redis::read::detail
