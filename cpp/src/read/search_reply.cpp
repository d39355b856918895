#include "polars_redis/read/search_reply.hpp"

#include "polars_redis/error.hpp"

namespace polars_redis::read {

namespace {

[[noreturn]] void unexpected(const SearchCommand& what, std::string_view detail) {
  throw Error(ErrorKind::kProtocol, search_error_message(what, "unexpected reply: " + std::string(detail)));
}

// The value of `name` in a RESP3 map, or a null-typed view (the map itself) when absent.
bool find_in_map(const resp::NodeView& map, std::string_view name, resp::NodeView& out) {
  auto node = map.first_child();
  for (size_t i = 0, n = map.size(); i < n; ++i) {
    auto value = node.next_sibling();
    if (node.str() == name) {
      out = value;
      return true;
    }
    node = value.next_sibling();
  }
  return false;
}

}  // namespace

std::string search_error_message(const SearchCommand& what, std::string_view message) {
  std::string text = std::string(what.command) + " failed on index '" + quote_for_message(what.index) + "'";
  if (!what.query.empty()) text += " (query '" + quote_for_message(what.query, 400) + "')";
  text += ": ";
  text += message;
  return text;
}

SearchPage::SearchPage(const resp::NodeView& reply, const SearchCommand& what) : what_(what), first_row_(reply) {
  if (reply.is_error()) throw Error(ErrorKind::kResponse, search_error_message(what, reply.str()));
  if (!reply.is_aggregate() || reply.size() != 2) unexpected(what, "not a [results, cursor] pair");
  auto body = reply.first_child();
  auto cursor = body.next_sibling();
  if (cursor.type() != resp::Type::kInteger) unexpected(what, "the cursor is not an integer");
  cursor_ = cursor.integer();
  if (body.is_error()) throw Error(ErrorKind::kResponse, search_error_message(what, body.str()));
  if (body.type() == resp::Type::kMap) {
    resp3_ = true;
    resp::NodeView results = body;
    if (!find_in_map(body, "results", results) || !results.is_aggregate()) unexpected(what, "no results array");
    rows_ = results.size();
    first_row_ = results.first_child();
    resp::NodeView warnings = body;
    if (find_in_map(body, "warning", warnings) && warnings.is_aggregate()) {
      auto warning = warnings.first_child();
      for (size_t i = 0, n = warnings.size(); i < n; ++i, warning = warning.next_sibling()) {
        if (!warning_.empty()) warning_ += "; ";
        warning_ += warning.str();
      }
    }
    return;
  }
  // RESP2: the total count, then one flat array per row.
  if (!body.is_aggregate() || body.size() == 0) unexpected(what, "no results array");
  rows_ = body.size() - 1;
  first_row_ = body.first_child().next_sibling();
}

void SearchPage::check_warnings() const {
  if (!warning_.empty()) {
    throw Error(ErrorKind::kResponse,
                search_error_message(what_, "the results are incomplete (warning: " + warning_ + ")"));
  }
}

resp::NodeView SearchPage::attributes(const resp::NodeView& row) const {
  if (!resp3_) {
    if (!row.is_aggregate()) unexpected(what_, "a row is not an array");
    return row;
  }
  resp::NodeView extra = row;
  if (row.type() != resp::Type::kMap || !find_in_map(row, "extra_attributes", extra) ||
      extra.type() != resp::Type::kMap) {
    unexpected(what_, "a row has no extra_attributes map");
  }
  return extra;
}

}  // namespace polars_redis::read
