#include "polars_redis/write/restore_encoder.hpp"

#include <charconv>
#include <cmath>
#include <vector>

#include "polars_redis/error.hpp"
#include "polars_redis/rdb/listpack_writer.hpp"
#include "polars_redis/write/row_writer.hpp"

namespace polars_redis::write {

namespace {

// The arguments of an encoded command ("$<n>\r\n<bytes>\r\n" each), as views into it.
void split_arguments(std::string_view encoded, std::vector<std::string_view>& out) {
  out.clear();
  size_t at = 0;
  while (at < encoded.size()) {
    const size_t end_of_length = encoded.find('\r', at);
    size_t length = 0;
    std::from_chars(encoded.data() + at + 1, encoded.data() + end_of_length, length);
    out.push_back(encoded.substr(end_of_length + 2, length));
    at = end_of_length + 2 + length + 2;
  }
}

// The first argument (the command's name) of an encoded command.
std::string_view command_name(std::string_view encoded) {
  const size_t end_of_length = encoded.find('\r');
  size_t length = 0;
  std::from_chars(encoded.data() + 1, encoded.data() + end_of_length, length);
  return encoded.substr(end_of_length + 2, length);
}

// Below this many bytes of command, its RESTORE is within the server's limits: the payload is at
// most kPayloadGrowth times the command's bulk strings (rdb::kPayloadGrowth), the key and options
// a few bytes more.
constexpr size_t kPayloadBoundedBelow = (kMaxArgumentBytes - rdb::kPayloadFixedBytes) / rdb::kPayloadGrowth / 2;
static_assert(kPayloadBoundedBelow * (rdb::kPayloadGrowth + 1) + 1024 < kMaxCommandBytes);

// RESTORE's name, TTL, REPLACE and ABSTTL with their framing, and the key's.
constexpr size_t kRestoreFraming = 128;

class RestoreEncoder final : public ValueEncoder {
 public:
  RestoreEncoder(std::unique_ptr<ValueEncoder> commands, rdb::PayloadEncoder payloads)
      : commands_(std::move(commands)), payloads_(std::move(payloads)) {}

  void bind(const arrow::ImportedStream& in, const std::vector<int>& value_columns) override {
    commands_->bind(in, value_columns);
  }
  bool encode_set(const arrow::ImportedStream& in, int64_t row, std::string_view key, resp::ArgumentList& args) override {
    return commands_->encode_set(in, row, key, args);
  }
  bool encode_merge(const arrow::ImportedStream& in, int64_t row, std::string_view key, resp::ArgumentList& args) override {
    return commands_->encode_merge(in, row, key, args);
  }
  std::string_view redis_type() const override { return commands_->redis_type(); }
  std::unique_ptr<ValueEncoder> clone() const override {
    auto commands = commands_->clone();
    if (!commands) return nullptr;
    return std::make_unique<RestoreEncoder>(std::move(commands), payloads_);
  }
  void verify(net::Connection& conn) override { commands_->verify(conn); }
  // The RESTORE's: its payload is bounded by the command it is built from (hashes and strings
  // alone have a command bound), with the TTL and options around it; an append's merge command
  // is the shorter.
  std::optional<size_t> command_bound(const arrow::ImportedStream& in) const override {
    const auto command = commands_->command_bound(in);
    if (!command) return std::nullopt;
    return *command * rdb::kPayloadGrowth + rdb::kPayloadFixedBytes + kRestoreFraming;
  }
  bool whole_values() const override { return true; }
  bool merge_creates_as_set() const override { return commands_->merge_creates_as_set(); }

  bool encode_restore(const arrow::ImportedStream& in, int64_t row, std::string_view key, int ttl_kind,
                      int64_t ttl_value, bool replace, resp::ArgumentList& args) override {
    if (!payload_of_row(in, row, key, nullptr)) return false;
    restore_command(key, ttl_kind, ttl_value, replace, args);
    return true;
  }

  bool encode_restore_append(const arrow::ImportedStream& in, int64_t row, std::string_view key,
                             resp::ArgumentList& restore, std::string& merge) override {
    merge_.clear();
    if (!payload_of_row(in, row, key, &merge_)) return false;
    restore_command(key, 0, 0, false, restore);
    merge.clear();
    if (merge_.size() == 0) {  // the payload came from the command, which merges as it creates
      if (command_name(command_.encoded()) != "SET") {
        command_.append_command_to(merge);
        return true;
      }
      commands_->encode_merge(in, row, key, merge_);  // SET ... KEEPTTL: the merge keeps the TTL
    }
    merge_.append_command_to(merge);
    return true;
  }

  // Validation is the command encoder's, save sorted-set scores (the payload parses them): the
  // command stands in for its payload when that is bounded by it (kPayloadBoundedBelow).
  bool check_restore(const arrow::ImportedStream& in, int64_t row, std::string_view key, int ttl_kind,
                     int64_t ttl_value, bool replace, resp::ArgumentList& args) override {
    if (!commands_->encode_set(in, row, key, args)) return false;
    const std::string_view name = command_name(args.encoded());
    if (args.encoded().size() < kPayloadBoundedBelow && (name == "HSET" || name == "SADD" || name == "RPUSH" ||
                                                         name == "JSON.SET" || name == "SET")) {
      return true;
    }
    args.clear();
    return encode_restore(in, row, key, ttl_kind, ttl_value, replace, args);
  }

