// Encoders for types whose rows append to a key rather than replace it: stream entries and
// time-series samples.
#include "polars_redis/error.hpp"
#include "polars_redis/write/value_encoder.hpp"

namespace polars_redis::write {

namespace {

int required_column(const arrow::ImportedStream& in, const std::string& name, const char* role) {
  const int index = in.index_of(name);
  if (index < 0) throw Error(ErrorKind::kInvalidArgument, std::string(role) + " '" + name + "' is not in the frame");
  return index;
}

class StreamEncoder final : public ValueEncoder {
 public:
  StreamEncoder(std::string id_column, std::vector<std::string> trim)
      : id_column_(std::move(id_column)), trim_(std::move(trim)) {}
  void bind(const arrow::ImportedStream& in, const std::vector<int>& value_columns) override {
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
      args.arg(value_);
    } else {
      args.arg("*");
    }
    const size_t before = args.size();
    for (int field : fields_) {
      const auto& column = in.column(static_cast<size_t>(field));
      if (column.is_null(row)) continue;
      value_.clear();
      column.append_text(row, value_);
      args.arg(column.name()).arg(value_);
    }
    if (args.size() == before) {
      throw Error(ErrorKind::kInvalidArgument, "row " + std::to_string(row) + ": a stream entry needs at least one non-null field");
    }
    return true;
  }
  bool encode_merge(const arrow::ImportedStream& in, int64_t row, std::string_view key, resp::ArgumentList& args) override {
    return encode_set(in, row, key, args);
  }

 private:
  std::string id_column_;
  std::vector<std::string> trim_;
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
    if (stamp.is_null(row)) throw Error(ErrorKind::kInvalidArgument, "row " + std::to_string(row) + ": null timestamp");
    if (value.is_null(row)) return false;  // a missing sample is not written
    int64_t millis = 0;
    if (!stamp.as_epoch_millis(row, millis) && !stamp.as_int64(row, millis)) {
      throw Error(ErrorKind::kInvalidArgument, "timestamp column '" + timestamp_column_ +
                                                   "' must hold epoch milliseconds (integers) or Datetimes");
    }
    value_.clear();
    value.append_text(row, value_);
    args.arg("TS.ADD").arg(key).arg(millis).arg(value_);
    for (const auto& option : add_options_) args.arg(option);
    return true;
  }
  bool encode_merge(const arrow::ImportedStream& in, int64_t row, std::string_view key, resp::ArgumentList& args) override {
    return encode_set(in, row, key, args);
  }

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
