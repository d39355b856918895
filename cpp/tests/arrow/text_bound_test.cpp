// ColumnView::text_bound, generatively: when a view states a bound, every cell of the array
// renders without an error and within it. The writer's check pass trusts this to leave values
// unencoded, so a bound that is wrong would let a bad value through to a half-done write.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "polars_redis/arrow/column_view.hpp"
#include "polars_redis/error.hpp"

namespace polars_redis::arrow {
namespace {

// One fixed-width array of raw values (no validity bitmap), owning its buffer.
struct RawColumn {
  std::vector<uint8_t> values;
  const void* buffers[2] = {nullptr, nullptr};
  ArrowArray array{};
  ArrowSchema schema{};
  std::string format;

  template <typename T>
  RawColumn(std::string format_, const std::vector<T>& cells, int64_t offset = 0) : format(std::move(format_)) {
    values.resize(cells.size() * sizeof(T));
    if (!cells.empty()) std::memcpy(values.data(), cells.data(), values.size());
    buffers[1] = values.data();
    array = ArrowArray{static_cast<int64_t>(cells.size()) - offset, 0, offset, 2, 0, buffers, nullptr, nullptr, nullptr, nullptr};
    schema = ArrowSchema{format.c_str(), "col", nullptr, 0, 0, nullptr, nullptr, nullptr, nullptr};
  }
};

// Every cell renders within the stated bound; returns whether there was one.
bool bound_holds(const ArrowSchema& schema, const ArrowArray& array) {
  const auto view = ColumnView::make(schema, array);
  const auto bound = view->text_bound();
  if (!bound) return false;
  std::string out;
  for (int64_t row = 0; row < array.length; ++row) {
    if (view->is_null(row)) continue;
    out.clear();
    EXPECT_NO_THROW(view->append_text(row, out)) << schema.format << " row " << row;
    EXPECT_LE(out.size(), *bound) << schema.format << " row " << row << ": " << out;
  }
  return true;
}

template <typename T>
std::vector<T> random_values(std::mt19937_64& random, size_t n) {
  std::vector<T> cells{std::numeric_limits<T>::min(), std::numeric_limits<T>::max(), T{0}};
  if constexpr (std::is_signed_v<T>) cells.push_back(T(-1));
  while (cells.size() < n) {
    T value;
    const uint64_t bits = random();
    std::memcpy(&value, &bits, sizeof(T));  // every bit pattern: NaNs, infinities, subnormals
    cells.push_back(value);
  }
  return cells;
}

TEST(TextBound, FixedWidthScalarsAtEveryBitPattern) {
  std::mt19937_64 random(20261205);
  for (int round = 0; round < 20; ++round) {
    RawColumn bytes("c", random_values<int8_t>(random, 300));
    EXPECT_TRUE(bound_holds(bytes.schema, bytes.array));
    for (const char* format : {"l", "tdm", "tsm:", "tsu:", "tsn:", "tsn:UTC", "tsm:Europe/Paris"}) {
      RawColumn column(format, random_values<int64_t>(random, 2000));
      EXPECT_TRUE(bound_holds(column.schema, column.array)) << format;
    }
    for (const char* format : {"i", "tdD"}) {
      RawColumn column(format, random_values<int32_t>(random, 2000));
      EXPECT_TRUE(bound_holds(column.schema, column.array)) << format;
    }
    RawColumn unsigned64("L", random_values<uint64_t>(random, 2000));
    EXPECT_TRUE(bound_holds(unsigned64.schema, unsigned64.array));
    RawColumn shorts("s", random_values<int16_t>(random, 2000));
    EXPECT_TRUE(bound_holds(shorts.schema, shorts.array));
    RawColumn doubles("g", random_values<double>(random, 2000));
    EXPECT_TRUE(bound_holds(doubles.schema, doubles.array));
    RawColumn floats("f", random_values<float>(random, 2000));
    EXPECT_TRUE(bound_holds(floats.schema, floats.array));
    RawColumn flags("b", random_values<uint8_t>(random, 64));
    EXPECT_TRUE(bound_holds(flags.schema, flags.array));
  }
}

// Datetimes in seconds are written as milliseconds: beyond that range they have no text.
TEST(TextBound, DatetimeSecondsWithinMilliseconds) {
  const int64_t last = std::numeric_limits<int64_t>::max() / 1000;
  RawColumn within("tss:", std::vector<int64_t>{-last, 0, last, 1'700'000'000});
  EXPECT_TRUE(bound_holds(within.schema, within.array));
  for (int64_t outside : {last + 1, -last - 1, std::numeric_limits<int64_t>::min()}) {
    RawColumn column("tss:UTC", std::vector<int64_t>{0, outside});
    const auto view = ColumnView::make(column.schema, column.array);
    EXPECT_FALSE(view->text_bound()) << outside;
    std::string out;
    EXPECT_THROW(view->append_text(1, out), Error) << outside;
  }
}

TEST(TextBound, DecimalsAtEveryScale) {
  std::mt19937_64 random(7);
  for (int scale = 0; scale <= 38; ++scale) {
    std::vector<__int128> cells;
    cells.push_back(std::numeric_limits<__int128>::min());
    cells.push_back(std::numeric_limits<__int128>::max());
    cells.push_back(0);
    cells.push_back(5);
    for (int i = 0; i < 500; ++i) {
      cells.push_back(static_cast<__int128>((static_cast<unsigned __int128>(random()) << 64) | random()));
    }
    RawColumn column("d:38," + std::to_string(scale), cells);
    EXPECT_TRUE(bound_holds(column.schema, column.array)) << "scale " << scale;
  }
}

TEST(TextBound, DecimalScalesWithoutTextAreRefused) {
  for (const char* format : {"d:5,-2", "d:38,39", "d:10,400"}) {
    RawColumn column(format, std::vector<__int128>{1});
    EXPECT_THROW(ColumnView::make(column.schema, column.array), Error) << format;
  }
}

TEST(TextBound, TimesOfDayOnlyWhenEveryValueIsOne) {
  const int64_t day_ns = 86'400'000'000'000;
  RawColumn within("ttn", std::vector<int64_t>{0, 1, day_ns - 1, 12'345'678'901'234});
  EXPECT_TRUE(bound_holds(within.schema, within.array));
  for (int64_t outside : {day_ns, int64_t{-1}, std::numeric_limits<int64_t>::max()}) {
    RawColumn column("ttn", std::vector<int64_t>{1, outside, 2});
    EXPECT_FALSE(ColumnView::make(column.schema, column.array)->text_bound()) << outside;
  }
  RawColumn seconds("tts", std::vector<int32_t>{0, 86'399});
  EXPECT_TRUE(bound_holds(seconds.schema, seconds.array));
  RawColumn past_midnight("tts", std::vector<int32_t>{86'400});
  EXPECT_FALSE(ColumnView::make(past_midnight.schema, past_midnight.array)->text_bound());
  // A slice leaves the values before its offset out.
  RawColumn sliced("ttm", std::vector<int32_t>{-5, 1000}, 1);
  EXPECT_TRUE(bound_holds(sliced.schema, sliced.array));
}

// Random strings of random lengths, as Utf8 (int32 offsets) and as Utf8View (inline up to 12
// bytes, else in a data buffer): the bound is the slice's longest string.
TEST(TextBound, StringsBoundByTheirLongestCell) {
  std::mt19937_64 random(11);
  for (int round = 0; round < 50; ++round) {
    const size_t n = 1 + random() % 200;
    std::vector<std::string> cells(n);
    size_t longest_after_offset = 0;
    const int64_t offset = static_cast<int64_t>(random() % n);
    for (size_t i = 0; i < n; ++i) {
      cells[i].assign(random() % (random() % 4 == 0 ? 300 : 20), static_cast<char>('a' + i % 26));
      if (static_cast<int64_t>(i) >= offset) longest_after_offset = std::max(longest_after_offset, cells[i].size());
    }

    std::vector<int32_t> offsets{0};
    std::string data;
    for (const auto& cell : cells) {
      data += cell;
      offsets.push_back(static_cast<int32_t>(data.size()));
    }
    const void* offset_buffers[] = {nullptr, offsets.data(), data.data()};
    ArrowArray utf8{static_cast<int64_t>(n) - offset, 0, offset, 3, 0, offset_buffers, nullptr, nullptr, nullptr, nullptr};
    ArrowSchema utf8_schema{"u", "s", nullptr, 0, 0, nullptr, nullptr, nullptr, nullptr};
    ASSERT_TRUE(bound_holds(utf8_schema, utf8));
    EXPECT_EQ(ColumnView::make(utf8_schema, utf8)->text_bound(), longest_after_offset);

    std::vector<uint8_t> views(n * 16, 0);
    std::string out_of_line;
    for (size_t i = 0; i < n; ++i) {
      const int32_t length = static_cast<int32_t>(cells[i].size());
      std::memcpy(&views[i * 16], &length, 4);
      if (length <= 12) {
        std::memcpy(&views[i * 16 + 4], cells[i].data(), cells[i].size());
      } else {
        const int32_t buffer = 0, at = static_cast<int32_t>(out_of_line.size());
        std::memcpy(&views[i * 16 + 4], cells[i].data(), 4);
        std::memcpy(&views[i * 16 + 8], &buffer, 4);
        std::memcpy(&views[i * 16 + 12], &at, 4);
        out_of_line += cells[i];
      }
    }
    const int64_t sizes[] = {static_cast<int64_t>(out_of_line.size())};
    const void* view_buffers[] = {nullptr, views.data(), out_of_line.data(), sizes};
    ArrowArray utf8_view{static_cast<int64_t>(n) - offset, 0, offset, 4, 0, view_buffers, nullptr, nullptr, nullptr, nullptr};
    ArrowSchema view_schema{"vu", "s", nullptr, 0, 0, nullptr, nullptr, nullptr, nullptr};
    ASSERT_TRUE(bound_holds(view_schema, utf8_view));
    EXPECT_EQ(ColumnView::make(view_schema, utf8_view)->text_bound(), longest_after_offset);
  }
}

TEST(TextBound, NestedColumnsHaveNone) {
  // A list's text is JSON, which a NaN item cannot be written in.
  RawColumn items("g", std::vector<double>{1.0, std::numeric_limits<double>::quiet_NaN()});
  int32_t offsets[] = {0, 2};
  const void* list_buffers[] = {nullptr, offsets};
  ArrowArray* children[] = {&items.array};
  ArrowSchema* child_schemas[] = {&items.schema};
  ArrowArray list{1, 0, 0, 2, 1, list_buffers, children, nullptr, nullptr, nullptr};
  ArrowSchema list_schema{"+l", "l", nullptr, 0, 1, child_schemas, nullptr, nullptr, nullptr};
  const auto view = ColumnView::make(list_schema, list);
  EXPECT_FALSE(view->text_bound());
  std::string out;
  EXPECT_THROW(view->append_text(0, out), Error);
}

}  // namespace
}  // namespace polars_redis::arrow
