#include "polars_redis/arrow/column_view.hpp"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstring>
#include <string_view>
#include <vector>

#include "polars_redis/convert/text_format.hpp"
#include "polars_redis/error.hpp"
#include "polars_redis/json/json_text.hpp"

namespace polars_redis::arrow {

namespace {

[[noreturn]] void unsupported(const ArrowSchema& schema, const std::string& why) {
  throw Error(ErrorKind::kInvalidArgument, "column '" + std::string(schema.name ? schema.name : "") +
                                               "' (Arrow format '" + schema.format + "'): " + why);
}

void check_depth(const JsonStyle& style, int level) {
  if (style.max_depth > 0 && level > style.max_depth) {
    throw Error(ErrorKind::kInvalidArgument, "the value nests deeper than the " + std::to_string(style.max_depth) +
                                                 " levels a JSON document may have");
  }
}

inline bool bit(const void* bits, int64_t index) {
  return (static_cast<const uint8_t*>(bits)[index >> 3] >> (index & 7)) & 1;
}

template <typename T>
inline T value_at(const ArrowArray& array, int buffer, int64_t row) {
  T value;
  std::memcpy(&value, static_cast<const char*>(array.buffers[buffer]) + (array.offset + row) * sizeof(T), sizeof(T));
  return value;
}

// Everything whose JSON form is its text: in quotes (`kQuoted`: strings, dates, times,
// datetimes) or bare (booleans, integers, decimals).
template <bool kQuoted>
class TextJson : public ColumnView {
 public:
  using ColumnView::ColumnView;
  void write_json(int64_t row, std::string& out, const JsonStyle&, int) const override {
    if (is_null(row)) {
      out += "null";
      return;
    }
    if constexpr (kQuoted) {
      // Reused (one allocation per thread, not per cell); views are read from several threads.
      thread_local std::string scratch;
      scratch.clear();
      append_text(row, scratch);
      json::append_json_string(scratch, out);
    } else {
      append_text(row, out);
    }
  }
};
using QuotedJson = TextJson<true>;
using BareJson = TextJson<false>;

class BooleanView final : public BareJson {
 public:
  using BareJson::BareJson;
  void append_text(int64_t row, std::string& out) const override {
    convert::format_bool(bit(array_.buffers[1], array_.offset + row), out);
  }
  std::optional<size_t> text_bound() const override { return 5; }  // "false"
};

template <typename T>
class IntegerView final : public BareJson {
 public:
  using BareJson::BareJson;
  void append_text(int64_t row, std::string& out) const override {
    convert::format_int<T>(value_at<T>(array_, 1, row), out);
  }
  std::optional<size_t> text_bound() const override { return 20; }  // -9223372036854775808
  bool as_int64(int64_t row, int64_t& value) const override {
    const T v = value_at<T>(array_, 1, row);
    if constexpr (std::is_unsigned_v<T> && sizeof(T) == 8) {
      if (v > static_cast<uint64_t>(INT64_MAX)) return false;
    }
    value = static_cast<int64_t>(v);
    return true;
  }
};

template <typename T>
class FloatView final : public ColumnView {
 public:
  using ColumnView::ColumnView;
  void append_text(int64_t row, std::string& out) const override {
    const T v = value_at<T>(array_, 1, row);
    if constexpr (sizeof(T) == 4) {
      convert::format_float(v, out);
    } else {
      convert::format_double(v, out);
    }
  }
  // Shortest round-trip digits: at most 17 significant ones, a sign, a point and an exponent
  // ("-1.7976931348623157e+308" is 24).
  std::optional<size_t> text_bound() const override { return 32; }
  void write_json(int64_t row, std::string& out, const JsonStyle& style, int) const override {
    if (is_null(row)) {
      out += "null";
      return;
    }
    const T v = value_at<T>(array_, 1, row);
    if (!std::isfinite(v)) {
      throw Error(ErrorKind::kInvalidArgument, std::string("JSON has no NaN or infinity (value ") +
                                                   (v != v ? "nan" : (v > 0 ? "inf" : "-inf")) + ")");
    }
    // RedisJSON keeps doubles, parsed not quite exactly: write a form it parses to the value when
    // there is one (for a Float32, to its double value, which reads back as the same float). For
    // a few doubles there is none; the server then keeps a neighbour one unit in the last place off.
    if (style.redisjson_numbers) {
      if (!json::append_redisjson_double(static_cast<double>(v), out)) convert::format_double(static_cast<double>(v), out);
      return;
    }
    append_text(row, out);
  }
};

class BytesView : public QuotedJson {
 public:
  BytesView(const ArrowSchema& schema, const ArrowArray& array, bool utf8) : QuotedJson(schema, array), utf8_(utf8) {}
  void write_json(int64_t row, std::string& out, const JsonStyle& style, int depth) const override {
    if (!utf8_ && !is_null(row)) {
      throw Error(ErrorKind::kInvalidArgument, "Binary, which JSON cannot hold; cast it");
    }
    QuotedJson::write_json(row, out, style, depth);
  }

