#include "polars_redis/error.hpp"
#include "polars_redis/json/json_text.hpp"
#include "polars_redis/write/value_encoder.hpp"

namespace polars_redis::write {

void append_cell_text(const arrow::ColumnView& column, int64_t row, std::string& out) {
  try {
    column.append_text(row, out);
  } catch (const Error& e) {
    throw Error(e.kind(), "column '" + column.name() + "': " + e.what());
  }
}

void append_field_args(const arrow::ImportedStream& in, const std::vector<int>& fields, int64_t row,
                       std::string& scratch, resp::ArgumentList& args) {
  for (int field : fields) {
    const auto& column = in.column(static_cast<size_t>(field));
    if (column.is_null(row)) continue;
    scratch.clear();
    append_cell_text(column, row, scratch);
    args.arg(column.name()).arg(scratch);
  }
}

std::optional<size_t> field_args_bound(const arrow::ImportedStream& in, const std::vector<int>& fields) {
  size_t bound = 0;
  for (int field : fields) {
    const auto& column = in.column(static_cast<size_t>(field));
    const auto text = column.text_bound();
    if (!text) return std::nullopt;
    bound += column.name().size() + *text + 2 * kArgumentFraming;
  }
  return bound;
}

namespace {

// The command's array header and name ("*<n>\r\n$4\r\nHSET\r\n"), the key's framing, and a
// trailing option such as KEEPTTL.
constexpr size_t kCommandFraming = 64;

class HashEncoder final : public ValueEncoder {
 public:
  void bind(const arrow::ImportedStream&, const std::vector<int>& value_columns) override {
    if (value_columns.empty()) throw Error(ErrorKind::kInvalidArgument, "the frame has no value columns to write as hash fields");
    fields_ = value_columns;
  }
  bool encode_set(const arrow::ImportedStream& in, int64_t row, std::string_view key, resp::ArgumentList& args) override {
    args.arg("HSET").arg(key);
    append_field_args(in, fields_, row, value_, args);
    return args.size() > 2;
  }
  bool encode_merge(const arrow::ImportedStream& in, int64_t row, std::string_view key, resp::ArgumentList& args) override {
    return encode_set(in, row, key, args);
  }
  bool merge_creates_as_set() const override { return true; }
  const std::vector<int>* hash_fields() const override { return &fields_; }
  std::optional<size_t> command_bound(const arrow::ImportedStream& in) const override {
    const auto fields = field_args_bound(in, fields_);
    return fields ? std::optional<size_t>(kCommandFraming + *fields) : std::nullopt;
  }
  std::string_view redis_type() const override { return "hash"; }
  std::unique_ptr<ValueEncoder> clone() const override { return std::make_unique<HashEncoder>(*this); }

 private:
  std::vector<int> fields_;
  std::string value_;
};

class JsonEncoder final : public ValueEncoder {
 public:
  void bind(const arrow::ImportedStream&, const std::vector<int>& value_columns) override { fields_ = value_columns; }
  bool encode_set(const arrow::ImportedStream& in, int64_t row, std::string_view key, resp::ArgumentList& args) override {
    document(in, row, true);
    args.arg("JSON.SET").arg(key).arg("$").arg(document_);
    return true;
  }
  bool encode_merge(const arrow::ImportedStream& in, int64_t row, std::string_view key, resp::ArgumentList& args) override {
    document(in, row, false);
    args.arg("JSON.MERGE").arg(key).arg("$").arg(document_);
    return true;
  }
  std::string_view redis_type() const override { return "ReJSON-RL"; }
  std::unique_ptr<ValueEncoder> clone() const override { return std::make_unique<JsonEncoder>(*this); }

 private:
  // JSON.MERGE deletes a field whose patch value is null: merges leave null fields out instead,
  // at every level.
  void document(const arrow::ImportedStream& in, int64_t row, bool with_nulls) {
    const arrow::JsonStyle style{!with_nulls, true, kRedisJsonMaxDepth};
    document_.assign("{");
    bool first = true;
    for (int field : fields_) {
      const auto& column = in.column(static_cast<size_t>(field));
      if (!with_nulls && column.is_null(row)) continue;
      if (!first) document_.push_back(',');
      first = false;
      json::append_json_string(column.name(), document_);
      document_.push_back(':');
      try {
        column.write_json(row, document_, style, 1);
      } catch (const Error& e) {
        throw Error(e.kind(), "column '" + column.name() + "': " + e.what());
      }
    }
    document_.push_back('}');
  }

  std::vector<int> fields_;
  std::string document_;
};

class StringEncoder final : public ValueEncoder {
 public:
  explicit StringEncoder(std::string value_column) : value_column_(std::move(value_column)) {}
  void bind(const arrow::ImportedStream& in, const std::vector<int>&) override {
    index_ = in.index_of(value_column_);
    if (index_ < 0) {
      throw Error(ErrorKind::kInvalidArgument, "value_column '" + value_column_ + "' is not a column of the frame");
    }
  }
  bool encode_set(const arrow::ImportedStream& in, int64_t row, std::string_view key, resp::ArgumentList& args) override {
    const auto& column = in.column(static_cast<size_t>(index_));
    if (column.is_null(row)) return false;
    value_.clear();
    append_cell_text(column, row, value_);
    args.arg("SET").arg(key).arg(value_);
    return true;
  }
  // A string has no parts to merge: the value is overwritten, but an existing TTL is kept.
  bool encode_merge(const arrow::ImportedStream& in, int64_t row, std::string_view key, resp::ArgumentList& args) override {
    if (!encode_set(in, row, key, args)) return false;
    args.arg("KEEPTTL");
    return true;
  }
  bool merge_creates_as_set() const override { return true; }
  std::optional<size_t> command_bound(const arrow::ImportedStream& in) const override {
    const auto value = in.column(static_cast<size_t>(index_)).text_bound();
    return value ? std::optional<size_t>(kCommandFraming + *value + kArgumentFraming) : std::nullopt;
  }
  std::string_view redis_type() const override { return {}; }  // SET replaces a value of any type
  std::unique_ptr<ValueEncoder> clone() const override { return std::make_unique<StringEncoder>(*this); }

 private:
  std::string value_column_;
  int index_ = -1;
  std::string value_;
};

}  // namespace

std::unique_ptr<ValueEncoder> make_hash_encoder() { return std::make_unique<HashEncoder>(); }
std::unique_ptr<ValueEncoder> make_json_encoder() { return std::make_unique<JsonEncoder>(); }
std::unique_ptr<ValueEncoder> make_string_encoder(std::string value_column) {
  return std::make_unique<StringEncoder>(std::move(value_column));
}

}  // namespace polars_redis::write
