#pragma once
// The shared base of every layout with one fixed-width value per slot (integers, floats,
// decimal128, date32, timestamp, time64): a values buffer plus the validity bitmap.
#include <optional>
#include <vector>

#include "polars_redis/arrow/column_builder.hpp"

namespace polars_redis::arrow::detail {

template <typename T>
class FixedWidthBuilder : public ColumnBuilder {
 public:
  void reserve(int64_t n) override { values_.reserve(values_.size() + static_cast<size_t>(n) * sizeof(T)); }

  void finish(ArrowArray* out) override {
    std::vector<Buffer> buffers;
    buffers.push_back(std::move(values_));
    finish_buffers(out, std::move(buffers));
  }

 protected:
  explicit FixedWidthBuilder(const DataType& dtype) : ColumnBuilder(dtype) {}

  void append_value(T value) {
    values_.push(value);
    mark_valid();
  }
  // The codecs return nullopt for text that does not parse.
  bool append_parsed(std::optional<T> value) {
    if (!value) return false;
    append_value(*value);
    return true;
  }
  void append_null_slot() override { values_.push(T{}); }

 private:
  Buffer values_;
};

}  // namespace polars_redis::arrow::detail