 private:
  bool utf8_;
};

template <typename Offset>
class OffsetBytesView final : public BytesView {
 public:
  using BytesView::BytesView;
  void append_text(int64_t row, std::string& out) const override {
    const Offset start = value_at<Offset>(array_, 1, row);
    const Offset end = value_at<Offset>(array_, 1, row + 1);
    out.append(static_cast<const char*>(array_.buffers[2]) + start, static_cast<size_t>(end - start));
  }
  std::optional<size_t> text_bound() const override {
    Offset longest = 0;
    for (int64_t row = 0; row < array_.length; ++row) {
      longest = std::max<Offset>(longest, value_at<Offset>(array_, 1, row + 1) - value_at<Offset>(array_, 1, row));
    }
    return static_cast<size_t>(longest);
  }
};

class ViewBytesView final : public BytesView {
 public:
  using BytesView::BytesView;
  void append_text(int64_t row, std::string& out) const override {
    const char* view = static_cast<const char*>(array_.buffers[1]) + (array_.offset + row) * 16;
    int32_t length;
    std::memcpy(&length, view, 4);
    if (length <= 12) {
      out.append(view + 4, static_cast<size_t>(length));
      return;
    }
    int32_t buffer, offset;
    std::memcpy(&buffer, view + 8, 4);
    std::memcpy(&offset, view + 12, 4);
    out.append(static_cast<const char*>(array_.buffers[2 + buffer]) + offset, static_cast<size_t>(length));
  }
  std::optional<size_t> text_bound() const override {
    int32_t longest = 0;
    for (int64_t row = 0; row < array_.length; ++row) {
      int32_t length;
      std::memcpy(&length, static_cast<const char*>(array_.buffers[1]) + (array_.offset + row) * 16, 4);
      longest = std::max(longest, length);
    }
    return static_cast<size_t>(longest);
  }
};

class DateView final : public QuotedJson {
 public:
  DateView(const ArrowSchema& schema, const ArrowArray& array, bool millis)
      : QuotedJson(schema, array), millis_(millis) {}
  void append_text(int64_t row, std::string& out) const override {
    int64_t days = millis_ ? value_at<int64_t>(array_, 1, row) / 86'400'000 : value_at<int32_t>(array_, 1, row);
    if (millis_ && value_at<int64_t>(array_, 1, row) % 86'400'000 < 0) --days;  // floor for pre-1970
    convert::format_date(static_cast<int32_t>(days), out);
  }
  std::optional<size_t> text_bound() const override { return 16; }  // -5877641-06-23

