#pragma once
// One page of FT.AGGREGATE ... WITHCURSOR / FT.CURSOR READ, in either protocol:
//   RESP3: [ {results: [{extra_attributes: {name: value, ...}, values: []}, ...], warning: [...], ...}, cursor ]
//   RESP2: [ [total, [name, value, name, value, ...], ...], cursor ]
// A page with a warning (prefix expansion limit, timeout, ...) is an incomplete answer: callers
// throw rather than return partial data.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "polars_redis/resp/parser.hpp"

namespace polars_redis::read {

// What was asked, for error messages.
struct SearchCommand {
  std::string_view command;  // "FT.AGGREGATE" or "FT.CURSOR READ"
  std::string_view index;
  std::string_view query;    // empty for cursor reads
};

// One result row: its attributes as name/value pairs (a RESP3 map or a RESP2 flat array).
class SearchRow {
 public:
  explicit SearchRow(const resp::NodeView& fields) : fields_(fields) {}
  // Calls f(name, value) for every attribute, in the server's order.
  template <typename F>
  void for_each(F&& f) const {
    const size_t n = fields_.type() == resp::Type::kMap ? 2 * fields_.size() : fields_.size();
    auto node = fields_.first_child();
    for (size_t i = 0; i + 1 < n; i += 2) {
      auto value = node.next_sibling();
      f(node.str(), value);
      node = value.next_sibling();
    }
  }

 private:
  resp::NodeView fields_;
};

class SearchPage {
 public:
  // Throws Error(kResponse) for an error reply (naming the command, index and query) and
  // Error(kProtocol) for a reply of another shape.
  SearchPage(const resp::NodeView& reply, const SearchCommand& what);
  // The cursor to read next; 0 when the results are complete.
  int64_t cursor() const { return cursor_; }
  // Throws Error(kResponse) naming the command, index and warning if the page carries one.
  void check_warnings() const;
  size_t size() const { return rows_; }
  // Calls f(SearchRow) for every row, in order.
  template <typename F>
  void for_each_row(F&& f) const {
    auto row = first_row_;
    for (size_t i = 0; i < rows_; ++i, row = row.next_sibling()) f(SearchRow(attributes(row)));
  }

 private:
  resp::NodeView attributes(const resp::NodeView& row) const;

  SearchCommand what_;
  resp::NodeView first_row_;
  size_t rows_ = 0;
  int64_t cursor_ = 0;
  bool resp3_ = false;
  std::string warning_;
};

// What follows each document ID of an FT.SEARCH reply: nothing (NOCONTENT), its sort key
// (NOCONTENT WITHSORTKEYS) or its fields (RETURN ...).
enum class SearchResultExtra { kNone, kSortKey, kFields };

// One document of an FT.SEARCH page.
struct SearchResult {
  std::string_view id;
  // WITHSORTKEYS: "#<number>", "$<text>", or anything else (often "none") for a document without
  // a value; empty when not asked for.
  std::string_view sort_key;
  // RETURN ...: the document's name/value pairs (read with SearchRow); none for a document
  // without fields.
  std::optional<resp::NodeView> fields;
};

// One page of FT.SEARCH ... [NOCONTENT] LIMIT offset count, in either protocol:
//   RESP3: {total_results: n, results: [{id: key, sortkey: ..., extra_attributes: {...}}, ...],
//           warning: [...], ...}
//   RESP2: [total, key, key, ...], with the key's sort key or fields array after each key when
//          asked for (`extra`)
class SearchIdsPage {
 public:
  // Throws like SearchPage.
  SearchIdsPage(const resp::NodeView& reply, const SearchCommand& what,
                SearchResultExtra extra = SearchResultExtra::kNone);
  int64_t total() const { return total_; }
  size_t size() const { return ids_; }
  void check_warnings() const;
  // Calls f(id) for every document ID of the page, in order.
  template <typename F>
  void for_each_id(F&& f) const {
    for_each_result([&](const SearchResult& result) { f(result.id); });
  }
  // Calls f(const SearchResult&) for every document of the page, in order.
  template <typename F>
  void for_each_result(F&& f) const {
    auto item = first_;
    for (size_t i = 0; i < ids_; ++i) {
      SearchResult result = result_of(item);
      f(result);
    }
  }

 private:
  // The result starting at `item`; moves `item` past it.
  SearchResult result_of(resp::NodeView& item) const;

  SearchCommand what_;
  SearchResultExtra extra_;
  resp::NodeView first_;
  size_t ids_ = 0;
  int64_t total_ = 0;
  bool resp3_ = false;
  std::string warning_;
};

// "<command> failed on index '<index>' (query '<query>'): <message>", the query left out when empty.
std::string search_error_message(const SearchCommand& what, std::string_view message);

}  // namespace polars_redis::read