 private:
  void restore_command(std::string_view key, int ttl_kind, int64_t ttl_value, bool replace, resp::ArgumentList& args) {
    int64_t ttl_ms = 0;
    if (ttl_kind == 1 && __builtin_mul_overflow(ttl_value, int64_t{1000}, &ttl_ms)) {
      throw Error(ErrorKind::kInvalidArgument, "key '" + quote_for_message(key) + "': TTL " +
                                                   std::to_string(ttl_value) + " s is out of range");
    }
    if (ttl_kind == 2) ttl_ms = ttl_value;
    args.arg("RESTORE").arg(key).arg(ttl_ms).arg(payload_);
    if (replace) args.arg("REPLACE");
    if (ttl_kind == 2) args.arg("ABSTTL");
  }

  // The row's payload into payload_; false when the row has nothing to store. A hash row within
  // the listpack thresholds also gets its HSET in `hset` (when given: append's merge), from the
  // same cell texts; any other row's payload comes from its command, in command_.
  bool payload_of_row(const arrow::ImportedStream& in, int64_t row, std::string_view key, resp::ArgumentList* hset) {
    if (const auto* fields = commands_->hash_fields()) {
      switch (hash_listpack(in, *fields, row, key, hset)) {
        case Listpack::kBuilt: return true;
        case Listpack::kNothing: return false;
        case Listpack::kTooLarge:  // the plain form, from the command's arguments
          if (hset) hset->clear();
          break;
      }
    }
    command_.clear();
    if (!commands_->encode_set(in, row, key, command_)) return false;
    split_arguments(command_.encoded(), parts_);
    payload_of(key);
    return true;
  }

  enum class Listpack { kBuilt, kNothing, kTooLarge };
  // A hash row's payload straight from its cells, skipping HSET's framing and its split (the most
  // common RESTORE, and the writer's hot path): the entries HSET would store, when the row is
  // within the server's listpack thresholds; kTooLarge leaves the plain form to the command.
  Listpack hash_listpack(const arrow::ImportedStream& in, const std::vector<int>& fields, int64_t row,
                         std::string_view key, resp::ArgumentList* hset) {
    const auto& limits = payloads_.limits();
    listpack_.clear();
    if (hset) hset->arg("HSET").arg(key);
    int64_t pairs = 0;
    for (int field : fields) {
      const auto& column = in.column(static_cast<size_t>(field));
      if (column.is_null(row)) continue;
      if (++pairs > limits.hash_max_listpack_entries ||
          static_cast<int64_t>(column.name().size()) > limits.hash_max_listpack_value) {
        return Listpack::kTooLarge;
      }
      listpack_.append(column.name());
      int64_t number = 0;
      if (!hset && column.as_int64(row, number)) {  // its text is the canonical decimal: a listpack integer
        // (every int64's text fits the usual limit, 64: counted only below 20)
        if (limits.hash_max_listpack_value < kLongestInt64Text &&
            static_cast<int64_t>(decimal_length(number)) > limits.hash_max_listpack_value) {
          return Listpack::kTooLarge;
        }
        listpack_.append_integer(number);
        continue;
      }
      cell_.clear();
      append_cell_text(column, row, cell_);
      if (static_cast<int64_t>(cell_.size()) > limits.hash_max_listpack_value) return Listpack::kTooLarge;
      listpack_.append(cell_);
      if (hset) hset->arg(column.name()).arg(cell_);
    }
    if (pairs == 0) return Listpack::kNothing;
    payloads_.hash_listpack(listpack_, payload_);
    return Listpack::kBuilt;
  }

  static constexpr int64_t kLongestInt64Text = 20;  // -9223372036854775808
  static size_t decimal_length(int64_t value) {
    uint64_t magnitude = value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
    size_t length = value < 0 ? 2 : 1;
    while (magnitude >= 10) {
      magnitude /= 10;
      ++length;
    }
    return length;
  }

  // parts_ is the command: name, key, then its values.
  void payload_of(std::string_view key) {
    const std::string_view name = parts_[0];
    const std::span<const std::string_view> values(parts_.begin() + 2, parts_.end());
    if (name == "HSET") {
      payloads_.hash(values, payload_);
    } else if (name == "SADD") {
      items_.assign(values.begin(), values.end());
      payloads_.set(items_, payload_);
    } else if (name == "RPUSH") {
      payloads_.list(values, payload_);
    } else if (name == "ZADD") {
      scored_.clear();
      for (size_t i = 0; i + 1 < values.size(); i += 2) scored_.push_back({score_of(key, values[i]), values[i + 1]});
      payloads_.zset(scored_, payload_);
    } else if (name == "JSON.SET") {
      payloads_.json(values[1], payload_);  // after the path "$"
    } else if (name == "SET") {
      payloads_.string(values[0], payload_);
    } else {
      throw Error(ErrorKind::kInvalidArgument, std::string(name) + " values cannot be written with RESTORE");
    }
  }

  // ZADD's rule: a float the server parses (strtod), never NaN.
  static double score_of(std::string_view key, std::string_view text) {
    double score = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), score);
    if (ec != std::errc() || end != text.data() + text.size() || std::isnan(score)) {
      throw Error(ErrorKind::kInvalidArgument, "key '" + quote_for_message(key) + "': score '" +
                                                   quote_for_message(text) + "' is not a valid float");
    }
    return score;
  }

  std::unique_ptr<ValueEncoder> commands_;
  rdb::PayloadEncoder payloads_;
  resp::ArgumentList command_;
  rdb::ListpackWriter listpack_;
  std::string cell_;
  resp::ArgumentList merge_;
  std::vector<std::string_view> parts_;
  std::vector<std::string_view> items_;
  std::vector<rdb::ScoredMember> scored_;
  std::string payload_;
};

}  // namespace

std::unique_ptr<ValueEncoder> make_restore_encoder(std::unique_ptr<ValueEncoder> commands, rdb::PayloadEncoder payloads) {
  return std::make_unique<RestoreEncoder>(std::move(commands), std::move(payloads));
}

}  // namespace polars_redis::write