 private:
  bool millis_;
};

class TimestampView final : public QuotedJson {
 public:
  TimestampView(const ArrowSchema& schema, const ArrowArray& array, char unit, bool zoned)
      : QuotedJson(schema, array), zoned_(zoned) {
    // format_datetime knows ms/us/ns; seconds are written as milliseconds.
    seconds_ = unit == 's';
    unit_ = unit == 'n' ? TimeUnit::kNanosecond : unit == 'u' ? TimeUnit::kMicrosecond : TimeUnit::kMillisecond;
  }
  void append_text(int64_t row, std::string& out) const override {
    int64_t value = value_at<int64_t>(array_, 1, row);
    if (seconds_ && __builtin_mul_overflow(value, int64_t{1000}, &value)) {
      throw Error(ErrorKind::kInvalidArgument, "Datetime of " + std::to_string(value_at<int64_t>(array_, 1, row)) +
                                                   " seconds is beyond the 64-bit milliseconds it is written in");
    }
    convert::format_datetime(value, unit_, zoned_, out);
  }
  // A year of up to 12 characters (int64 milliseconds reach year 292,278,994), "-MM-DDTHH:MM:SS",
  // 10 for nanoseconds, "Z". Seconds beyond the milliseconds' range have no text.
  std::optional<size_t> text_bound() const override {
    for (int64_t row = 0; seconds_ && row < array_.length; ++row) {
      int64_t millis;
      if (!is_null(row) && __builtin_mul_overflow(value_at<int64_t>(array_, 1, row), int64_t{1000}, &millis)) {
        return std::nullopt;
      }
    }
    return 48;
  }
  bool as_epoch_millis(int64_t row, int64_t& millis) const override {
    const int64_t value = value_at<int64_t>(array_, 1, row);
    const int64_t per_milli = seconds_ ? 0 : unit_ == TimeUnit::kMillisecond ? 1 : unit_ == TimeUnit::kMicrosecond ? 1000 : 1000000;
    if (per_milli == 0) return !__builtin_mul_overflow(value, int64_t{1000}, &millis);
    millis = value / per_milli - (value % per_milli < 0 ? 1 : 0);  // floor
    return true;
  }

 private:
  TimeUnit unit_;
  bool seconds_;
  bool zoned_;
};

class TimeView final : public QuotedJson {
 public:
  TimeView(const ArrowSchema& schema, const ArrowArray& array, char unit) : QuotedJson(schema, array), unit_(unit) {}
  void append_text(int64_t row, std::string& out) const override {
    int64_t nanos;
    switch (unit_) {
      case 's': nanos = int64_t{value_at<int32_t>(array_, 1, row)} * 1'000'000'000; break;
      case 'm': nanos = int64_t{value_at<int32_t>(array_, 1, row)} * 1'000'000; break;
      case 'u': nanos = value_at<int64_t>(array_, 1, row) * 1'000; break;
      default: nanos = value_at<int64_t>(array_, 1, row);
    }
    convert::format_time(nanos, out);
  }
  // Times of day only (format_time refuses the rest): then "HH:MM:SS.nnnnnnnnn".
  std::optional<size_t> text_bound() const override {
    const int64_t per_day = unit_ == 's' ? 86'400 : unit_ == 'm' ? 86'400'000 : unit_ == 'u' ? 86'400'000'000 : 86'400'000'000'000;
    for (int64_t row = 0; row < array_.length; ++row) {
      if (is_null(row)) continue;
      int64_t value = unit_ == 's' || unit_ == 'm' ? value_at<int32_t>(array_, 1, row) : value_at<int64_t>(array_, 1, row);
      if (value < 0 || value >= per_day) return std::nullopt;
    }
    return 18;
  }

 private:
  char unit_;
};

class DecimalView final : public BareJson {
 public:
  DecimalView(const ArrowSchema& schema, const ArrowArray& array, int scale) : BareJson(schema, array), scale_(scale) {}
  void append_text(int64_t row, std::string& out) const override {
    convert::format_decimal(value_at<__int128>(array_, 1, row), scale_, out);
  }
  // A sign, 39 digits (or the scale's zeros and one more), a point.
  std::optional<size_t> text_bound() const override { return 42; }
  void write_json(int64_t row, std::string& out, const JsonStyle& style, int depth) const override {
    const size_t start = out.size();
    BareJson::write_json(row, out, style, depth);
    if (!style.redisjson_numbers || is_null(row)) return;
    const std::string_view text(out.data() + start, out.size() - start);
    std::string stored;
    if (!json::survives_redisjson(text, stored)) {
      throw Error(ErrorKind::kInvalidArgument, "Decimal " + std::string(text) +
                                                   " cannot be stored exactly by RedisJSON, which keeps it as a "
                                                   "64-bit double (it would read back as " + stored +
                                                   "); cast the column to String (exact) or Float64 (rounded)");
    }
  }

