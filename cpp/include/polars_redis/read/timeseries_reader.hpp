#pragma once
// RedisTimeSeries readers (not key-based: each is a BackgroundReader Produce function).
//
// Single series: a whole raw range is cut (by TS.INFO's density) into slices of about a quarter
// page whose TS.RANGE commands are pipelined; aggregated or limited reads go page after page with
// COUNT, continuing after the last sample or at the next bucket. Either way no reply holds more
// than `page_size` samples.
// Many series: TS.QUERYINDEX counts the matching series, then one TS.MRANGE asks each series for
// at most page_size / series samples; a series that filled its share continues on a second
// connection (TS.RANGE on its key, or for GROUPBY a TS.MRANGE narrowed to its group), so rows stay
// grouped by series and in time order while the first reply is still being read.
// Samples are parsed straight into Int64 / Float64 builders from RESP3 doubles or RESP2 strings.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "polars_redis/arrow/column_builder.hpp"
#include "polars_redis/net/url.hpp"
#include "polars_redis/read/batch_queue.hpp"
#include "polars_redis/resp/parser.hpp"

namespace polars_redis::read {

// The range and server-side processing shared by TS.RANGE and TS.MRANGE.
struct TimeSeriesQuery {
  std::string start = "-";                 // "-" or epoch milliseconds as text
  std::string end = "+";                   // "+" or epoch milliseconds as text
  std::optional<int64_t> limit;            // total rows (the user's count and n_rows combined)
  std::string aggregation;                 // empty: raw samples
  int64_t bucket_size_ms = 0;
  std::optional<int64_t> align;            // bucket alignment, resolved to a timestamp
  std::optional<std::pair<double, double>> filter_by_value;
  int64_t page_size = 100000;              // samples per reply at most
};

// Which columns to build (projection): a column that is not wanted is never converted.
struct TimeSeriesColumns {
  bool include_timestamp = true;
  std::string timestamp_column_name = "_ts";
  bool include_value = true;
  std::string value_column_name = "value";
};

struct TimeSeriesOptions {
  net::ConnectionOptions connection;
  std::string key;
  TimeSeriesQuery query;
  TimeSeriesColumns columns;
};

struct TimeSeriesMultiOptions {
  net::ConnectionOptions connection;
  std::vector<std::string> filters;
  TimeSeriesQuery query;
  TimeSeriesColumns columns;
  std::string group_by;                    // empty: no GROUPBY
  std::string reducer;
  bool with_labels = false;                // WITHLABELS (else SELECTED_LABELS of label_columns)
  std::vector<std::string> label_columns;  // labels to output as String columns, in order
  bool include_key = true;
  std::string key_column_name = "_key";
};

void run_timeseries_range(const TimeSeriesOptions& options, BatchQueue& queue);
// The commands the readers send (the description for explain() renders them too):
// TS.RANGE key start end [FILTER_BY_VALUE min max] COUNT count [ALIGN a] [AGGREGATION f bucket],
std::vector<std::string> range_command(const std::string& key, const std::string& start, const std::string& end,
                                       const TimeSeriesQuery& query, int64_t count);
// TS.MRANGE start end [FILTER_BY_VALUE ...] [WITHLABELS | SELECTED_LABELS l...] COUNT ... FILTER f...
// [group filter] [GROUPBY label REDUCE reducer], the labels asked for being labels_to_request().
std::vector<std::string> mrange_command(const TimeSeriesMultiOptions& options, const std::string& start,
                                        int64_t count, const std::string* group_filter);
std::vector<std::string> labels_to_request(const TimeSeriesMultiOptions& options);
void run_timeseries_mrange(const TimeSeriesMultiOptions& options, BatchQueue& queue);

// Label names of the series matching `filters` (TS.MGET WITHLABELS), in first-seen order: the
// columns of with_labels=True.
std::vector<std::string> timeseries_label_names(const net::ConnectionOptions& connection,
                                                const std::vector<std::string>& filters);

// Reply parsing, exposed for unit tests.

struct SamplesRead {
  int64_t count = 0;
  int64_t last_timestamp = 0;  // of the last sample read (when count > 0)
};

// Appends the [timestamp, value] pairs of a samples array (RESP3 doubles or RESP2 strings) to the
// given builders (null: not wanted), at most `max_rows` of them. `source` names the series in
// errors. Throws kProtocol on an unexpected shape, kSchema on a value that is not a number.
SamplesRead append_samples(const resp::NodeView& samples, arrow::ColumnBuilder* timestamps,
                           arrow::ColumnBuilder* values, int64_t max_rows, std::string_view source);

// One series of a TS.MRANGE / TS.MGET reply: RESP2 [name, labels, data] arrays, or a RESP3 map
// name -> [labels, metadata maps..., data]. Labels are RESP2 [name, value] pairs or a RESP3 map.
struct SeriesView {
  std::string_view name;
  resp::NodeView labels;
  resp::NodeView data;  // samples array (MRANGE) or one sample (MGET)
};

// Calls `visit(const SeriesView&)` for each series of `reply`; throws kProtocol on another shape.
template <typename Visit>
void for_each_series(const resp::NodeView& reply, std::string_view command, Visit&& visit);

// Calls `visit(name, value_node)` for each label of a series.
template <typename Visit>
void for_each_label(const resp::NodeView& labels, Visit&& visit);

[[noreturn]] void throw_unexpected_reply(std::string_view command);

template <typename Visit>
void for_each_series(const resp::NodeView& reply, std::string_view command, Visit&& visit) {
  if (reply.type() == resp::Type::kMap) {
    resp::NodeView child = reply.first_child();
    for (size_t i = 0, n = reply.size(); i < n; ++i) {
      resp::NodeView name = child;
      resp::NodeView body = name.next_sibling();
      if (!name.is_string() || body.type() != resp::Type::kArray || body.size() < 2) throw_unexpected_reply(command);
      // [labels, {aggregators} | {reducers}, {sources}, ..., data]: the data comes last.
      resp::NodeView labels = body.first_child();
      resp::NodeView data = labels;
      for (size_t j = 1; j < body.size(); ++j) data = data.next_sibling();
      visit(SeriesView{name.str(), labels, data});
      child = body.next_sibling();
    }
    return;
  }
  if (reply.type() != resp::Type::kArray) throw_unexpected_reply(command);
  resp::NodeView series = reply.first_child();
  for (size_t i = 0, n = reply.size(); i < n; ++i, series = series.next_sibling()) {
    if (series.type() != resp::Type::kArray || series.size() != 3) throw_unexpected_reply(command);
    resp::NodeView name = series.first_child();
    resp::NodeView labels = name.next_sibling();
    if (!name.is_string()) throw_unexpected_reply(command);
    visit(SeriesView{name.str(), labels, labels.next_sibling()});
  }
}

template <typename Visit>
void for_each_label(const resp::NodeView& labels, Visit&& visit) {
  if (labels.type() == resp::Type::kMap) {
    resp::NodeView child = labels.first_child();
    for (size_t i = 0, n = labels.size(); i < n; ++i) {
      resp::NodeView value = child.next_sibling();
      visit(child.str(), value);
      child = value.next_sibling();
    }
    return;
  }
  if (labels.type() != resp::Type::kArray) return;
  resp::NodeView pair = labels.first_child();
  for (size_t i = 0, n = labels.size(); i < n; ++i, pair = pair.next_sibling()) {
    if (pair.type() != resp::Type::kArray || pair.size() != 2) continue;
    resp::NodeView name = pair.first_child();
    visit(name.str(), name.next_sibling());
  }
}

}  // namespace polars_redis::read
