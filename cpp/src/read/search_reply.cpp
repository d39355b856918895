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

// The warnings of a RESP3 reply map, joined; empty when there are none.
std::string warnings_of(const resp::NodeView& body) {
  std::string text;
  resp::NodeView warnings = body;
  if (find_in_map(body, "warning", warnings) && warnings.is_aggregate()) {
    auto warning = warnings.first_child();
    for (size_t i = 0, n = warnings.size(); i < n; ++i, warning = warning.next_sibling()) {
      if (!text.empty()) text += "; ";
      text += warning.str();
    }
  }
  return text;
}

void throw_incomplete(const SearchCommand& what, const std::string& warning) {
  if (!warning.empty()) {
    throw Error(ErrorKind::kResponse,
                search_error_message(what, "the results are incomplete (warning: " + warning + ")"));
  }
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
    warning_ = warnings_of(body);
    return;
  }
  // RESP2: the total count, then one flat array per row.
  if (!body.is_aggregate() || body.size() == 0) unexpected(what, "no results array");
  rows_ = body.size() - 1;
  first_row_ = body.first_child().next_sibling();
}

void SearchPage::check_warnings() const { throw_incomplete(what_, warning_); }

SearchIdsPage::SearchIdsPage(const resp::NodeView& reply, const SearchCommand& what, SearchResultExtra extra)
    : what_(what), extra_(extra), first_(reply) {
  if (reply.is_error()) throw Error(ErrorKind::kResponse, search_error_message(what, reply.str()));
  if (reply.type() == resp::Type::kMap) {
    resp3_ = true;
    resp::NodeView total = reply, results = reply;
    if (!find_in_map(reply, "total_results", total) || total.type() != resp::Type::kInteger) {
      unexpected(what, "no total_results");
    }
    if (!find_in_map(reply, "results", results) || !results.is_aggregate()) unexpected(what, "no results array");
    total_ = total.integer();
    ids_ = results.size();
    first_ = results.first_child();
    warning_ = warnings_of(reply);
    return;
  }
  if (!reply.is_aggregate() || reply.size() == 0 || reply.first_child().type() != resp::Type::kInteger) {
    unexpected(what, "not [total, id, ...]");
  }
  const size_t per_result = extra == SearchResultExtra::kNone ? 1 : 2;
  if ((reply.size() - 1) % per_result != 0) unexpected(what, "a document ID without its sort key or fields");
  total_ = reply.first_child().integer();
  ids_ = (reply.size() - 1) / per_result;
  first_ = reply.first_child().next_sibling();
}

void SearchIdsPage::check_warnings() const { throw_incomplete(what_, warning_); }

SearchResult SearchIdsPage::result_of(resp::NodeView& item) const {
  SearchResult result;
  if (!resp3_) {
    if (!item.is_string()) unexpected(what_, "a document ID is not a string");
    result.id = item.str();
    item = item.next_sibling();
    if (extra_ == SearchResultExtra::kSortKey) {
      result.sort_key = item.str();
    } else if (extra_ == SearchResultExtra::kFields && item.is_aggregate()) {
      result.fields = item;
    }
    if (extra_ != SearchResultExtra::kNone) item = item.next_sibling();
    return result;
  }
  resp::NodeView id = item;
  if (item.type() != resp::Type::kMap || !find_in_map(item, "id", id) || !id.is_string()) {
    unexpected(what_, "a result has no id");
  }
  result.id = id.str();
  resp::NodeView extra = item;
  if (extra_ == SearchResultExtra::kSortKey && find_in_map(item, "sortkey", extra)) result.sort_key = extra.str();
  if (extra_ == SearchResultExtra::kFields && find_in_map(item, "extra_attributes", extra) && extra.is_aggregate()) {
    result.fields = extra;
  }
  item = item.next_sibling();
  return result;
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
