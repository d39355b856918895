// Encoders for types whose rows append to a key rather than replace it: stream entries and
// time-series samples.
#include <charconv>
#include <cmath>
#include <optional>
#include <tuple>
#include <unordered_map>

#include "polars_redis/error.hpp"
#include "polars_redis/resp/encoder.hpp"
#include "polars_redis/write/value_encoder.hpp"

namespace polars_redis::write {

namespace {

// A stream entry ID as XADD takes it: <ms>, <ms>-<seq> or <ms>-* (the server picks the sequence).
struct StreamId {
  uint64_t ms = 0;
  uint64_t seq = 0;
  bool auto_seq = false;
};

bool parse_part(std::string_view text, uint64_t& value) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

// Throws naming `what` unless `text` is a valid explicit ID above 0-0.
StreamId parse_stream_id(std::string_view text, const std::string& what) {
  StreamId id;
  const size_t dash = text.find('-');
  const std::string_view ms = text.substr(0, dash);
  bool ok = parse_part(ms, id.ms);
  if (ok && dash != std::string_view::npos) {
    const std::string_view seq = text.substr(dash + 1);
    id.auto_seq = seq == "*";
    ok = id.auto_seq || parse_part(seq, id.seq);
  }
  if (!ok) {
    throw Error(ErrorKind::kInvalidArgument, what + " '" + quote_for_message(text) +
                                                 "' is not a stream ID (<ms>, <ms>-<seq> or <ms>-*, 64-bit numbers)");
  }
  if (id.ms == 0 && id.seq == 0 && !id.auto_seq) {
    throw Error(ErrorKind::kInvalidArgument, what + " '0-0' is not allowed: stream IDs must be greater than 0-0");
  }
  return id;
}

int required_column(const arrow::ImportedStream& in, const std::string& name, const char* role) {
  const int index = in.index_of(name);
  if (index < 0) throw Error(ErrorKind::kInvalidArgument, std::string(role) + " '" + name + "' is not in the frame");
  return index;
}

class StreamEncoder final : public ValueEncoder {
 public:
  StreamEncoder(std::string id_column, std::vector<std::string> trim)
      : id_column_(std::move(id_column)), trim_(std::move(trim)) {
    if (!trim_.empty() && trim_.front() == "MINID") parse_stream_id(trim_.back(), "minid");
  }
  void bind(const arrow::ImportedStream& in, const std::vector<int>& value_columns) override {
    last_.clear();
    first_.clear();
    id_index_ = id_column_.empty() ? -1 : required_column(in, id_column_, "id column");
    fields_.clear();
    for (int column : value_columns) {
      if (column != id_index_) fields_.push_back(column);
    }
    if (fields_.empty()) throw Error(ErrorKind::kInvalidArgument, "the frame has no value columns to write as entry fields");
  }
  bool encode_set(const arrow::ImportedStream& in, int64_t row, std::string_view key, resp::ArgumentList& args) override {
    args.arg("XADD").arg(key);
    for (const auto& trim : trim_) args.arg(trim);
    if (id_index_ >= 0 && !in.column(static_cast<size_t>(id_index_)).is_null(row)) {
      value_.clear();
      in.column(static_cast<size_t>(id_index_)).append_text(row, value_);
      check_order(key, parse_stream_id(value_, "column '" + id_column_ + "': ID"));
      args.arg(value_);
    } else {
      last_[std::string(key)] = std::nullopt;  // the server's clock decides: later IDs are unknown
      args.arg("*");
    }
    const size_t before = args.size();
    append_field_args(in, fields_, row, value_, args);
    if (args.size() == before) {
      throw Error(ErrorKind::kInvalidArgument, "a stream entry needs at least one non-null field");
    }
    return true;
  }
  bool encode_merge(const arrow::ImportedStream& in, int64_t row, std::string_view key, resp::ArgumentList& args) override {
    return encode_set(in, row, key, args);
  }
  std::string_view redis_type() const override { return "stream"; }
  void verify(net::Connection& conn) override {
    for (const auto& [key, id, text] : first_) resp::CommandWriter(conn.out_buffer(), 3).arg("XINFO").arg("STREAM").arg(key);
    std::optional<Error> failure;
    for (const auto& [key, id, text] : first_) {
      resp::Reply reply = conn.read_reply();
      const resp::NodeView root = reply.root();
      if (failure) continue;  // every reply is read, so the connection stays in step
      const std::string where = "key '" + quote_for_message(key) + "'";
      if (root.is_error()) {
        const std::string_view message = root.str();
        if (message.starts_with("WRONGTYPE")) failure.emplace(ErrorKind::kResponse, where + " does not hold a stream (WRONGTYPE)");
        continue;  // no such key, or a redirection: the write decides
      }
      std::string last;
      auto item = root.first_child();
      const size_t items = root.type() == resp::Type::kMap ? 2 * root.size() : root.size();
      for (size_t i = 0; i + 1 < items; i += 2) {
        const auto value = item.next_sibling();
        if (item.str() == "last-generated-id") last = std::string(value.str());
        item = value.next_sibling();
      }
      const StreamId top = parse_stream_id(last, "the stream's last ID");
      const bool above = id.auto_seq ? id.ms >= top.ms : id.ms > top.ms || (id.ms == top.ms && id.seq > top.seq);
      if (!above) {
        failure.emplace(ErrorKind::kInvalidArgument, where + ", column '" + id_column_ + "': ID " + text +
                                                         " is not greater than the stream's last ID " + last);
      }
    }
    if (failure) throw *failure;
  }