 private:
  int scale_;
};

// Categorical and Enum: integer indices into a dictionary of strings.
template <typename Index>
class DictionaryView final : public QuotedJson {
 public:
  DictionaryView(const ArrowSchema& schema, const ArrowArray& array)
      : QuotedJson(schema, array), values_(ColumnView::make(*schema.dictionary, *array.dictionary)) {}
  void append_text(int64_t row, std::string& out) const override {
    values_->append_text(static_cast<int64_t>(value_at<Index>(array_, 1, row)), out);
  }
  std::optional<size_t> text_bound() const override { return values_->text_bound(); }

 private:
  std::unique_ptr<ColumnView> values_;
};

// Lists (variable or fixed size): JSON arrays, in text form too.
class ListView final : public ColumnView {
 public:
  ListView(const ArrowSchema& schema, const ArrowArray& array, int offset_width, int64_t fixed_size)
      : ColumnView(schema, array),
        offset_width_(offset_width),
        fixed_size_(fixed_size),
        items_(ColumnView::make(*schema.children[0], *array.children[0])) {}
  void append_text(int64_t row, std::string& out) const override { append_json(row, out); }
  bool list_items(int64_t row, const ColumnView*& items, int64_t& start, int64_t& end) const override {
    if (fixed_size_ > 0) {
      start = (array_.offset + row) * fixed_size_;
      end = start + fixed_size_;
    } else if (offset_width_ == 4) {
      start = value_at<int32_t>(array_, 1, row);
      end = value_at<int32_t>(array_, 1, row + 1);
    } else {
      start = value_at<int64_t>(array_, 1, row);
      end = value_at<int64_t>(array_, 1, row + 1);
    }
    items = items_.get();
    return true;
  }
  void write_json(int64_t row, std::string& out, const JsonStyle& style, int depth) const override {
    if (is_null(row)) {
      out += "null";
      return;
    }
    check_depth(style, depth + 1);
    const ColumnView* items = nullptr;
    int64_t start = 0, end = 0;
    list_items(row, items, start, end);
    out.push_back('[');
    for (int64_t i = start; i < end; ++i) {
      if (i > start) out.push_back(',');
      items_->write_json(i, out, style, depth + 1);
    }
    out.push_back(']');
  }

 private:
  int offset_width_;
  int64_t fixed_size_;
  std::unique_ptr<ColumnView> items_;
};

class StructView final : public ColumnView {
 public:
  StructView(const ArrowSchema& schema, const ArrowArray& array) : ColumnView(schema, array) {
    for (int64_t i = 0; i < schema.n_children; ++i) {
      fields_.push_back(ColumnView::make(*schema.children[i], *array.children[i]));
    }
  }
  void append_text(int64_t row, std::string& out) const override { append_json(row, out); }
  void write_json(int64_t row, std::string& out, const JsonStyle& style, int depth) const override {
    if (is_null(row)) {
      out += "null";
      return;
    }
    check_depth(style, depth + 1);
    out.push_back('{');
    bool first = true;
    for (const auto& field : fields_) {
      // A struct's children are indexed from the struct's own offset.
      const int64_t at = array_.offset + row;
      if (style.omit_null_fields && field->is_null(at)) continue;
      if (!first) out.push_back(',');
      first = false;
      json::append_json_string(field->name(), out);
      out.push_back(':');
      field->write_json(at, out, style, depth + 1);
    }
    out.push_back('}');
  }

