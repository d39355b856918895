#pragma once
// Test support: reading exported Arrow arrays back (shared by the builder, fetcher and encoder
// tests so that every one decodes the C Data Interface the same way).
#include <cstdint>
#include <cstring>
#include <string>

#include "polars_redis/arrow/c_data.hpp"
#include "polars_redis/arrow/column_builder.hpp"
#include "polars_redis/convert/dtype.hpp"

namespace polars_redis::test_support {

// An exported column, released when the test ends (LeakSanitizer reports anything not freed).
struct Exported {
  ArrowArray array{};
  ArrowSchema schema{};
  Exported() = default;
  Exported(const Exported&) = delete;
  Exported& operator=(const Exported&) = delete;
  ~Exported() {
    if (array.release != nullptr) array.release(&array);
    if (schema.release != nullptr) schema.release(&schema);
  }
};

// Finishes `builder` into `out` (array and schema, the field named `name`).
inline void finish(arrow::ColumnBuilder& builder, Exported& out, const char* name = "col") {
  builder.finish(&out.array);
  builder.export_schema(&out.schema, name);
}

inline DataType type(TypeId id) { return DataType::of(id); }

inline bool bit(const void* bitmap, int64_t i) { return (static_cast<const uint8_t*>(bitmap)[i / 8] >> (i % 8)) & 1; }

// Whether slot i is valid (no validity bitmap: every slot is).
inline bool valid_at(const ArrowArray& array, int64_t i) {
  return array.buffers[0] == nullptr || bit(array.buffers[0], i);
}

// Slot i of a fixed-width buffer (values are buffer 1; offsets of a list are buffer 1 too).
template <typename T>
T value_at(const ArrowArray& array, int64_t i, int buffer = 1) {
  T value;
  std::memcpy(&value, static_cast<const uint8_t*>(array.buffers[buffer]) + i * sizeof(T), sizeof(T));
  return value;
}

// The 16-byte view of slot i of a utf8_view / binary_view array, decoded.
struct View {
  int32_t length;
  std::string inline_bytes;  // all 12 bytes after the length, for short values
  std::string prefix;
  int32_t buffer_index;
  int32_t offset;
};

inline View view_at(const ArrowArray& array, int64_t i) {
  const auto* raw = static_cast<const uint8_t*>(array.buffers[1]) + i * 16;
  View view;
  std::memcpy(&view.length, raw, 4);
  view.inline_bytes.assign(reinterpret_cast<const char*>(raw + 4), 12);
  view.prefix.assign(reinterpret_cast<const char*>(raw + 4), 4);
  std::memcpy(&view.buffer_index, raw + 8, 4);
  std::memcpy(&view.offset, raw + 12, 4);
  return view;
}

// Slot i of a view array as a string, following out-of-line views into their buffer.
inline std::string string_at(const ArrowArray& array, int64_t i) {
  const View view = view_at(array, i);
  if (view.length <= 12) return view.inline_bytes.substr(0, static_cast<size_t>(view.length));
  const auto* data = static_cast<const char*>(array.buffers[2 + view.buffer_index]);
  return std::string(data + view.offset, static_cast<size_t>(view.length));
}

}  // namespace polars_redis::test_support
