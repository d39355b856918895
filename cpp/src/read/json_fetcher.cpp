#include "polars_redis/read/json_fetcher.hpp"

#include <algorithm>

#include "polars_redis/error.hpp"
#include "polars_redis/json/path.hpp"
#include "polars_redis/resp/encoder.hpp"

namespace polars_redis::read {

namespace {

std::vector<json::JsonColumn> columns_of(const JsonFetchOptions& options) {
  std::vector<json::JsonColumn> columns;
  for (const auto& field : options.fields) {
    columns.push_back({field.name, field.path.value_or(json::field_path(field.name)), field.dtype});
  }
  return columns;
}

// `$` serves the columns only when each one is simply the top-level field of its name.
bool whole_document(const JsonFetchOptions& options) {
  if (!options.fetch_all || options.fields.empty()) return false;
  for (const auto& field : options.fields) {
    if (field.path && *field.path != json::field_path(field.name)) return false;
  }
  return true;
}

std::string quoted(std::string_view text) { return "'" + quote_for_message(text) + "'"; }

}  // namespace

JsonFetcher::JsonFetcher(JsonFetchOptions options)
    : options_(std::move(options)),
      extractor_(columns_of(options_), whole_document(options_), options_.ignore_errors),
      metadata_(options_.metadata),
      single_path_(!options_.fields.empty() && extractor_.paths().size() == 1) {
  if (options_.keys_per_mget < 1) options_.keys_per_mget = 1;
}

void JsonFetcher::add_columns(arrow::BatchBuilder& batch) {
  for (const auto& field : options_.fields) columns_.push_back(&batch.add_column(field.name, field.dtype));
  extractor_.bind(columns_);
  metadata_.add_columns(batch);
}

// Large documents get fewer keys per JSON.MGET, so one reply stays around 1 MiB.
size_t JsonFetcher::keys_per_command() const {
  if (!single_path_) return 1;
  constexpr size_t kReplyBytes = size_t{1} << 20;
  return std::clamp<size_t>(kReplyBytes / std::max<size_t>(document_bytes_, 1), 1, options_.keys_per_mget);
}

int JsonFetcher::encode(std::span<const std::string_view> keys, std::string& out) {
  // Metadata first: when the document arrives, its TTL / memory usage is known.
  int replies = metadata_.encode(keys, out);
  if (options_.fields.empty()) return replies;
  const auto& paths = extractor_.paths();
  if (single_path_) {
    resp::CommandWriter writer(out, 2 + keys.size());
    writer.arg("JSON.MGET");
    for (std::string_view key : keys) writer.arg(key);
    writer.arg(paths.front());
  } else {
    resp::CommandWriter writer(out, 2 + paths.size());
    writer.arg("JSON.GET").arg(keys.front());
    for (const auto& path : paths) writer.arg(path);
  }
  return replies + 1;
}

void JsonFetcher::consume(std::span<const std::string_view> keys, int index, const resp::NodeView& reply,
                          FetchContext& context) {
  const int metadata_replies = metadata_.replies_per_key() * static_cast<int>(keys.size());
  if (index < metadata_replies) {
    auto position = metadata_.consume(keys, index, reply);
    // Without value columns the metadata alone makes the row.
    if (position && options_.fields.empty() && metadata_.exists(*position)) {
      metadata_.append(*position);
      context.finish_row(keys[*position]);
    }
    return;
  }
  const bool metadata_known = metadata_replies > 0;
  if (single_path_) {
    if (reply.is_error()) {
      throw Error(ErrorKind::kResponse, "JSON.MGET of " + std::to_string(keys.size()) + " keys starting at " +
                                            quoted(keys.front()) + " failed: " + std::string(reply.str()));
    }
    if (!reply.is_aggregate() || reply.size() != keys.size()) {
      throw Error(ErrorKind::kProtocol,
                  "JSON.MGET of " + std::to_string(keys.size()) + " keys returned an unexpected reply");
    }
    auto document = reply.first_child();
    for (size_t i = 0; i < keys.size(); ++i, document = document.next_sibling()) {
      if (document.is_null() || (metadata_known && !metadata_.exists(i))) continue;
      document_bytes_ = (document_bytes_ * 7 + document.str().size()) / 8;
      extractor_.append_row(keys[i], document.str());
      metadata_.append(i);
      context.finish_row(keys[i]);
    }
    return;
  }
  const std::string_view key = keys.front();
  if (reply.is_null()) return;
  if (reply.is_error()) {
    if (reply.str().starts_with("WRONGTYPE")) return;
    throw Error(ErrorKind::kResponse, "JSON.GET " + quoted(key) + " failed: " + std::string(reply.str()));
  }
  if (metadata_known && !metadata_.exists(0)) return;
  extractor_.append_row(key, reply.str());
  metadata_.append(0);
  context.finish_row(key);
}

// Reached only when nothing is fetched at all (only the key / row index columns are selected).
void JsonFetcher::append_row_without_values() {}

}  // namespace polars_redis::read
