#include "polars_redis/read/search_offset_pages.hpp"

#include <algorithm>
#include <string>

#include "polars_redis/error.hpp"

namespace polars_redis::read {

namespace {

constexpr int64_t kOffsetPage = 10000;

}  // namespace

void append_search_params(resp::ArgumentList& args, const SearchKeyQuery& search) {
  if (search.params.empty()) return;
  args.arg("PARAMS").arg(static_cast<int64_t>(2 * search.params.size()));
  for (const auto& [name, value] : search.params) args.arg(name).arg(value);
}

SearchOffsetPages::SearchOffsetPages(const SearchKeyQuery& search, int64_t page_hint)
    : search_(search), page_(std::max<int64_t>(page_hint, kOffsetPage)) {}

int64_t SearchOffsetPages::first_page(const SearchKeyQuery& search, int64_t page_hint) {
  const int64_t page = std::max<int64_t>(page_hint, kOffsetPage);
  return search.limit ? std::min(page, *search.limit) : page;
}

void SearchOffsetPages::append_page(resp::ArgumentList& args, const SearchKeyQuery& search, std::string_view offset,
                                    int64_t count) {
  args.arg("FT.SEARCH").arg(search.index).arg(search.query).arg("NOCONTENT");
  if (!search.sort_by.empty()) {
    const auto& [field, descending] = search.sort_by.front();
    args.arg("SORTBY").arg(field.starts_with('@') ? std::string_view(field).substr(1) : std::string_view(field));
    args.arg(descending ? "DESC" : "ASC").arg("WITHSORTKEYS");
  }
  args.arg("LIMIT").arg(offset).arg(count);
  append_search_params(args, search);
  args.arg("DIALECT").arg(static_cast<int64_t>(search.dialect)).arg("TIMEOUT").arg(int64_t{0});
}

void SearchOffsetPages::append_request(resp::ArgumentList& args) const {
  const int64_t count = search_.limit ? std::min(page_, *search_.limit - offset_) : page_;
  append_page(args, search_, std::to_string(offset_), count);
}

void SearchOffsetPages::check(const SearchIdsPage& page) {
  page.check_warnings();
  if (offset_ == 0) total_ = page.total();
  if (page.total() != total_) {
    // Offsets shift when documents come or go: a later page could skip or repeat some.
    throw Error(ErrorKind::kResponse,
                search_error_message(what(), "the index changed during the read (" + std::to_string(total_) + " then " +
                                                 std::to_string(page.total()) +
                                                 " matches); paging by offset could miss documents: read again"));
  }
}

void SearchOffsetPages::advance(const SearchIdsPage& page) {
  offset_ += static_cast<int64_t>(page.size());
  const int64_t wanted = search_.limit ? std::min(total_, *search_.limit) : total_;
  if (offset_ < wanted && page.size() == 0) {
    throw Error(ErrorKind::kResponse,
                search_error_message(what(), "the results would be incomplete: the server stopped at " +
                                                 std::to_string(offset_) + " of " + std::to_string(total_) +
                                                 " matches (MAXSEARCHRESULTS)"));
  }
  done_ = offset_ >= wanted;
}

}  // namespace polars_redis::read
