// Encoders for sets, lists and sorted sets: the frame arrives grouped, one row per key, with the
// members (and scores) in list columns.
#include <cmath>

#include "polars_redis/error.hpp"
#include "polars_redis/write/value_encoder.hpp"

namespace polars_redis::write {

namespace {

// A list column of the grouped frame, read item by item.
class ListColumn {
 public:
  explicit ListColumn(std::string name) : name_(std::move(name)) {}
  void bind(const arrow::ImportedStream& in) {
    index_ = in.index_of(name_);
    if (index_ < 0) throw Error(ErrorKind::kInvalidArgument, "column '" + name_ + "' is not in the frame");
  }
  // The items of `row`; a null list counts as empty.
  void items(const arrow::ImportedStream& in, int64_t row, const arrow::ColumnView*& view, int64_t& start,
             int64_t& end) const {
    const auto& column = in.column(static_cast<size_t>(index_));
    start = end = 0;
    view = nullptr;
    if (column.is_null(row)) return;
    if (!column.list_items(row, view, start, end)) {
      throw Error(ErrorKind::kInvalidArgument, "column '" + name_ + "' must be a list column (rows grouped by key)");
    }
  }
  // `position`: the item's place among its key's items, for messages.
  void append_item(const arrow::ColumnView& view, int64_t item, int64_t position, std::string& out) const {
    if (view.is_null(item)) {
      throw ItemError(ErrorKind::kInvalidArgument, "column '" + name_ + "': a null (Redis collections cannot hold nulls)",
                      position);
    }
    out.clear();
    view.append_text(item, out);
  }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  int index_ = -1;
};

// SADD / RPUSH: the command, the key, then every item.
class ItemsEncoder final : public ValueEncoder {
 public:
  ItemsEncoder(const char* command, const char* type, std::string column)
      : command_(command), type_(type), column_(std::move(column)) {}
  void bind(const arrow::ImportedStream& in, const std::vector<int>&) override { column_.bind(in); }
  bool encode_set(const arrow::ImportedStream& in, int64_t row, std::string_view key, resp::ArgumentList& args) override {
    const arrow::ColumnView* items = nullptr;
    int64_t start = 0, end = 0;
    column_.items(in, row, items, start, end);
    if (start == end) return false;
    args.arg(command_).arg(key);
    for (int64_t i = start; i < end; ++i) {
      column_.append_item(*items, i, i - start, value_);
      args.arg(value_);
    }
    return true;
  }
  bool encode_merge(const arrow::ImportedStream& in, int64_t row, std::string_view key, resp::ArgumentList& args) override {
    return encode_set(in, row, key, args);
  }
  bool merge_creates_as_set() const override { return true; }
  std::string_view redis_type() const override { return type_; }
  std::unique_ptr<ValueEncoder> clone() const override { return std::make_unique<ItemsEncoder>(*this); }

 private:
  const char* command_;
  const char* type_;
  ListColumn column_;
  std::string value_;
};

class ZsetEncoder final : public ValueEncoder {
 public:
  ZsetEncoder(std::string members, std::string scores) : members_(std::move(members)), scores_(std::move(scores)) {}
  void bind(const arrow::ImportedStream& in, const std::vector<int>&) override {
    members_.bind(in);
    scores_.bind(in);
  }
  bool encode_set(const arrow::ImportedStream& in, int64_t row, std::string_view key, resp::ArgumentList& args) override {
    const arrow::ColumnView *members = nullptr, *scores = nullptr;
    int64_t m_start = 0, m_end = 0, s_start = 0, s_end = 0;
    members_.items(in, row, members, m_start, m_end);
    scores_.items(in, row, scores, s_start, s_end);
    if (m_start == m_end) return false;
    args.arg("ZADD").arg(key);
    for (int64_t i = 0; i < m_end - m_start; ++i) {
      scores_.append_item(*scores, s_start + i, i, value_);
      // ZADD refuses NaN (infinities are valid scores).
      if (value_ == "NaN" || value_ == "nan") {
        throw ItemError(ErrorKind::kInvalidArgument, "column '" + scores_.name() + "': NaN is not a valid sorted-set score", i);
      }
      args.arg(value_);
      members_.append_item(*members, m_start + i, i, value_);
      args.arg(value_);
    }
    return true;
  }
  bool encode_merge(const arrow::ImportedStream& in, int64_t row, std::string_view key, resp::ArgumentList& args) override {
    return encode_set(in, row, key, args);
  }
  bool merge_creates_as_set() const override { return true; }
  std::string_view redis_type() const override { return "zset"; }
  std::unique_ptr<ValueEncoder> clone() const override { return std::make_unique<ZsetEncoder>(*this); }

 private:
  ListColumn members_;
  ListColumn scores_;
  std::string value_;
};

}  // namespace

std::unique_ptr<ValueEncoder> make_set_encoder(std::string members_column) {
  return std::make_unique<ItemsEncoder>("SADD", "set", std::move(members_column));
}
std::unique_ptr<ValueEncoder> make_list_encoder(std::string elements_column) {
  return std::make_unique<ItemsEncoder>("RPUSH", "list", std::move(elements_column));
}
std::unique_ptr<ValueEncoder> make_zset_encoder(std::string members_column, std::string scores_column) {
  return std::make_unique<ZsetEncoder>(std::move(members_column), std::move(scores_column));
}

}  // namespace polars_redis::write
