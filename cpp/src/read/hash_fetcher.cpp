#include "polars_redis/read/hash_fetcher.hpp"

#include "polars_redis/error.hpp"
#include "polars_redis/resp/encoder.hpp"

namespace polars_redis::read {

namespace {
bool is_wrong_type(const resp::NodeView& reply) {
  return reply.is_error() && reply.str().starts_with("WRONGTYPE");
}

std::string quoted(std::string_view text) { return "'" + quote_for_message(text) + "'"; }
}  // namespace

HashFetcher::HashFetcher(HashFetchOptions options)
    : options_(std::move(options)),
      metadata_(options_.metadata),
      matcher_(options_.fields),
      whole_hashes_(options_.fetch_all) {}

void HashFetcher::add_columns(arrow::BatchBuilder& batch) {
  for (const auto& field : options_.fields) columns_.push_back(&batch.add_column(field.name, field.dtype));
  metadata_.add_columns(batch);
}

int HashFetcher::encode(std::span<const std::string_view> keys, std::string& out) {
  const std::string_view key = keys.front();
  // Metadata goes first so it is known when the fields arrive (it also tells a missing key).
  int replies = metadata_.encode(keys, out);
  if (whole_hashes_) {
    resp::CommandWriter(out, 2).arg("HGETALL").arg(key);
    ++replies;
  } else if (!options_.fields.empty()) {
    resp::CommandWriter writer(out, 2 + options_.fields.size());
    writer.arg("HMGET").arg(key);
    for (const auto& field : options_.fields) writer.arg(field.name);
    ++replies;
  }
  if (options_.fetch_all) sent_whole_.push_back(whole_hashes_);
  return replies;
}

std::optional<bool> HashFetcher::take_sent(int index) {
  if (index < metadata_.replies_per_key()) return std::nullopt;
  if (!options_.fetch_all) return false;
  if (sent_whole_.empty()) throw Error(ErrorKind::kProtocol, "a hash reply arrived for no command sent");
  const bool whole = sent_whole_.front();
  sent_whole_.pop_front();
  whole_replies_ += whole;
  return whole;
}

int64_t HashFetcher::max_keys_in_flight() const {
  if (!whole_hashes_ || whole_replies_ >= kWidthSample) return -1;
  return kWidthSample - whole_replies_;
}

void HashFetcher::discard(std::span<const std::string_view> /*keys*/, int index) { take_sent(index); }

void HashFetcher::note_width(size_t pairs) {
  if (!whole_hashes_ || sampled_hashes_ == kWidthSample) return;
  sampled_pairs_ += static_cast<int64_t>(pairs);
  if (++sampled_hashes_ < kWidthSample) return;
  const auto schema_fields = static_cast<int64_t>(options_.fields.size());
  whole_hashes_ = sampled_pairs_ < kWiderThan * schema_fields * kWidthSample;
}

std::string HashFetcher::later_commands() const {
  if (!options_.fetch_all) return {};
  // Prose (lower case), not a command line: explain's readers and its test tell them apart so.
  return "then HMGET <key> <schema fields> once the first " + std::to_string(kWidthSample) + " hashes average " +
         std::to_string(kWiderThan) + "x the schema's fields";
}

void HashFetcher::consume(std::span<const std::string_view> keys, int index, const resp::NodeView& reply,
                          FetchContext& context) {
  const std::string_view key = keys.front();
  const bool has_fields = options_.fetch_all || !options_.fields.empty();
  const std::optional<bool> whole = take_sent(index);
  if (!whole) {
    // Without field commands the metadata alone makes the row.
    if (metadata_.consume(keys, index, reply) && !has_fields && metadata_.exists(0)) {
      metadata_.append(0);
      context.finish_row(key);
    }
    return;
  }
  const bool metadata_known = metadata_.replies_per_key() > 0;
  if (metadata_known && !metadata_.exists(0)) return;  // gone since SCAN
  Verdict verdict = *whole ? consume_all(key, reply) : consume_fields(key, reply, metadata_known);
  if (verdict == Verdict::kRow) {
    metadata_.append(0);
    context.finish_row(key);
  } else if (verdict == Verdict::kVerifyExists) {
    context.verify_exists(key);
  }
}

HashFetcher::Verdict HashFetcher::consume_fields(std::string_view key, const resp::NodeView& reply,
                                                 bool key_exists) {
  if (is_wrong_type(reply)) return Verdict::kSkip;  // replaced by another type since SCAN
  if (reply.is_error()) throw Error(ErrorKind::kResponse, "HMGET " + quoted(key) + " failed: " + std::string(reply.str()));
  if (!key_exists) {
    bool all_null = true;
    size_t n = reply.size();
    auto value = reply.first_child();
    for (size_t i = 0; i < n; ++i, value = value.next_sibling()) {
      if (!value.is_null()) {
        all_null = false;
        break;
      }
    }
    // HMGET answers a missing key like a key without these fields: ask EXISTS before making a row.
    if (all_null) return Verdict::kVerifyExists;
  }
  size_t n = reply.size();
  auto value = reply.first_child();
  for (size_t i = 0; i < n; ++i, value = value.next_sibling()) {
    if (value.is_null()) {
      columns_[i]->append_null();
    } else {
      append_value(key, i, value.str());
    }
  }
  return Verdict::kRow;
}

HashFetcher::Verdict HashFetcher::consume_all(std::string_view key, const resp::NodeView& reply) {
  if (is_wrong_type(reply)) return Verdict::kSkip;
  if (reply.is_error()) throw Error(ErrorKind::kResponse, "HGETALL " + quoted(key) + " failed: " + std::string(reply.str()));
  size_t pairs = reply.type() == resp::Type::kMap ? reply.size() : reply.size() / 2;
  if (pairs == 0) return Verdict::kSkip;  // HGETALL of a missing key is empty
  note_width(pairs);
  matcher_.match(
      reply.first_child(), pairs,
      [&](size_t field, const resp::NodeView& value) { append_value(key, field, value.str()); },
      [&](size_t field) { columns_[field]->append_null(); });
  return Verdict::kRow;
}

void HashFetcher::append_value(std::string_view key, size_t field, std::string_view raw) {
  if (columns_[field]->append_text(raw)) return;
  if (options_.ignore_errors) {
    columns_[field]->append_null();
    return;
  }
  const FieldSpec& spec = options_.fields[field];
  throw Error(ErrorKind::kSchema, "cannot parse field " + quoted(spec.name) + " of hash " +
                                      quoted(key) + " as " + spec.dtype.name() + ": raw value " +
                                      quoted(raw) + " (pass ignore_errors=True to read it as null)");
}

// Only reached without metadata columns: with them, a key's existence is known from its metadata
// (no EXISTS), and the scan asks for rows without commands only when nothing is fetched.
void HashFetcher::append_row_without_values() {
  for (auto* column : columns_) column->append_null();
}

}  // namespace polars_redis::read