 private:
  // XADD refuses an ID not above the stream's last one: the frame's IDs must increase per key.
  void check_order(std::string_view key, const StreamId& id) {
    auto [it, fresh] = last_.try_emplace(std::string(key), id);
    if (fresh) {
      first_.emplace_back(std::string(key), id, value_);
      return;
    }
    const std::optional<StreamId> previous = it->second;
    if (!previous) {
      throw Error(ErrorKind::kInvalidArgument, "column '" + id_column_ + "': an explicit ID after a server-assigned "
                                                   "one (a null ID) for the same key cannot be checked to be greater");
    }
    // <ms>-* gets a sequence above the previous one at the same ms; after <ms>-* an explicit
    // sequence at the same ms cannot be checked.
    const bool greater = id.auto_seq ? id.ms >= previous->ms
                                     : id.ms > previous->ms || (id.ms == previous->ms && !previous->auto_seq &&
                                                                id.seq > previous->seq);
    if (!greater) {
      throw Error(ErrorKind::kInvalidArgument, "column '" + id_column_ + "': ID " + value_ +
                                                   " is not greater than the key's previous ID in the frame");
    }
    it->second = id;
  }

  std::string id_column_;
  std::vector<std::string> trim_;
  std::unordered_map<std::string, std::optional<StreamId>> last_;  // per key: its last ID in the frame
  std::vector<std::tuple<std::string, StreamId, std::string>> first_;  // per key: its first ID, and its text
  int id_index_ = -1;
  std::vector<int> fields_;
  std::string value_;
};

class TimeseriesEncoder final : public ValueEncoder {
 public:
  TimeseriesEncoder(std::string timestamp_column, std::string value_column, std::vector<std::string> add_options)
      : timestamp_column_(std::move(timestamp_column)),
        value_column_(std::move(value_column)),
        add_options_(std::move(add_options)) {}
  void bind(const arrow::ImportedStream& in, const std::vector<int>&) override {
    timestamp_ = required_column(in, timestamp_column_, "timestamp column");
    value_index_ = required_column(in, value_column_, "value column");
  }
  bool encode_set(const arrow::ImportedStream& in, int64_t row, std::string_view key, resp::ArgumentList& args) override {
    const auto& stamp = in.column(static_cast<size_t>(timestamp_));
    const auto& value = in.column(static_cast<size_t>(value_index_));
    if (stamp.is_null(row)) throw Error(ErrorKind::kInvalidArgument, "column '" + timestamp_column_ + "': null timestamp");
    if (value.is_null(row)) return false;  // a missing sample is not written
    int64_t millis = 0;
    if (!stamp.as_epoch_millis(row, millis) && !stamp.as_int64(row, millis)) {
      throw Error(ErrorKind::kInvalidArgument, "timestamp column '" + timestamp_column_ +
                                                   "' must hold epoch milliseconds (integers) or Datetimes");
    }
    if (millis < 0) {
      throw Error(ErrorKind::kInvalidArgument, "column '" + timestamp_column_ + "': timestamp " +
                                                   std::to_string(millis) + " is before 1970 (TS.ADD refuses it)");
    }
    value_.clear();
    value.append_text(row, value_);
    if (value_ == "nan") {
      throw Error(ErrorKind::kInvalidArgument, "column '" + value_column_ + "': NaN is not a valid sample value");
    }
    args.arg("TS.ADD").arg(key).arg(millis).arg(value_);
    for (const auto& option : add_options_) args.arg(option);
    return true;
  }
  bool encode_merge(const arrow::ImportedStream& in, int64_t row, std::string_view key, resp::ArgumentList& args) override {
    return encode_set(in, row, key, args);
  }
  std::string_view redis_type() const override { return "TSDB-TYPE"; }

 private:
  std::string timestamp_column_;
  std::string value_column_;
  std::vector<std::string> add_options_;
  int timestamp_ = -1;
  int value_index_ = -1;
  std::string value_;
};

}  // namespace

std::unique_ptr<ValueEncoder> make_stream_encoder(std::string id_column, std::vector<std::string> trim) {
  return std::make_unique<StreamEncoder>(std::move(id_column), std::move(trim));
}

std::unique_ptr<ValueEncoder> make_timeseries_encoder(std::string timestamp_column, std::string value_column,
                                                      std::vector<std::string> add_options) {
  return std::make_unique<TimeseriesEncoder>(std::move(timestamp_column), std::move(value_column),
                                             std::move(add_options));
}

}  // namespace polars_redis::write
