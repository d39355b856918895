#include "polars_redis/read/timeseries_reader.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "polars_redis/error.hpp"
#include "support/parsed_reply.hpp"
#include "support/thrown_error.hpp"

namespace polars_redis::read {
namespace {

using test_support::thrown_error;

// A complete reply parsed from RESP bytes (kept alive with its buffer).
using Parsed = test_support::ParsedReply;

struct Columns {
  std::unique_ptr<arrow::ColumnBuilder> ts = arrow::make_column_builder(DataType::of(TypeId::kInt64));
  std::unique_ptr<arrow::ColumnBuilder> value = arrow::make_column_builder(DataType::of(TypeId::kFloat64));

  template <typename T>
  static std::vector<T> take(arrow::ColumnBuilder& builder) {
    ArrowArray array{};
    builder.finish(&array);
    std::vector<T> out(static_cast<size_t>(array.length));
    if (!out.empty()) std::memcpy(out.data(), array.buffers[1], out.size() * sizeof(T));
    array.release(&array);
    return out;
  }
  std::vector<int64_t> timestamps() { return take<int64_t>(*ts); }
  std::vector<double> values() { return take<double>(*value); }
};

TEST(TimeSeriesSamples, Resp3DoublesAndResp2TextGiveTheSameColumns) {
  Parsed resp3("*3\r\n*2\r\n:1000\r\n,0.75\r\n*2\r\n:1010\r\n,-1e+300\r\n*2\r\n:1020\r\n,inf\r\n");
  Parsed resp2("*3\r\n*2\r\n:1000\r\n$6\r\n7.5E-1\r\n*2\r\n:1010\r\n$6\r\n-1E300\r\n*2\r\n:1020\r\n$3\r\ninf\r\n");
  for (Parsed* reply : {&resp3, &resp2}) {
    Columns columns;
    SamplesRead read = append_samples(reply->root(), columns.ts.get(), columns.value.get(), 100, "s");
    EXPECT_EQ(read.count, 3);
    EXPECT_EQ(read.last_timestamp, 1020);
    EXPECT_EQ(columns.timestamps(), (std::vector<int64_t>{1000, 1010, 1020}));
    EXPECT_EQ(columns.values(), (std::vector<double>{0.75, -1e300, std::numeric_limits<double>::infinity()}));
  }
}

TEST(TimeSeriesSamples, LimitAndProjection) {
  Parsed reply("*3\r\n*2\r\n:1\r\n,1.5\r\n*2\r\n:2\r\n,2.5\r\n*2\r\n:3\r\n,3.5\r\n");
  Columns columns;
  SamplesRead read = append_samples(reply.root(), nullptr, columns.value.get(), 2, "s");
  EXPECT_EQ(read.count, 2);
  EXPECT_EQ(read.last_timestamp, 2);
  EXPECT_EQ(columns.values(), (std::vector<double>{1.5, 2.5}));
  EXPECT_EQ(columns.ts->length(), 0);
  Parsed empty("*0\r\n");
  EXPECT_EQ(append_samples(empty.root(), columns.ts.get(), columns.value.get(), 10, "s").count, 0);
}

TEST(TimeSeriesSamples, BadRepliesAreErrors) {
  Columns columns;
  Parsed text("*1\r\n*2\r\n:1\r\n$3\r\nabc\r\n");
  const Error e = thrown_error(
      [&] { append_samples(text.root(), columns.ts.get(), columns.value.get(), 10, "sensor:1"); },
      "expected a schema error");
  EXPECT_EQ(e.kind(), ErrorKind::kSchema);
  EXPECT_NE(std::string(e.what()).find("sensor:1"), std::string::npos);
  EXPECT_NE(std::string(e.what()).find("abc"), std::string::npos);
  Parsed not_pairs("*1\r\n*1\r\n:1\r\n");
  EXPECT_THROW(append_samples(not_pairs.root(), columns.ts.get(), columns.value.get(), 10, "s"), Error);
  Parsed not_array(":5\r\n");
  EXPECT_THROW(append_samples(not_array.root(), columns.ts.get(), columns.value.get(), 10, "s"), Error);
}

// name -> (labels as name=value, sample count)
std::vector<std::pair<std::string, std::pair<std::string, size_t>>> series_of(const resp::NodeView& root) {
  std::vector<std::pair<std::string, std::pair<std::string, size_t>>> out;
  for_each_series(root, "TS.MRANGE", [&](const SeriesView& series) {
    std::string labels;
    for_each_label(series.labels, [&](std::string_view name, const resp::NodeView& value) {
      labels += std::string(name) + "=" + (value.is_null() ? "<null>" : std::string(value.str())) + ";";
    });
    out.push_back({std::string(series.name), {labels, series.data.size()}});
  });
  return out;
}

TEST(TimeSeriesMrange, Resp2ArraysAndResp3MapsAreTheSameSeries) {
  // TS.MRANGE ... SELECTED_LABELS loc zz: RESP2 [name, [[label, value]...], samples] ...
  Parsed resp2(
      "*2\r\n"
      "*3\r\n$1\r\na\r\n*2\r\n*2\r\n$3\r\nloc\r\n$1\r\nx\r\n*2\r\n$2\r\nzz\r\n$-1\r\n*1\r\n*2\r\n:1\r\n$1\r\n0\r\n"
      "*3\r\n$1\r\nb\r\n*2\r\n*2\r\n$3\r\nloc\r\n$1\r\ny\r\n*2\r\n$2\r\nzz\r\n$-1\r\n*0\r\n");
  // ... and RESP3 {name: [{labels}, {aggregators: []}, samples]}.
  Parsed resp3(
      "%2\r\n"
      "$1\r\na\r\n*3\r\n%2\r\n$3\r\nloc\r\n$1\r\nx\r\n$2\r\nzz\r\n_\r\n%1\r\n$11\r\naggregators\r\n*0\r\n"
      "*1\r\n*2\r\n:1\r\n,0\r\n"
      "$1\r\nb\r\n*3\r\n%2\r\n$3\r\nloc\r\n$1\r\ny\r\n$2\r\nzz\r\n_\r\n%1\r\n$11\r\naggregators\r\n*0\r\n*0\r\n");
  auto expected = std::vector<std::pair<std::string, std::pair<std::string, size_t>>>{
      {"a", {"loc=x;zz=<null>;", 1}}, {"b", {"loc=y;zz=<null>;", 0}}};
  EXPECT_EQ(series_of(resp2.root()), expected);
  EXPECT_EQ(series_of(resp3.root()), expected);
}

TEST(TimeSeriesMrange, GroupedResp3HasTheSamplesLast) {
  // {group: [{labels}, {reducers}, {sources}, samples]}
  Parsed reply(
      "%1\r\n$6\r\ntype=t\r\n*4\r\n%1\r\n$4\r\ntype\r\n$1\r\nt\r\n%1\r\n$8\r\nreducers\r\n*1\r\n$3\r\nsum\r\n"
      "%1\r\n$7\r\nsources\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n*2\r\n*2\r\n:1\r\n,1\r\n*2\r\n:2\r\n,2\r\n");
  auto expected = std::vector<std::pair<std::string, std::pair<std::string, size_t>>>{{"type=t", {"type=t;", 2}}};
  EXPECT_EQ(series_of(reply.root()), expected);
}

TEST(TimeSeriesMrange, UnexpectedShapesAreProtocolErrors) {
  Parsed wrong("*1\r\n*2\r\n$1\r\na\r\n*0\r\n");
  EXPECT_THROW(series_of(wrong.root()), Error);
  Parsed scalar(":1\r\n");
  EXPECT_THROW(series_of(scalar.root()), Error);
}

}  // namespace
}  // namespace polars_redis::read
