#include "polars_redis/arrow/column_builder.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "polars_redis/error.hpp"
#include "support/arrow_reading.hpp"

namespace polars_redis::arrow {
namespace {

using namespace test_support;  // NOLINT: the shared readers of exported arrays

int64_t variadic_size(const ArrowArray& array, int64_t data_buffer) {
  int64_t size;
  std::memcpy(&size, static_cast<const int64_t*>(array.buffers[array.n_buffers - 1]) + data_buffer, 8);
  return size;
}

TEST(ArrowFormat, EveryDtype) {
  EXPECT_EQ(arrow_format(type(TypeId::kString)), "vu");
  EXPECT_EQ(arrow_format(type(TypeId::kCategorical)), "vu");
  EXPECT_EQ(arrow_format(type(TypeId::kEnum)), "vu");
  EXPECT_EQ(arrow_format(type(TypeId::kBinary)), "vz");
  EXPECT_EQ(arrow_format(type(TypeId::kBoolean)), "b");
  EXPECT_EQ(arrow_format(type(TypeId::kInt8)), "c");
  EXPECT_EQ(arrow_format(type(TypeId::kInt16)), "s");
  EXPECT_EQ(arrow_format(type(TypeId::kInt32)), "i");
  EXPECT_EQ(arrow_format(type(TypeId::kInt64)), "l");
  EXPECT_EQ(arrow_format(type(TypeId::kUInt8)), "C");
  EXPECT_EQ(arrow_format(type(TypeId::kUInt16)), "S");
  EXPECT_EQ(arrow_format(type(TypeId::kUInt32)), "I");
  EXPECT_EQ(arrow_format(type(TypeId::kUInt64)), "L");
  EXPECT_EQ(arrow_format(type(TypeId::kFloat32)), "f");
  EXPECT_EQ(arrow_format(type(TypeId::kFloat64)), "g");
  EXPECT_EQ(arrow_format(type(TypeId::kDate)), "tdD");
  EXPECT_EQ(arrow_format(type(TypeId::kTime)), "ttn");
  DataType decimal = type(TypeId::kDecimal);
  decimal.precision = 10;
  decimal.scale = 2;
  EXPECT_EQ(arrow_format(decimal), "d:10,2");
  DataType datetime = type(TypeId::kDatetime);
  datetime.unit = TimeUnit::kMillisecond;
  EXPECT_EQ(arrow_format(datetime), "tsm:");
  datetime.unit = TimeUnit::kMicrosecond;
  datetime.time_zone = "UTC";
  EXPECT_EQ(arrow_format(datetime), "tsu:UTC");
  datetime.unit = TimeUnit::kNanosecond;
  datetime.time_zone = "Europe/Paris";
  EXPECT_EQ(arrow_format(datetime), "tsn:Europe/Paris");
}

TEST(ColumnBuilder, SchemaIsNullableNamedLeaf) {
  auto builder = make_column_builder(type(TypeId::kInt64));
  Exported out;
  finish(*builder, out);
  EXPECT_STREQ(out.schema.format, "l");
  EXPECT_STREQ(out.schema.name, "col");
  EXPECT_EQ(out.schema.metadata, nullptr);
  EXPECT_EQ(out.schema.flags, ARROW_FLAG_NULLABLE);
  EXPECT_EQ(out.schema.n_children, 0);
  EXPECT_EQ(out.schema.dictionary, nullptr);
}

TEST(ColumnBuilder, Int64ValuesNullsAndRejects) {
  auto builder = make_column_builder(type(TypeId::kInt64));
  EXPECT_TRUE(builder->append_text("42"));
  builder->append_null();
  EXPECT_FALSE(builder->append_text("x"));
  EXPECT_FALSE(builder->append_text("4.5"));
  EXPECT_TRUE(builder->append_text("-7"));
  EXPECT_TRUE(builder->append_int64(std::numeric_limits<int64_t>::min()));
  EXPECT_EQ(builder->length(), 4);

  Exported out;
  finish(*builder, out);
  const ArrowArray& a = out.array;
  EXPECT_EQ(a.length, 4);
  EXPECT_EQ(a.null_count, 1);
  EXPECT_EQ(a.offset, 0);
  EXPECT_EQ(a.n_buffers, 2);
  EXPECT_EQ(a.n_children, 0);
  EXPECT_EQ(a.dictionary, nullptr);
  ASSERT_NE(a.buffers[0], nullptr);
  EXPECT_TRUE(bit(a.buffers[0], 0));
  EXPECT_FALSE(bit(a.buffers[0], 1));
  EXPECT_TRUE(bit(a.buffers[0], 2));
  EXPECT_TRUE(bit(a.buffers[0], 3));
  EXPECT_EQ(value_at<int64_t>(a, 0), 42);
  EXPECT_EQ(value_at<int64_t>(a, 1), 0);
  EXPECT_EQ(value_at<int64_t>(a, 2), -7);
  EXPECT_EQ(value_at<int64_t>(a, 3), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(reinterpret_cast<uintptr_t>(a.buffers[1]) % 16, 0u);
}

TEST(ColumnBuilder, NoValidityBitmapWithoutNulls) {
  auto builder = make_column_builder(type(TypeId::kInt32));
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(builder->append_int64(i));
  Exported out;
  finish(*builder, out);
  EXPECT_EQ(out.array.null_count, 0);
  EXPECT_EQ(out.array.buffers[0], nullptr);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(value_at<int32_t>(out.array, i), i);
}

TEST(ColumnBuilder, FirstNullMaterialisesEarlierValidBits) {
  auto builder = make_column_builder(type(TypeId::kInt16));
  for (int i = 0; i < 11; ++i) builder->append_int64(i);
  builder->append_null();  // row 11
  for (int i = 0; i < 8; ++i) builder->append_int64(i);
  builder->append_null();  // row 20
  Exported out;
  finish(*builder, out);
  EXPECT_EQ(out.array.null_count, 2);
  const auto* validity = static_cast<const uint8_t*>(out.array.buffers[0]);
  EXPECT_EQ(validity[0], 0xFF);
  EXPECT_EQ(validity[1], 0b11110111);  // rows 8..15, row 11 null
  EXPECT_EQ(validity[2], 0b00001111);  // rows 16..19 valid, row 20 null, nothing beyond
  for (int64_t i = 0; i < out.array.length; ++i) EXPECT_EQ(bit(validity, i), i != 11 && i != 20) << i;
}

TEST(ColumnBuilder, NullFirstRow) {
  auto builder = make_column_builder(type(TypeId::kUInt8));
  builder->append_null();
  builder->append_int64(255);
  Exported out;
  finish(*builder, out);
  EXPECT_EQ(static_cast<const uint8_t*>(out.array.buffers[0])[0], 0b10);
  EXPECT_EQ(value_at<uint8_t>(out.array, 1), 255);
}

TEST(ColumnBuilder, IntegerRanges) {
  auto i8 = make_column_builder(type(TypeId::kInt8));
  EXPECT_TRUE(i8->append_text("127"));
  EXPECT_TRUE(i8->append_text("-128"));
  EXPECT_FALSE(i8->append_text("128"));
  EXPECT_FALSE(i8->append_int64(-129));
  EXPECT_FALSE(i8->append_double(128.0));
  EXPECT_TRUE(i8->append_double(-128.0));
  EXPECT_EQ(i8->length(), 3);

  auto u8 = make_column_builder(type(TypeId::kUInt8));
  EXPECT_FALSE(u8->append_int64(-1));
  EXPECT_FALSE(u8->append_text("-1"));
  EXPECT_FALSE(u8->append_int64(256));
  EXPECT_EQ(u8->length(), 0);

  auto u64 = make_column_builder(type(TypeId::kUInt64));
  EXPECT_TRUE(u64->append_text("18446744073709551615"));
  EXPECT_FALSE(u64->append_double(18446744073709551616.0));  // 2^64
  EXPECT_TRUE(u64->append_double(9223372036854775808.0));    // 2^63
  EXPECT_FALSE(u64->append_double(-1.0));
  Exported out;
  finish(*u64, out);
  EXPECT_STREQ(out.schema.format, "L");
  EXPECT_EQ(value_at<uint64_t>(out.array, 0), std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(value_at<uint64_t>(out.array, 1), uint64_t{1} << 63);

  auto i64 = make_column_builder(type(TypeId::kInt64));
  EXPECT_TRUE(i64->append_double(3.0));
  EXPECT_FALSE(i64->append_double(3.5));
  EXPECT_FALSE(i64->append_double(std::nan("")));
  EXPECT_FALSE(i64->append_double(INFINITY));
  EXPECT_TRUE(i64->append_double(-9223372036854775808.0));  // -2^63
  EXPECT_FALSE(i64->append_double(9223372036854775808.0));  // 2^63
  EXPECT_FALSE(i64->append_bool(true));
  EXPECT_EQ(i64->length(), 2);
}

TEST(ColumnBuilder, IntegerWidths) {
  const std::pair<TypeId, size_t> widths[] = {{TypeId::kInt8, 1},   {TypeId::kInt16, 2},  {TypeId::kInt32, 4},
                                              {TypeId::kInt64, 8},  {TypeId::kUInt8, 1},  {TypeId::kUInt16, 2},
                                              {TypeId::kUInt32, 4}, {TypeId::kUInt64, 8}};
  for (const auto& [id, width] : widths) {
    auto builder = make_column_builder(type(id));
    ASSERT_TRUE(builder->append_text("1"));
    ASSERT_TRUE(builder->append_text("100"));
    Exported out;
    finish(*builder, out);
    uint64_t second = 0;  // little-endian host: the low bytes hold the value
    std::memcpy(&second, static_cast<const uint8_t*>(out.array.buffers[1]) + width, width);
    EXPECT_EQ(second, 100u) << arrow_format(type(id));
  }
}

TEST(ColumnBuilder, Floats) {
  auto f64 = make_column_builder(type(TypeId::kFloat64));
  EXPECT_TRUE(f64->append_text("1.5"));
  EXPECT_TRUE(f64->append_text("-inf"));
  EXPECT_TRUE(f64->append_int64(3));
  EXPECT_TRUE(f64->append_double(0.1));
  f64->append_null();
  EXPECT_FALSE(f64->append_text("1.5x"));
  Exported out;
  finish(*f64, out);
  EXPECT_STREQ(out.schema.format, "g");
  EXPECT_EQ(value_at<double>(out.array, 0), 1.5);
  EXPECT_EQ(value_at<double>(out.array, 1), -INFINITY);
  EXPECT_EQ(value_at<double>(out.array, 2), 3.0);
  EXPECT_EQ(value_at<double>(out.array, 3), 0.1);
  EXPECT_FALSE(bit(out.array.buffers[0], 4));

  auto f32 = make_column_builder(type(TypeId::kFloat32));
  EXPECT_TRUE(f32->append_text("2.25"));
  EXPECT_TRUE(f32->append_double(INFINITY));
  EXPECT_FALSE(f32->append_double(1e300));
  EXPECT_TRUE(f32->append_double(std::nan("")));
  Exported out32;
  finish(*f32, out32);
  EXPECT_STREQ(out32.schema.format, "f");
  EXPECT_EQ(out32.array.length, 3);
  EXPECT_EQ(value_at<float>(out32.array, 0), 2.25f);
  EXPECT_EQ(value_at<float>(out32.array, 1), INFINITY);
  EXPECT_TRUE(std::isnan(value_at<float>(out32.array, 2)));
}

TEST(ColumnBuilder, BooleanBitsAndValidity) {
  auto builder = make_column_builder(type(TypeId::kBoolean));
  // Rows: 0 true, 1 false, 2 null, 3 true ("yes"), then 8 trues (rows 4..11), row 12 null.
  EXPECT_TRUE(builder->append_bool(true));
  EXPECT_TRUE(builder->append_text("false"));
  builder->append_null();
  EXPECT_TRUE(builder->append_text("yes"));
  for (int i = 0; i < 8; ++i) EXPECT_TRUE(builder->append_int64(1));
  builder->append_null();
  EXPECT_FALSE(builder->append_text("maybe"));
  EXPECT_FALSE(builder->append_int64(2));

  Exported out;
  finish(*builder, out);
  const ArrowArray& a = out.array;
  EXPECT_STREQ(out.schema.format, "b");
  EXPECT_EQ(a.length, 13);
  EXPECT_EQ(a.null_count, 2);
  EXPECT_EQ(a.n_buffers, 2);
  const auto* values = static_cast<const uint8_t*>(a.buffers[1]);
  const auto* validity = static_cast<const uint8_t*>(a.buffers[0]);
  EXPECT_EQ(values[0], 0b11111001);
  EXPECT_EQ(values[1], 0b00001111);
  EXPECT_EQ(validity[0], 0b11111011);
  EXPECT_EQ(validity[1], 0b00001111);
}

TEST(ColumnBuilder, DecimalInt128) {
  DataType dtype = type(TypeId::kDecimal);
  dtype.precision = 10;
  dtype.scale = 2;
  auto builder = make_column_builder(dtype);
  EXPECT_TRUE(builder->append_text("12.34"));
  EXPECT_TRUE(builder->append_text("-0.5"));
  builder->append_null();
  EXPECT_TRUE(builder->append_int64(7));
  EXPECT_TRUE(builder->append_text("99999999.99"));
  EXPECT_FALSE(builder->append_text("100000000"));  // 11 digits at scale 2
  EXPECT_FALSE(builder->append_text("abc"));

  Exported out;
  finish(*builder, out);
  EXPECT_STREQ(out.schema.format, "d:10,2");
  EXPECT_EQ(out.array.length, 5);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(out.array.buffers[1]) % 16, 0u);
  EXPECT_TRUE(value_at<__int128>(out.array, 0) == 1234);
  EXPECT_TRUE(value_at<__int128>(out.array, 1) == -50);
  EXPECT_TRUE(value_at<__int128>(out.array, 2) == 0);
  EXPECT_TRUE(value_at<__int128>(out.array, 3) == 700);
  EXPECT_TRUE(value_at<__int128>(out.array, 4) == 9999999999);
  // Little-endian two's complement: -50 is 0xCE followed by fifteen 0xFF bytes.
  const auto* bytes = static_cast<const uint8_t*>(out.array.buffers[1]) + 16;
  EXPECT_EQ(bytes[0], 0xCE);
  for (int i = 1; i < 16; ++i) EXPECT_EQ(bytes[i], 0xFF);
}

TEST(ColumnBuilder, DecimalOutsideDecimal128IsRejected) {
  DataType dtype = type(TypeId::kDecimal);
  dtype.precision = 39;
  EXPECT_THROW(make_column_builder(dtype), Error);
  dtype.precision = 5;
  dtype.scale = 6;
  EXPECT_THROW(make_column_builder(dtype), Error);
  dtype.scale = -1;
  EXPECT_THROW(make_column_builder(dtype), Error);
}

// A temporal column from text: each of `texts` parses into the row's value (days since the epoch,
// time units since the epoch or since midnight); a null row follows when `null_row`; `rejected`
// (when set) parses into nothing.
struct TemporalCase {
  DataType dtype;
  std::vector<std::string> texts;
  std::vector<int64_t> values;
  const char* format;
  bool null_row;
  const char* rejected;
};

DataType datetime(TimeUnit unit, const std::string& time_zone) {
  DataType dtype = type(TypeId::kDatetime);
  dtype.unit = unit;
  dtype.time_zone = time_zone;
  return dtype;
}

TEST(ColumnBuilder, TemporalTextsBecomeEpochValues) {
  const TemporalCase cases[] = {
      {type(TypeId::kDate), {"2024-01-02", "1970-01-01", "1969-12-31"}, {19724, 0, -1}, "tdD", true, "2024-13-01"},
      {datetime(TimeUnit::kMillisecond, "UTC"),
       {"2024-01-02T03:04:05Z", "2024-01-02T03:04:05+02:00"},
       {1704164645000, 1704157445000},
       "tsm:UTC",
       true,
       "yesterday"},
      {datetime(TimeUnit::kNanosecond, "Europe/Paris"),
       {"2024-01-02T03:04:05.123456789Z"},
       {1704164645123456789},
       "tsn:Europe/Paris",
       false,
       nullptr},
      {datetime(TimeUnit::kMicrosecond, ""), {"1970-01-01 00:00:01"}, {1000000}, "tsu:", false, nullptr},
      {type(TypeId::kTime), {"12:34:56.789", "00:00"}, {45296789000000, 0}, "ttn", true, "25:00"},
  };
  for (const TemporalCase& c : cases) {
    SCOPED_TRACE(c.format);
    auto builder = make_column_builder(c.dtype);
    for (const std::string& text : c.texts) EXPECT_TRUE(builder->append_text(text)) << text;
    if (c.null_row) builder->append_null();
    if (c.rejected != nullptr) EXPECT_FALSE(builder->append_text(c.rejected));
    Exported out;
    finish(*builder, out);
    EXPECT_STREQ(out.schema.format, c.format);
    const bool days = c.dtype.id == TypeId::kDate;  // Date32: 32-bit values
    for (size_t row = 0; row < c.values.size(); ++row) {
      const auto i = static_cast<int64_t>(row);
      EXPECT_EQ(days ? value_at<int32_t>(out.array, i) : value_at<int64_t>(out.array, i), c.values[row]) << row;
    }
    if (c.null_row) EXPECT_EQ(out.array.null_count, 1);
  }
}

TEST(ColumnBuilder, StringViewsInlineAndOutOfLine) {
  auto builder = make_column_builder(type(TypeId::kString));
  const std::string twelve = "exactly12byt";
  const std::string thirteen = "thirteen byte";
  const std::string longer = "a value well beyond the inline limit";
  EXPECT_TRUE(builder->append_text("short"));  // 0
  EXPECT_TRUE(builder->append_text(twelve));   // 1
  EXPECT_TRUE(builder->append_text(thirteen)); // 2
  builder->append_null();                      // 3
  EXPECT_TRUE(builder->append_text(""));       // 4
  EXPECT_TRUE(builder->append_text(longer));   // 5
  EXPECT_TRUE(builder->append_text("h\xC3\xA9llo"));  // 6: UTF-8 is fine
  EXPECT_FALSE(builder->append_text("bad \xFF byte"));

  Exported out;
  finish(*builder, out);
  const ArrowArray& a = out.array;
  EXPECT_STREQ(out.schema.format, "vu");
  EXPECT_EQ(a.length, 7);
  EXPECT_EQ(a.null_count, 1);
  ASSERT_EQ(a.n_buffers, 4);  // validity, views, one data buffer, sizes

  const View v0 = view_at(a, 0);
  EXPECT_EQ(v0.length, 5);
  EXPECT_EQ(v0.inline_bytes, std::string("short\0\0\0\0\0\0\0", 12));  // zero padded
  const View v1 = view_at(a, 1);
  EXPECT_EQ(v1.length, 12);
  EXPECT_EQ(v1.inline_bytes, twelve);
  const View v2 = view_at(a, 2);
  EXPECT_EQ(v2.length, 13);
  EXPECT_EQ(v2.prefix, "thir");
  EXPECT_EQ(v2.buffer_index, 0);
  EXPECT_EQ(v2.offset, 0);
  const View v3 = view_at(a, 3);
  EXPECT_EQ(v3.length, 0);
  EXPECT_EQ(v3.inline_bytes, std::string(12, '\0'));
  EXPECT_EQ(view_at(a, 4).length, 0);
  const View v5 = view_at(a, 5);
  EXPECT_EQ(v5.length, static_cast<int32_t>(longer.size()));
  EXPECT_EQ(v5.prefix, "a va");
  EXPECT_EQ(v5.buffer_index, 0);
  EXPECT_EQ(v5.offset, 13);

  EXPECT_EQ(variadic_size(a, 0), static_cast<int64_t>(thirteen.size() + longer.size()));
  EXPECT_EQ(std::string(static_cast<const char*>(a.buffers[2]), 13 + longer.size()), thirteen + longer);
  EXPECT_EQ(string_at(a, 6), "h\xC3\xA9llo");
  EXPECT_FALSE(bit(a.buffers[0], 3));
  EXPECT_TRUE(bit(a.buffers[0], 4));
}

TEST(ColumnBuilder, StringsMustBeUtf8AtEveryLength) {
  auto builder = make_column_builder(type(TypeId::kString));
  const std::string ascii_long(100, 'a');
  std::string multibyte_long;
  for (int i = 0; i < 30; ++i) multibyte_long += "\xE2\x82\xAC";  // the euro sign, 90 bytes
  EXPECT_TRUE(builder->append_text(ascii_long));
  EXPECT_TRUE(builder->append_text(multibyte_long));
  EXPECT_TRUE(builder->append_text("caf\xC3\xA9 au lait, s'il vous pla\xC3\xAEt"));
  EXPECT_FALSE(builder->append_text(ascii_long + "\xFF"));
  EXPECT_FALSE(builder->append_text(multibyte_long.substr(0, 89)));  // cut inside a character
  EXPECT_FALSE(builder->append_text("\xED\xA0\x80"));                 // a UTF-16 surrogate
  EXPECT_FALSE(builder->append_text("0123456789\xC3"));               // truncated after 8-byte words
  Exported out;
  finish(*builder, out);
  EXPECT_EQ(out.array.length, 3);
  EXPECT_EQ(string_at(out.array, 1), multibyte_long);
}

TEST(ColumnBuilder, ShortStringsNeedNoDataBuffer) {
  auto builder = make_column_builder(type(TypeId::kString));
  builder->append_text("a");
  builder->append_text("bc");
  Exported out;
  finish(*builder, out);
  ASSERT_EQ(out.array.n_buffers, 3);  // validity, views, an empty sizes buffer
  EXPECT_EQ(out.array.buffers[0], nullptr);
  EXPECT_NE(out.array.buffers[2], nullptr);
  EXPECT_EQ(string_at(out.array, 1), "bc");
}

TEST(ColumnBuilder, BinaryAcceptsAnyBytes) {
  auto builder = make_column_builder(type(TypeId::kBinary));
  const std::string bytes("\x00\xFF\x80 binary payload \x01", 21);
  EXPECT_TRUE(builder->append_text(bytes));
  EXPECT_TRUE(builder->append_text(std::string("\xFF\x00", 2)));
  Exported out;
  finish(*builder, out);
  EXPECT_STREQ(out.schema.format, "vz");
  EXPECT_EQ(string_at(out.array, 0), bytes);
  EXPECT_EQ(string_at(out.array, 1), std::string("\xFF\x00", 2));
}

TEST(ColumnBuilder, ManyLongValuesSpreadOverFewDataBuffers) {
  auto builder = make_column_builder(type(TypeId::kString));
  const int rows = 40000;  // 40000 * 1 KiB: more than two 16 MiB data buffers
  const auto row_value = [](int i) {
    std::string value = std::to_string(i);
    value.resize(1024, 'x');
    return value;
  };
  for (int i = 0; i < rows; ++i) ASSERT_TRUE(builder->append_text(row_value(i)));
  Exported out;
  finish(*builder, out);
  const ArrowArray& a = out.array;
  const int64_t data_buffers = a.n_buffers - 3;
  EXPECT_EQ(data_buffers, 3);
  int64_t total = 0;
  for (int64_t b = 0; b < data_buffers; ++b) total += variadic_size(a, b);
  EXPECT_EQ(total, int64_t{rows} * 1024);
  for (int i = 0; i < rows; i += 997) {
    const View view = view_at(a, i);
    ASSERT_LE(view.offset + view.length, variadic_size(a, view.buffer_index));
    EXPECT_EQ(string_at(a, i), row_value(i)) << i;
  }
}

TEST(ColumnBuilder, ValueLargerThanAChunkGetsItsOwnBuffer) {
  auto builder = make_column_builder(type(TypeId::kBinary));
  const std::string huge((size_t{17} << 20), 'h');
  builder->append_text("a long value before the huge one");
  builder->append_text(huge);
  builder->append_text("a long value after the huge one");
  Exported out;
  finish(*builder, out);
  ASSERT_EQ(out.array.n_buffers, 6);  // validity, views, three data buffers, sizes
  EXPECT_EQ(view_at(out.array, 1).buffer_index, 1);
  EXPECT_EQ(view_at(out.array, 1).offset, 0);
  EXPECT_EQ(variadic_size(out.array, 1), static_cast<int64_t>(huge.size()));
  EXPECT_EQ(view_at(out.array, 2).buffer_index, 2);
  EXPECT_EQ(string_at(out.array, 2), "a long value after the huge one");
}

TEST(ColumnBuilder, EnumRejectsUnknownCategories) {
  DataType dtype = type(TypeId::kEnum);
  dtype.categories = {"low", "medium", "a category longer than twelve bytes"};
  auto builder = make_column_builder(dtype);
  EXPECT_TRUE(builder->append_text("low"));
  EXPECT_FALSE(builder->append_text("high"));
  EXPECT_FALSE(builder->append_text("Low"));
  EXPECT_TRUE(builder->append_text("a category longer than twelve bytes"));
  builder->append_null();
  EXPECT_FALSE(builder->append_int64(1));
  Exported out;
  finish(*builder, out);
  EXPECT_STREQ(out.schema.format, "vu");
  EXPECT_EQ(out.array.length, 3);
  EXPECT_EQ(string_at(out.array, 0), "low");
  EXPECT_EQ(string_at(out.array, 1), "a category longer than twelve bytes");
}

TEST(ColumnBuilder, CategoricalAcceptsAnyText) {
  auto builder = make_column_builder(type(TypeId::kCategorical));
  EXPECT_TRUE(builder->append_text("anything"));
  EXPECT_TRUE(builder->append_text("at all, even long text"));
  EXPECT_FALSE(builder->append_text("\xC0\xAF"));  // still must be UTF-8
  Exported out;
  finish(*builder, out);
  EXPECT_STREQ(out.schema.format, "vu");
  EXPECT_EQ(string_at(out.array, 1), "at all, even long text");
}

TEST(ColumnBuilder, TypedValuesIntoStrings) {
  auto builder = make_column_builder(type(TypeId::kString));
  EXPECT_TRUE(builder->append_int64(-42));
  EXPECT_TRUE(builder->append_double(1.0));
  EXPECT_TRUE(builder->append_double(0.1));
  EXPECT_TRUE(builder->append_double(1e300));
  EXPECT_TRUE(builder->append_double(-INFINITY));
  EXPECT_TRUE(builder->append_bool(true));
  Exported out;
  finish(*builder, out);
  EXPECT_EQ(string_at(out.array, 0), "-42");
  EXPECT_EQ(string_at(out.array, 1), "1.0");
  EXPECT_EQ(string_at(out.array, 2), "0.1");
  EXPECT_EQ(string_at(out.array, 3), "1e+300");
  EXPECT_EQ(string_at(out.array, 4), "-inf");
  EXPECT_EQ(string_at(out.array, 5), "true");
}

TEST(ColumnBuilder, ReuseAcrossBatches) {
  auto builder = make_column_builder(type(TypeId::kString));
  builder->append_text("first batch, long enough to be out of line");
  builder->append_null();
  Exported first;
  finish(*builder, first);
  EXPECT_EQ(builder->length(), 0);

  builder->append_text("second batch, also stored out of line");
  builder->append_text("x");
  Exported second;
  finish(*builder, second);
  EXPECT_EQ(second.array.length, 2);
  EXPECT_EQ(second.array.null_count, 0);
  EXPECT_EQ(second.array.buffers[0], nullptr);
  EXPECT_EQ(view_at(second.array, 0).buffer_index, 0);
  EXPECT_EQ(view_at(second.array, 0).offset, 0);
  EXPECT_EQ(string_at(second.array, 0), "second batch, also stored out of line");
  // The first batch owns its own memory and is unaffected.
  EXPECT_EQ(first.array.null_count, 1);
  EXPECT_EQ(string_at(first.array, 0), "first batch, long enough to be out of line");

  auto ints = make_column_builder(type(TypeId::kInt64));
  ints->append_null();
  Exported a;
  finish(*ints, a);
  ints->append_int64(5);
  Exported b;
  finish(*ints, b);
  EXPECT_EQ(b.array.buffers[0], nullptr);
  EXPECT_EQ(value_at<int64_t>(b.array, 0), 5);
}

TEST(ColumnBuilder, EmptyBatchHasNonNullDataBuffers) {
  for (TypeId id : {TypeId::kString, TypeId::kBoolean, TypeId::kInt64, TypeId::kDate}) {
    auto builder = make_column_builder(type(id));
    Exported out;
    finish(*builder, out);
    EXPECT_EQ(out.array.length, 0);
    EXPECT_EQ(out.array.buffers[0], nullptr);
    for (int64_t i = 1; i < out.array.n_buffers; ++i) EXPECT_NE(out.array.buffers[i], nullptr);
  }
}

TEST(ColumnBuilder, ReserveKeepsContents) {
  auto builder = make_column_builder(type(TypeId::kInt64));
  builder->append_int64(1);
  builder->reserve(1000);
  builder->append_int64(2);
  auto strings = make_column_builder(type(TypeId::kString));
  strings->reserve(10);
  strings->append_text("kept after reserve, out of line");
  Exported out, out_strings;
  finish(*builder, out);
  finish(*strings, out_strings);
  EXPECT_EQ(out.array.length, 2);
  EXPECT_EQ(value_at<int64_t>(out.array, 1), 2);
  EXPECT_EQ(string_at(out_strings.array, 0), "kept after reserve, out of line");
}

TEST(ColumnBuilder, ReleaseMarksReleasedAndFreesOnce) {
  auto builder = make_column_builder(type(TypeId::kString));
  builder->append_text("a value that goes to the data buffer");
  builder->append_null();
  ArrowArray array;
  ArrowSchema schema;
  builder->finish(&array);
  builder->export_schema(&schema, "name");
  // Consumers may move the structs: the release callbacks must not depend on their address.
  ArrowArray moved = array;
  array.release = nullptr;
  ArrowSchema moved_schema = schema;
  schema.release = nullptr;
  moved.release(&moved);
  moved_schema.release(&moved_schema);
  EXPECT_EQ(moved.release, nullptr);
  EXPECT_EQ(moved_schema.release, nullptr);
}

}  // namespace
}  // namespace polars_redis::arrow
