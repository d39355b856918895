#include "polars_redis/read/set_fetcher.hpp"

#include "collection_replies.hpp"
#include "polars_redis/resp/encoder.hpp"

namespace polars_redis::read {

void SetFetcher::add_columns(arrow::BatchBuilder& batch) {
  if (options_.include_member) member_ = &batch.add_column(options_.member_column_name, options_.member_type);
}

int SetFetcher::encode(std::span<const std::string_view> keys, std::string& out) {
  if (!options_.include_member) {
    resp::CommandWriter(out, 2).arg("SCARD").arg(keys.front());
  } else {
    resp::CommandWriter(out, 5).arg("SSCAN").arg(keys.front()).arg("0").arg("COUNT").arg(options_.first_count);
  }
  return 1;
}

void SetFetcher::consume(std::span<const std::string_view> keys, int, const resp::NodeView& reply,
                         FetchContext& context) {
  const std::string_view key = keys.front();
  auto paging = paging_.empty() ? paging_.end() : paging_.find(key);
  if (detail::is_wrong_type(reply)) {  // replaced by another type since SCAN
    if (paging != paging_.end()) paging_.erase(paging);
    return;
  }
  if (!member_) {
    detail::throw_if_error(reply, "SCARD", key);
    for (int64_t i = 0, n = reply.integer(); i < n && !context.limit_reached(); ++i) context.finish_row(key);
    return;
  }
  detail::throw_if_error(reply, "SSCAN", key);
  if (!reply.is_aggregate() || reply.size() != 2) {
    throw Error(ErrorKind::kProtocol, "SSCAN " + detail::quoted(key) + " returned an unexpected reply");
  }
  auto cursor = reply.first_child();
  auto members = cursor.next_sibling();
  const bool finished = cursor.str() == "0";
  // One call never repeats a member; only a set read in several calls needs deduplicating.
  if (paging == paging_.end() && !finished) paging = paging_.try_emplace(std::string(key)).first;
  SeenKeys* seen = paging == paging_.end() ? nullptr : &paging->second;
  // SSCAN pages follow one cursor, one call at a time: ask for the next page before parsing this
  // one, so the server works on it meanwhile.
  const bool more = paging != paging_.end() && !finished && !context.limit_reached();
  if (more) {
    resp::CommandWriter(context.follow_up_buffer(), 5)
        .arg("SSCAN").arg(key).arg(cursor.str()).arg("COUNT").arg(options_.page_count);
    context.expect_follow_up(key, 1);
  }
  auto member = members.first_child();
  for (size_t i = 0, n = members.size(); i < n; ++i, member = member.next_sibling()) {
    std::string_view raw = member.str();
    if (seen && !seen->insert(raw)) continue;
    detail::append_member(*member_, raw, options_.ignore_errors, "member", "set", key);
    context.finish_row(key);
  }
  if (paging != paging_.end() && !more) paging_.erase(paging);
}

void SetFetcher::append_row_without_values() {
  if (member_) member_->append_null();
}

std::string SetFetcher::later_commands() const {
  if (!options_.include_member) return {};
  return "a set the first SSCAN does not finish: SSCAN <key> <cursor> COUNT " + std::to_string(options_.page_count) +
         " until the cursor is 0";
}

}  // namespace polars_redis::read
