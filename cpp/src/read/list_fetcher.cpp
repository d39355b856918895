#include "polars_redis/read/list_fetcher.hpp"

#include "collection_replies.hpp"
#include "polars_redis/resp/encoder.hpp"

namespace polars_redis::read {

void ListFetcher::add_columns(arrow::BatchBuilder& batch) {
  if (options_.include_element) element_ = &batch.add_column(options_.element_column_name, options_.element_type);
  if (options_.include_position) {
    position_ = &batch.add_column(options_.position_column_name, DataType::of(TypeId::kInt64));
  }
}

int ListFetcher::encode(std::span<const std::string_view> keys, std::string& out) {
  if (count_only()) {
    resp::CommandWriter(out, 2).arg("LLEN").arg(keys.front());
  } else {
    resp::CommandWriter(out, 4).arg("LRANGE").arg(keys.front()).arg(int64_t{0}).arg(options_.first_page - 1);
  }
  return 1;
}

void ListFetcher::send_page(std::string_view key, Pages& pages, FetchContext& context) {
  resp::CommandWriter(context.follow_up_buffer(), 4)
      .arg("LRANGE").arg(key).arg(pages.next_start).arg(pages.next_start + options_.page_size - 1);
  context.expect_follow_up(key, 1);
  pages.next_start += options_.page_size;
  ++pages.outstanding;
}

void ListFetcher::consume(std::span<const std::string_view> keys, int, const resp::NodeView& reply,
                          FetchContext& context) {
  const std::string_view key = keys.front();
  auto paging = paging_.empty() ? paging_.end() : paging_.find(key);
  Pages* pages = paging == paging_.end() ? nullptr : &paging->second;
  if (pages) --pages->outstanding;

  int64_t start = 0, expected = options_.first_page;
  size_t n = 0;
  if (detail::is_wrong_type(reply)) {
    if (pages) pages->done = true;  // replaced by another type: no more rows from this key
  } else if (count_only()) {
    detail::throw_if_error(reply, "LLEN", key);
    for (int64_t i = 0, len = reply.integer(); i < len && !context.limit_reached(); ++i) context.finish_row(key);
    return;
  } else {
    detail::throw_if_error(reply, "LRANGE", key);
    if (pages) {
      start = pages->reply_start;
      expected = options_.page_size;
      pages->reply_start += options_.page_size;
    }
    n = reply.size();
    auto element = reply.first_child();
    for (size_t i = 0; i < n; ++i, element = element.next_sibling()) {
      if (element_) detail::append_member(*element_, element.str(), options_.ignore_errors, "element", "list", key);
      if (position_) position_->append_int64(start + static_cast<int64_t>(i));
      context.finish_row(key);
    }
  }

  const bool full = static_cast<int64_t>(n) == expected;
  if (!pages) {
    if (!full || context.limit_reached()) return;
    pages = &paging_.try_emplace(std::string(key), Pages{expected, expected, 0, false}).first->second;
  } else if (!full) {
    pages->done = true;
  }
  while (!pages->done && !context.limit_reached() && pages->outstanding < options_.pages_in_flight) {
    send_page(key, *pages, context);
  }
  if (pages->outstanding == 0) paging_.erase(paging_.find(key));
}

void ListFetcher::append_row_without_values() {
  if (element_) element_->append_null();
  if (position_) position_->append_null();
}

std::string ListFetcher::later_commands() const {
  if (count_only()) return {};
  return "a list longer than " + std::to_string(options_.first_page) + ": LRANGE <key> <start> <stop>, " +
         std::to_string(options_.page_size) + " elements a page, " + std::to_string(options_.pages_in_flight) +
         " pages in flight";
}

}  // namespace polars_redis::read
