#pragma once
// List and Struct columns. Their values are appended through child builders (any dtype, nested
// to any depth); the parent then records the row: a list closes the elements appended to its
// item builder since the previous row, a struct marks a row whose field builders each got one
// value. A null row appends nothing to a list's items and one null to every struct field, since
// Arrow struct children have the parent's length.
#include <memory>
#include <vector>

#include "polars_redis/arrow/column_builder.hpp"

namespace polars_redis::arrow {

class ListBuilder final : public ColumnBuilder {
 public:
  explicit ListBuilder(const DataType& dtype);  // dtype.id == kList with one child
  ColumnBuilder& items() { return *items_; }
  // Ends a (valid) list made of the items appended since the previous row.
  void close_list();

  bool append_text(std::string_view text) override { return false; }  // a list is never text
  void reserve(int64_t n) override;
  void finish(ArrowArray* out) override;

 protected:
  void append_null_slot() override;

 private:
  std::unique_ptr<ColumnBuilder> items_;
  Buffer offsets_;  // int64, length + 1 entries; starts with 0
};

class StructBuilder final : public ColumnBuilder {
 public:
  explicit StructBuilder(const DataType& dtype);  // dtype.id == kStruct
  size_t num_fields() const { return fields_.size(); }
  ColumnBuilder& field(size_t i) { return *fields_[i]; }
  // Ends a valid row: every field builder has had exactly one value (or null) appended for it.
  void close_struct() { mark_valid(); }

  bool append_text(std::string_view text) override { return false; }  // a struct is never text
  void reserve(int64_t n) override;
  void finish(ArrowArray* out) override;

 protected:
  void append_null_slot() override;

 private:
  std::vector<std::unique_ptr<ColumnBuilder>> fields_;
};

}  // namespace polars_redis::arrow
