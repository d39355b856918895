#include "polars_redis/read/zset_fetcher.hpp"

#include <algorithm>
#include <cmath>

#include "collection_replies.hpp"
#include "polars_redis/convert/text_codecs.hpp"
#include "polars_redis/resp/encoder.hpp"

namespace polars_redis::read {

namespace {

// A Redis score bound: "(" marks it exclusive; the number may be "-inf"/"+inf"/"inf".
void parse_bound(const std::string& text, double& value, bool& exclusive) {
  exclusive = text.starts_with('(');
  auto parsed = convert::parse_double(std::string_view(text).substr(exclusive ? 1 : 0));
  if (!parsed || std::isnan(*parsed)) {
    throw Error(ErrorKind::kInvalidArgument, "score bound " + detail::quoted(text) + " is not a number");
  }
  value = *parsed;
}

}  // namespace

ZSetFetcher::ZSetFetcher(ZSetFetchOptions options) : options_(std::move(options)) {
  parse_bound(options_.min, lo_, lo_exclusive_);
  parse_bound(options_.max, hi_, hi_exclusive_);
  min_unbounded_ = lo_ == -INFINITY && !lo_exclusive_;
  max_unbounded_ = hi_ == INFINITY && !hi_exclusive_;
  // Members ranked before the first one in range: scores below min (or up to it, if exclusive).
  below_min_ = lo_exclusive_ ? options_.min.substr(1) : "(" + options_.min;
  if (options_.count && *options_.count < 1) throw Error(ErrorKind::kInvalidArgument, "count must be at least 1");
}

void ZSetFetcher::add_columns(arrow::BatchBuilder& batch) {
  if (options_.include_member) member_ = &batch.add_column(options_.member_column_name, options_.member_type);
  if (options_.include_score) score_ = &batch.add_column(options_.score_column_name, DataType::of(TypeId::kFloat64));
  if (options_.include_rank) rank_ = &batch.add_column(options_.rank_column_name, DataType::of(TypeId::kInt64));
}

int64_t ZSetFetcher::first_page() const {
  return options_.count ? std::min(options_.first_page, *options_.count) : options_.first_page;
}

int ZSetFetcher::encode(std::span<const std::string_view> keys, std::string& out) {
  const std::string_view key = keys.front();
  if (count_only()) {
    resp::CommandWriter(out, 4).arg("ZCOUNT").arg(key).arg(options_.min).arg(options_.max);
    return 1;
  }
  int replies = 1;
  if (rank_ && !min_unbounded_) {
    resp::CommandWriter(out, 4).arg("ZCOUNT").arg(key).arg("-inf").arg(below_min_);
    ++replies;
  }
  if (min_unbounded_ && max_unbounded_) {
    resp::CommandWriter(out, 5).arg("ZRANGE").arg(key).arg(int64_t{0}).arg(first_page() - 1).arg("WITHSCORES");
  } else {
    resp::CommandWriter(out, 9).arg("ZRANGE").arg(key).arg(options_.min).arg(options_.max).arg("BYSCORE")
        .arg("LIMIT").arg(int64_t{0}).arg(first_page()).arg("WITHSCORES");
  }
  return replies;
}

size_t ZSetFetcher::append_members(std::string_view key, const resp::NodeView& reply, int64_t first_rank,
                                   bool check_bounds, FetchContext& context) {
  detail::throw_if_error(reply, "ZRANGE", key);
  const size_t n = reply.size();
  if (n == 0) return 0;
  // RESP3 answers [[member, score], ...] with double scores; RESP2 [member, score, ...] with text.
  const bool pairs = reply.first_child().is_aggregate();
  const size_t members = pairs ? n : n / 2;
  auto node = reply.first_child();
  for (size_t i = 0; i < members; ++i) {
    auto member = pairs ? node.first_child() : node;
    auto score_node = member.next_sibling();
    node = pairs ? node.next_sibling() : score_node.next_sibling();
    double score;
    if (score_node.type() == resp::Type::kDouble) {
      score = score_node.dbl();
    } else {
      auto parsed = convert::parse_double(score_node.str());
      if (!parsed) {
        throw Error(ErrorKind::kProtocol, "ZRANGE " + detail::quoted(key) + " returned the score " +
                                              detail::quoted(score_node.str()));
      }
      score = *parsed;
    }
    if (check_bounds && ((lo_exclusive_ ? score <= lo_ : score < lo_) || (hi_exclusive_ ? score >= hi_ : score > hi_))) {
      continue;
    }
    if (member_) detail::append_member(*member_, member.str(), options_.ignore_errors, "member", "sorted set", key);
    if (score_) score_->append_double(score);
    if (rank_) rank_->append_int64(first_rank + static_cast<int64_t>(i));
    context.finish_row(key);
  }
  return members;
}

void ZSetFetcher::consume(std::span<const std::string_view> keys, int index, const resp::NodeView& reply,
                          FetchContext& context) {
  const std::string_view key = keys.front();
  if (!paging_.empty()) {
    if (auto paging = paging_.find(key); paging != paging_.end()) {
      consume_follow_up(key, index, reply, paging->second, context);
      if (paging->second.gone || (!paging->second.bounds_phase && paging->second.outstanding == 0)) paging_.erase(paging);
      return;
    }
  }
  if (detail::is_wrong_type(reply)) return;  // replaced by another type since SCAN
  if (count_only()) {
    detail::throw_if_error(reply, "ZCOUNT", key);
    int64_t n = reply.integer();
    if (options_.count) n = std::min(n, *options_.count);
    for (int64_t i = 0; i < n && !context.limit_reached(); ++i) context.finish_row(key);
    return;
  }
  const bool base_known = min_unbounded_ || rank_;
  if (rank_ && !min_unbounded_ && index == 0) {
    detail::throw_if_error(reply, "ZCOUNT", key);
    pending_base_ = reply.integer();
    return;
  }
  const int64_t base = min_unbounded_ ? 0 : pending_base_;
  const auto n = static_cast<int64_t>(append_members(key, reply, base, false, context));
  if (n < first_page() || (options_.count && n >= *options_.count) || context.limit_reached()) return;
  Pages& pages = paging_.try_emplace(std::string(key)).first->second;
  pages.need_base = !base_known;
  pages.base = base;
  pages.emitted = n;
  auto& out = context.follow_up_buffer();
  if (pages.need_base) resp::CommandWriter(out, 4).arg("ZCOUNT").arg(key).arg("-inf").arg(below_min_);
  resp::CommandWriter(out, 4).arg("ZCOUNT").arg(key).arg("-inf").arg(options_.max);
  context.expect_follow_up(key, pages.need_base ? 2 : 1);
}

void ZSetFetcher::consume_follow_up(std::string_view key, int index, const resp::NodeView& reply, Pages& pages,
                                    FetchContext& context) {
  if (pages.bounds_phase) {
    if (detail::is_wrong_type(reply)) {
      pages.gone = pages.gone || !(pages.need_base && index == 0);  // wait for the last ZCOUNT
      pages.base = -1;
      return;
    }
    detail::throw_if_error(reply, "ZCOUNT", key);
    if (pages.need_base && index == 0) {
      pages.base = reply.integer();
      return;
    }
    if (pages.base < 0) {  // the first ZCOUNT said WRONGTYPE
      pages.gone = true;
      return;
    }
    pages.end = reply.integer();
    if (options_.count) pages.end = std::min(pages.end, pages.base + *options_.count);
    pages.next_start = pages.reply_start = pages.base + pages.emitted;
    pages.bounds_phase = false;
  } else {
    --pages.outstanding;
    const int64_t start = pages.reply_start;
    pages.reply_start += options_.page_size;
    if (detail::is_wrong_type(reply)) {
      pages.end = pages.next_start;  // replaced by another type: send no more pages
    } else {
      append_members(key, reply, start, true, context);
    }
  }
  fill_window(key, pages, context);
}

void ZSetFetcher::fill_window(std::string_view key, Pages& pages, FetchContext& context) {
  while (pages.next_start < pages.end && pages.outstanding < options_.pages_in_flight && !context.limit_reached()) {
    const int64_t stop = std::min(pages.next_start + options_.page_size, pages.end) - 1;
    resp::CommandWriter(context.follow_up_buffer(), 5)
        .arg("ZRANGE").arg(key).arg(pages.next_start).arg(stop).arg("WITHSCORES");
    context.expect_follow_up(key, 1);
    pages.next_start += options_.page_size;
    ++pages.outstanding;
  }
}

void ZSetFetcher::append_row_without_values() {
  if (member_) member_->append_null();
  if (score_) score_->append_null();
  if (rank_) rank_->append_null();
}

std::string ZSetFetcher::later_commands() const {
  if (count_only()) return {};
  return "a sorted set longer than " + std::to_string(first_page()) +
         ": ZCOUNT for its rank range, then ZRANGE <key> <start> <stop> WITHSCORES by rank, " +
         std::to_string(options_.page_size) + " members a page, " + std::to_string(options_.pages_in_flight) +
         " pages in flight";
}

}  // namespace polars_redis::read
