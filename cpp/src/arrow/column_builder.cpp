#include "polars_redis/arrow/column_builder.hpp"

#include <charconv>
#include <cstring>

#include "builders.hpp"
#include "export.hpp"
#include "polars_redis/error.hpp"

namespace polars_redis::arrow {

void ColumnBuilder::append_null() {
  if (null_count_ == 0) start_validity();
  if (length_ % 8 == 0) validity_.push<uint8_t>(0);
  ++null_count_;
  append_null_slot();
  ++length_;
}

// Until the first null the bitmap is implicit (all valid); materialise it for the rows so far.
void ColumnBuilder::start_validity() {
  const int64_t full_bytes = length_ / 8;
  if (full_bytes > 0) std::memset(validity_.extend(static_cast<size_t>(full_bytes)), 0xFF, static_cast<size_t>(full_bytes));
  if (length_ % 8 != 0) validity_.push(static_cast<uint8_t>((1u << (length_ % 8)) - 1));
}

void ColumnBuilder::finish_buffers(ArrowArray* out, std::vector<Buffer> buffers, std::vector<ArrowArray> children) {
  buffers.insert(buffers.begin(), std::move(validity_));
  // validity_ is now empty
  detail::export_array(out, length_, null_count_, std::move(buffers), std::move(children));
  length_ = 0;
  null_count_ = 0;
}

bool ColumnBuilder::append_int64(int64_t value) {
  char text[24];
  const auto result = std::to_chars(text, text + sizeof(text), value);
  return append_text(std::string_view(text, static_cast<size_t>(result.ptr - text)));
}

bool ColumnBuilder::append_double(double value) {
  char text[40];
  auto result = std::to_chars(text, text + sizeof(text) - 2, value);
  // Shortest round-trip form, with ".0" on integral values as Polars prints floats.
  if (std::string_view(text, static_cast<size_t>(result.ptr - text)).find_first_of(".eEn") == std::string_view::npos) {
    *result.ptr++ = '.';
    *result.ptr++ = '0';
  }
  return append_text(std::string_view(text, static_cast<size_t>(result.ptr - text)));
}

bool ColumnBuilder::append_bool(bool value) { return append_text(value ? "true" : "false"); }

namespace {
// Nested dtypes describe their children too: a list's item, a struct's fields.
void export_schema_of(ArrowSchema* out, const DataType& dtype, const std::string& name) {
  std::vector<ArrowSchema> children(dtype.is_nested() ? dtype.children.size() : 0);
  for (size_t i = 0; i < children.size(); ++i) {
    const std::string& child_name = dtype.id == TypeId::kList ? std::string("item") : dtype.field_names.at(i);
    export_schema_of(&children[i], dtype.children[i], child_name);
  }
  detail::export_schema(out, arrow_format(dtype), name, ARROW_FLAG_NULLABLE, std::move(children));
}
}  // namespace

void ColumnBuilder::export_schema(ArrowSchema* out, const std::string& name) const {
  export_schema_of(out, dtype_, name);
}

std::string arrow_format(const DataType& dtype) {
  switch (dtype.id) {
    case TypeId::kString:
    case TypeId::kCategorical:
    case TypeId::kEnum:
      return "vu";
    case TypeId::kBinary:
      return "vz";
    case TypeId::kBoolean:
      return "b";
    case TypeId::kInt8:
      return "c";
    case TypeId::kInt16:
      return "s";
    case TypeId::kInt32:
      return "i";
    case TypeId::kInt64:
      return "l";
    case TypeId::kUInt8:
      return "C";
    case TypeId::kUInt16:
      return "S";
    case TypeId::kUInt32:
      return "I";
    case TypeId::kUInt64:
      return "L";
    case TypeId::kFloat32:
      return "f";
    case TypeId::kFloat64:
      return "g";
    case TypeId::kDecimal:
      return "d:" + std::to_string(dtype.precision) + "," + std::to_string(dtype.scale);
    case TypeId::kDate:
      return "tdD";
    case TypeId::kDatetime: {
      const char unit = dtype.unit == TimeUnit::kMillisecond   ? 'm'
                        : dtype.unit == TimeUnit::kMicrosecond ? 'u'
                                                               : 'n';
      return std::string("ts") + unit + ":" + dtype.time_zone;
    }
    case TypeId::kTime:
      return "ttn";
    case TypeId::kList:
      return "+L";
    case TypeId::kStruct:
      return "+s";
  }
  throw Error(ErrorKind::kInvalidArgument, "unknown dtype id " + std::to_string(static_cast<int>(dtype.id)));
}

std::unique_ptr<ColumnBuilder> make_column_builder(const DataType& dtype) {
  switch (dtype.id) {
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kCategorical:
    case TypeId::kEnum:
      return detail::make_view_builder(dtype);
    case TypeId::kBoolean:
      return detail::make_boolean_builder(dtype);
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kUInt8:
    case TypeId::kUInt16:
    case TypeId::kUInt32:
    case TypeId::kUInt64:
      return detail::make_integer_builder(dtype);
    case TypeId::kFloat32:
    case TypeId::kFloat64:
      return detail::make_float_builder(dtype);
    case TypeId::kDecimal:
      return detail::make_decimal_builder(dtype);
    case TypeId::kDate:
    case TypeId::kDatetime:
    case TypeId::kTime:
      return detail::make_temporal_builder(dtype);
    case TypeId::kList:
      return detail::make_list_builder(dtype);
    case TypeId::kStruct:
      return detail::make_struct_builder(dtype);
  }
  throw Error(ErrorKind::kInvalidArgument, "unknown dtype id " + std::to_string(static_cast<int>(dtype.id)));
}

}  // namespace polars_redis::arrow
