// List ("+L", int64 offsets) and Struct ("+s") columns with child builders.
#include "polars_redis/arrow/nested_builders.hpp"

#include "builders.hpp"
#include "polars_redis/error.hpp"

namespace polars_redis::arrow {

ListBuilder::ListBuilder(const DataType& dtype) : ColumnBuilder(dtype) {
  if (dtype.children.size() != 1) {
    throw Error(ErrorKind::kInvalidArgument, "a List dtype needs exactly one item type, got " +
                                                 std::to_string(dtype.children.size()));
  }
  items_ = make_column_builder(dtype.children[0]);
  offsets_.push<int64_t>(0);
}

void ListBuilder::close_list() {
  offsets_.push<int64_t>(items_->length());
  mark_valid();
}

void ListBuilder::append_null_slot() { offsets_.push<int64_t>(items_->length()); }

void ListBuilder::reserve(int64_t n) {
  offsets_.reserve(offsets_.size() + static_cast<size_t>(n) * sizeof(int64_t));
  items_->reserve(n);  // a guess: about one item per row
}

void ListBuilder::finish(ArrowArray* out) {
  ArrowArray items;
  items_->finish(&items);
  std::vector<Buffer> buffers;
  buffers.push_back(std::move(offsets_));
  std::vector<ArrowArray> children;
  children.push_back(items);
  finish_buffers(out, std::move(buffers), std::move(children));
  offsets_.push<int64_t>(0);  // the next batch's items start again at 0
}

StructBuilder::StructBuilder(const DataType& dtype) : ColumnBuilder(dtype) {
  if (dtype.field_names.size() != dtype.children.size()) {
    throw Error(ErrorKind::kInvalidArgument, "a Struct dtype needs one name per field");
  }
  for (const DataType& child : dtype.children) fields_.push_back(make_column_builder(child));
}

void StructBuilder::append_null_slot() {
  for (auto& field : fields_) field->append_null();
}

void StructBuilder::reserve(int64_t n) {
  for (auto& field : fields_) field->reserve(n);
}

void StructBuilder::finish(ArrowArray* out) {
  std::vector<ArrowArray> children(fields_.size());
  for (size_t i = 0; i < fields_.size(); ++i) fields_[i]->finish(&children[i]);
  finish_buffers(out, {}, std::move(children));
}

namespace detail {

std::unique_ptr<ColumnBuilder> make_list_builder(const DataType& dtype) { return std::make_unique<ListBuilder>(dtype); }
std::unique_ptr<ColumnBuilder> make_struct_builder(const DataType& dtype) {
  return std::make_unique<StructBuilder>(dtype);
}

}  // namespace detail
}  // namespace polars_redis::arrow
