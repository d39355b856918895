#include "polars_redis/read/stream_entries.hpp"

#include <algorithm>
#include <charconv>

#include "polars_redis/error.hpp"

namespace polars_redis::read {

namespace {
std::string quoted(std::string_view text) { return "'" + quote_for_message(text) + "'"; }
}  // namespace

int64_t stream_id_milliseconds(std::string_view id) {
  const size_t dash = id.find('-');
  const std::string_view ms = id.substr(0, dash);
  int64_t value = 0;
  auto [end, ec] = std::from_chars(ms.data(), ms.data() + ms.size(), value);
  if (ec != std::errc() || end != ms.data() + ms.size() || ms.empty()) {
    throw Error(ErrorKind::kProtocol, "stream entry ID " + quoted(id) + " is not <milliseconds>-<sequence>");
  }
  return value;
}

StreamEntryDecoder::StreamEntryDecoder(const StreamColumns& columns) : spec_(columns), matcher_(spec_.fields) {}

void StreamEntryDecoder::add_columns(arrow::BatchBuilder& batch) {
  batch_ = &batch;
  if (spec_.include_key) key_column_ = &batch.add_column(spec_.key_column_name, DataType::of(TypeId::kString));
  if (spec_.include_id) id_column_ = &batch.add_column(spec_.id_column_name, DataType::of(TypeId::kString));
  if (spec_.include_timestamp) {
    ts_column_ = &batch.add_column(spec_.timestamp_column_name, DataType::of(TypeId::kInt64));
  }
  for (const auto& field : spec_.fields) columns_.push_back(&batch.add_column(field.name, field.dtype));
  no_columns_ = batch.num_columns() == 0;
}

size_t StreamEntryDecoder::append_entries(std::string_view key, const resp::NodeView& entries, std::string& last_id) {
  if (entries.is_null()) return 0;
  if (!entries.is_aggregate()) throw Error(ErrorKind::kProtocol, "stream entries of " + quoted(key) + " are not an array");
  const size_t n = entries.size();
  auto entry = entries.first_child();
  for (size_t i = 0; i < n; ++i, entry = entry.next_sibling()) {
    append_entry(key, entry);
    if (i + 1 == n) last_id.assign(entry.first_child().str());
  }
  return n;
}

void StreamEntryDecoder::append_entry(std::string_view key, const resp::NodeView& entry) {
  if (!entry.is_aggregate() || entry.size() != 2) {
    throw Error(ErrorKind::kProtocol, "a stream entry of " + quoted(key) + " is not [id, fields]");
  }
  const auto id_node = entry.first_child();
  const std::string_view id = id_node.str();
  if (key_column_) key_column_->append_text(key);
  if (id_column_) id_column_->append_text(id);
  if (ts_column_) ts_column_->append_int64(stream_id_milliseconds(id));
  if (no_columns_) batch_->add_row_without_columns();
  if (columns_.empty()) return;  // only the ID was wanted: the values are never looked at

  const auto values = id_node.next_sibling();
  // RESP2 and RESP3 both send the fields as a flat array; a map is accepted too.
  const size_t pairs = values.is_null() ? 0 : values.type() == resp::Type::kMap ? values.size() : values.size() / 2;
  matcher_.match(
      values.first_child(), pairs,
      [&](size_t field, const resp::NodeView& value) { append_value(key, id, field, value.str()); },
      [&](size_t field) { columns_[field]->append_null(); });
}

void StreamEntryDecoder::append_value(std::string_view key, std::string_view id, size_t field, std::string_view raw) {
  if (columns_[field]->append_text(raw)) return;
  if (spec_.ignore_errors) {
    columns_[field]->append_null();
    return;
  }
  const FieldSpec& spec = spec_.fields[field];
  throw Error(ErrorKind::kSchema, "cannot parse field " + quoted(spec.name) + " of entry " + std::string(id) +
                                      " in stream " + quoted(key) + " as " + spec.dtype.name() + ": raw value " +
                                      quoted(raw) + " (pass ignore_errors=True to read it as null)");
}

}  // namespace polars_redis::read
