#include "polars_redis/read/string_fetcher.hpp"

#include <algorithm>

#include "polars_redis/error.hpp"
#include "polars_redis/resp/encoder.hpp"

namespace polars_redis::read {

StringFetcher::StringFetcher(StringFetchOptions options)
    : options_(std::move(options)), metadata_(options_.metadata) {}

void StringFetcher::add_columns(arrow::BatchBuilder& batch) {
  if (options_.value) value_column_ = &batch.add_column(options_.value->name, options_.value->dtype);
  metadata_.add_columns(batch);
}

size_t StringFetcher::keys_per_command() const {
  size_t keys = options_.keys_per_mget;
  // Keep each MGET reply near kReplyBudget bytes: large values get small groups. Until the first
  // reply shows how large values are, groups stay small.
  if (!value_bytes_per_key_) {
    keys = std::min(keys, kUnknownSizeKeys);
  } else if (*value_bytes_per_key_ > 0) {
    keys = std::clamp<size_t>(kReplyBudget / *value_bytes_per_key_, 1, keys);
  }
  // With metadata each key costs one or two commands of its own, so a large MGET saves little,
  // while the scan hands every reply of a group the group's keys (a cost of group size per reply).
  if (metadata_.replies_per_key() > 0) keys = std::min(keys, kMetadataKeys);
  return keys;
}

int64_t StringFetcher::max_keys_in_flight() const {
  if (!value_column_ || value_bytes_per_key_) return -1;
  return static_cast<int64_t>(kUnknownSizeKeys);
}

bool StringFetcher::needs_type_filter() const {
  // Without a value column no MGET runs (the key or metadata alone make the rows), and with
  // metadata each key costs commands of its own: there the server's type check is cheaper.
  if (!value_column_ || metadata_.replies_per_key() > 0) return true;
  return missing_keys_ >= kMissingBeforeTypeFilter && missing_keys_ * 8 > fetched_keys_;
}

int StringFetcher::encode(std::span<const std::string_view> keys, std::string& out) {
  // Metadata first: when the MGET reply arrives, every key's TTL / memory is known.
  int replies = metadata_.encode(keys, out);
  if (value_column_) {
    resp::CommandWriter writer(out, 1 + keys.size());
    writer.arg("MGET");
    for (std::string_view key : keys) writer.arg(key);
    ++replies;
  }
  return replies;
}

void StringFetcher::consume(std::span<const std::string_view> keys, int index, const resp::NodeView& reply,
                            FetchContext& context) {
  const int metadata_replies = metadata_.replies_per_key() * static_cast<int>(keys.size());
  if (index < metadata_replies) {
    auto key = metadata_.consume(keys, index, reply);
    // Without the value column the metadata alone makes the row.
    if (key && !value_column_ && metadata_.exists(*key)) {
      metadata_.append(*key);
      context.finish_row(keys[*key]);
    }
    return;
  }
  if (reply.is_error()) {
    throw Error(ErrorKind::kResponse, "MGET of " + std::to_string(keys.size()) + " keys starting at '" +
                                          quote_for_message(keys.front()) + "' failed: " + std::string(reply.str()));
  }
  if (!reply.is_aggregate() || reply.size() != keys.size()) {
    throw Error(ErrorKind::kProtocol, "MGET of " + std::to_string(keys.size()) + " keys returned an unexpected reply");
  }
  const bool metadata_known = metadata_.replies_per_key() > 0;
  size_t bytes = 0;
  auto value = reply.first_child();
  for (size_t i = 0; i < keys.size(); ++i, value = value.next_sibling()) {
    // nil: the key is of another type (SCAN without TYPE), or vanished or changed type since SCAN.
    if (value.is_null()) ++missing_keys_;
    if (value.is_null() || (metadata_known && !metadata_.exists(i))) continue;
    bytes += value.str().size();
    append_value(keys[i], value.str());
    metadata_.append(i);
    context.finish_row(keys[i]);
  }
  fetched_keys_ += keys.size();
  value_bytes_per_key_ = bytes / keys.size();
}

void StringFetcher::append_value(std::string_view key, std::string_view raw) {
  if (value_column_->append_text(raw)) return;
  if (options_.ignore_errors) {
    value_column_->append_null();
    return;
  }
  const DataType& dtype = options_.value->dtype;
  const bool text = dtype.id == TypeId::kString || dtype.id == TypeId::kCategorical;
  throw Error(ErrorKind::kSchema, "cannot parse the value of string key '" + quote_for_message(key) + "' as " +
                                      dtype.name() + " (column '" + quote_for_message(options_.value->name) +
                                      "'): raw value '" + quote_for_message(raw) + "'" +
                                      (text ? " is not valid UTF-8 (read it with value_type=pl.Binary, or" : " (") +
                                      " pass ignore_errors=True to read it as null)");
}

// Reached only when nothing is fetched at all (only the key / row index columns are selected).
void StringFetcher::append_row_without_values() {}

}  // namespace polars_redis::read