 private:
  std::vector<std::unique_ptr<ColumnView>> fields_;
};

template <template <typename> class View, typename... Args>
std::unique_ptr<ColumnView> by_index_type(char code, const ArrowSchema& schema, const ArrowArray& array) {
  switch (code) {
    case 'c': return std::make_unique<View<int8_t>>(schema, array);
    case 'C': return std::make_unique<View<uint8_t>>(schema, array);
    case 's': return std::make_unique<View<int16_t>>(schema, array);
    case 'S': return std::make_unique<View<uint16_t>>(schema, array);
    case 'i': return std::make_unique<View<int32_t>>(schema, array);
    case 'I': return std::make_unique<View<uint32_t>>(schema, array);
    case 'l': return std::make_unique<View<int64_t>>(schema, array);
    case 'L': return std::make_unique<View<uint64_t>>(schema, array);
  }
  return nullptr;
}

}  // namespace

ColumnView::ColumnView(const ArrowSchema& schema, const ArrowArray& array)
    : schema_(schema), array_(array), name_(schema.name ? schema.name : "") {}

bool ColumnView::is_null(int64_t row) const {
  return array_.null_count != 0 && array_.buffers[0] != nullptr && !bit(array_.buffers[0], array_.offset + row);
}

std::unique_ptr<ColumnView> ColumnView::make(const ArrowSchema& schema, const ArrowArray& array) {
  const std::string_view format = schema.format;
  if (schema.dictionary != nullptr) {
    if (array.dictionary == nullptr) unsupported(schema, "dictionary array without its dictionary");
    if (format.size() == 1) {
      if (auto view = by_index_type<DictionaryView>(format[0], schema, array)) return view;
    }
    unsupported(schema, "dictionary indices must be integers");
  }
  if (format.size() == 1) {
    switch (format[0]) {
      case 'b': return std::make_unique<BooleanView>(schema, array);
      case 'f': return std::make_unique<FloatView<float>>(schema, array);
      case 'g': return std::make_unique<FloatView<double>>(schema, array);
      case 'u': return std::make_unique<OffsetBytesView<int32_t>>(schema, array, true);
      case 'U': return std::make_unique<OffsetBytesView<int64_t>>(schema, array, true);
      case 'z': return std::make_unique<OffsetBytesView<int32_t>>(schema, array, false);
      case 'Z': return std::make_unique<OffsetBytesView<int64_t>>(schema, array, false);
    }
    if (auto view = by_index_type<IntegerView>(format[0], schema, array)) return view;
  }
  if (format == "vu" || format == "vz") return std::make_unique<ViewBytesView>(schema, array, format == "vu");
  if (format == "tdD" || format == "tdm") return std::make_unique<DateView>(schema, array, format == "tdm");
  if (format.size() >= 4 && format.starts_with("ts") && format[3] == ':') {
    return std::make_unique<TimestampView>(schema, array, format[2], format.size() > 4);
  }
  if (format.size() == 3 && format.starts_with("tt")) return std::make_unique<TimeView>(schema, array, format[2]);
  if (format.starts_with("d:")) {
    // d:P,S (128-bit); d:P,S,256 is not produced by Polars.
    const size_t comma = format.find(',');
    if (comma != std::string_view::npos && format.find(',', comma + 1) == std::string_view::npos) {
      int scale = 0;
      std::from_chars(format.data() + comma + 1, format.data() + format.size(), scale);
      // Arrow's 128-bit decimals hold 38 digits; a negative scale (trailing zeros) has no text here.
      if (scale < 0 || scale > 38) unsupported(schema, "decimal scales run from 0 to 38");
      return std::make_unique<DecimalView>(schema, array, scale);
    }
    unsupported(schema, "only 128-bit decimals are supported");
  }
  if (format == "+l" || format == "+L") return std::make_unique<ListView>(schema, array, format == "+l" ? 4 : 8, 0);
  if (format.starts_with("+w:")) {
    int64_t size = 0;
    std::from_chars(format.data() + 3, format.data() + format.size(), size);
    return std::make_unique<ListView>(schema, array, 0, size);
  }
  if (format == "+s") return std::make_unique<StructView>(schema, array);
  unsupported(schema, "this dtype cannot be written to Redis (Duration, Null, Object and unions are not supported)");
}

}  // namespace polars_redis::arrow
