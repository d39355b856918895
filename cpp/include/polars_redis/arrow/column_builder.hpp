#pragma once
// Typed column builders that parse Redis text straight into Arrow buffers.
//
// Physical layouts (chosen so Polars imports them without copies):
//   String, Categorical, Enum -> utf8_view ("vu"); Binary -> binary_view ("vz");
//   Boolean -> bit-packed ("b"); ints/floats -> primitives; Decimal -> decimal128 ("d:P,S");
//   Date -> date32 ("tdD"); Datetime -> timestamp ("tsm:"/"tsu:"/"tsn:" + zone);
//   Time -> time64[ns] ("ttn").
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

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

  // Moves the values built so far into `out` (which the caller then owns and must release) and
  // leaves the builder empty, ready for the next batch. `reserve_hint` sizes the next batch.
  virtual void finish(ArrowArray* out) = 0;
  // Describes the column; `name` is copied.
  void export_schema(ArrowSchema* out, const std::string& name) const;

 protected:
  explicit ColumnBuilder(DataType dtype) : dtype_(std::move(dtype)) {}
  // Called by append_null: store a null slot for the type (zeros, empty view, ...).
  virtual void append_null_slot() = 0;
  // Validity bitmap helpers for subclasses.
  void mark_valid();
  void finish_validity(ArrowArray* out, const void** buffer_slot);

  DataType dtype_;
  int64_t length_ = 0;
  int64_t null_count_ = 0;
  std::string validity_;  // bit-packed, grown lazily; empty while no null was appended

  friend class BatchBuilder;
};

std::unique_ptr<ColumnBuilder> make_column_builder(const DataType& dtype);

// Arrow format string for a dtype (as exported by the builders).
std::string arrow_format(const DataType& dtype);

}  // namespace polars_redis::arrow
