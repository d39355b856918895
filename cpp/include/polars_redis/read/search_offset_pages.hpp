#pragma once
// FT.SEARCH <index> <query> NOCONTENT [SORTBY <field> ASC|DESC WITHSORTKEYS] LIMIT <offset> <count>,
// page after page until every match (or the first `limit`) was read. Offsets shift when documents
// come or go, so a page whose total differs from the first one's is an error, as is a server
// that stops answering before the total (MAXSEARCHRESULTS). Each page costs the server its
// offset too, so pages are large. Used where FT.AGGREGATE cannot LOAD @__key: on a Redis Cluster
// node without a search coordinator.
#include <cstdint>
#include <string_view>

#include "polars_redis/read/key_source.hpp"
#include "polars_redis/read/search_reply.hpp"
#include "polars_redis/resp/encoder.hpp"

namespace polars_redis::read {

class SearchOffsetPages {
 public:
  // `search.sort_by` (its first field: FT.SEARCH sorts by one) adds SORTBY <field> ASC|DESC WITHSORTKEYS: each result
  // then carries its sort key. `page_hint`: a page size the caller would like (at least the
  // default large page is asked for).
  explicit SearchOffsetPages(const SearchKeyQuery& search, int64_t page_hint = 0);

  bool done() const { return done_; }
  // Appends the next page's command.
  void append_request(resp::ArgumentList& args) const;
  // Consumes the reply to it, calling f(const SearchResult&) per document in order. Throws
  // Error(kResponse) naming the index and query for an error reply, a warning, a changed total
  // or a server that stopped early.
  template <typename F>
  void consume(const resp::NodeView& reply, F&& f) {
    SearchIdsPage page(reply, what(), search_.sort_by.empty() ? SearchResultExtra::kNone : SearchResultExtra::kSortKey);
    check(page);
    page.for_each_result(f);
    advance(page);
  }

  // The command of one page at `offset` (a number, or a placeholder for explain()).
  static void append_page(resp::ArgumentList& args, const SearchKeyQuery& search, std::string_view offset,
                          int64_t count);
  // The size of the first page asked for.
  static int64_t first_page(const SearchKeyQuery& search, int64_t page_hint = 0);

 private:
  SearchCommand what() const { return {"FT.SEARCH", search_.index, search_.query}; }
  void check(const SearchIdsPage& page);
  void advance(const SearchIdsPage& page);

  SearchKeyQuery search_;
  int64_t page_;
  int64_t offset_ = 0;
  int64_t total_ = 0;
  bool done_ = false;
};

// PARAMS <2n> name value ... (nothing without parameters).
void append_search_params(resp::ArgumentList& args, const SearchKeyQuery& search);

}  // namespace polars_redis::read
