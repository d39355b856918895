#pragma once
// Typed column builders that parse Redis text straight into Arrow buffers.
//
// Physical layouts (chosen so Polars imports them without copies):
//   String, Categorical, Enum -> utf8_view ("vu"); Binary -> binary_view ("vz");
//   Boolean -> bit-packed ("b"); ints/floats -> primitives; Decimal -> decimal128 ("d:P,S");
//   Date -> date32 ("tdD"); Datetime -> timestamp ("tsm:"/"tsu:"/"tsn:" + zone);
//   Time -> time64[ns] ("ttn"); List -> large list ("+L", int64 offsets, child "item");
//   Struct -> struct ("+s", one child per field). Nested builders are in nested_builders.hpp.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "polars_redis/arrow/buffer.hpp"
#include "polars_redis/arrow/c_data.hpp"
#include "polars_redis/convert/dtype.hpp"

namespace polars_redis::arrow {

class ColumnBuilder {
 public:
  virtual ~ColumnBuilder() = default;

  const DataType& dtype() const { return dtype_; }
  int64_t length() const { return length_; }

  void append_null();
  // Parses `text` as the column's type and appends it. Returns false, appending nothing, when the
  // text does not parse (the caller decides between an error and a null).
  virtual bool append_text(std::string_view text) = 0;
  // Typed sources (RESP integers and doubles, JSON scalars, TTLs, row indexes). The defaults
  // format the value as text and call append_text; numeric builders override them.
  virtual bool append_int64(int64_t value);
  virtual bool append_double(double value);
  virtual bool append_bool(bool value);

  // Makes room for `n` more values so appends do not reallocate (variable-length data excepted).
  virtual void reserve(int64_t n) = 0;
  // Moves the values built so far into `out` (which the caller then owns and must release) and
  // leaves the builder empty, ready for the next batch. The buffers are handed over, not copied.
  virtual void finish(ArrowArray* out) = 0;
  // Describes the column; `name` is copied.
  void export_schema(ArrowSchema* out, const std::string& name) const;

 protected:
  explicit ColumnBuilder(DataType dtype) : dtype_(std::move(dtype)) {}
  // Called by append_null: store a null slot for the type (zeros, empty view, ...).
  virtual void append_null_slot() = 0;
  // Called by subclasses after storing a value: marks the slot valid and counts it.
  void mark_valid() {
    if (null_count_ != 0) {
      if (length_ % 8 == 0) validity_.push<uint8_t>(0);
      validity_.data()[length_ / 8] |= static_cast<uint8_t>(1u << (length_ % 8));
    }
    ++length_;
  }
  // Exports the validity bitmap followed by `buffers` (the layout's other buffers, in order) as
  // `out` with `children` (nested layouts), and resets the counts for the next batch.
  void finish_buffers(ArrowArray* out, std::vector<Buffer> buffers, std::vector<ArrowArray> children = {});

  DataType dtype_;
  int64_t length_ = 0;
  int64_t null_count_ = 0;
  Buffer validity_;  // bit-packed; allocated at the first null, so null-free columns have none

 private:
  void start_validity();
};

// Throws Error(kInvalidArgument) for a dtype Arrow cannot represent (e.g. Decimal precision > 38).
std::unique_ptr<ColumnBuilder> make_column_builder(const DataType& dtype);

// Arrow format string for a dtype (as exported by the builders).
std::string arrow_format(const DataType& dtype);

}  // namespace polars_redis::arrow
