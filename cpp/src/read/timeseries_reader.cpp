#include "polars_redis/read/timeseries_reader.hpp"

#include <algorithm>
#include <charconv>
#include <deque>
#include <memory>

#include "polars_redis/arrow/record_batch.hpp"
#include "polars_redis/error.hpp"
#include "polars_redis/net/connection.hpp"
#include "polars_redis/net/connection_pool.hpp"
#include "polars_redis/resp/encoder.hpp"

namespace polars_redis::read {

void throw_unexpected_reply(std::string_view command) {
  throw Error(ErrorKind::kProtocol, std::string(command) + " returned an unexpected reply");
}

SamplesRead append_samples(const resp::NodeView& samples, arrow::ColumnBuilder* timestamps,
                           arrow::ColumnBuilder* values, int64_t max_rows, std::string_view source) {
  if (samples.type() != resp::Type::kArray) {
    throw Error(ErrorKind::kProtocol, "the samples of series " + quote_for_message(source) + " are not an array");
  }
  SamplesRead read;
  const int64_t n = std::min<int64_t>(static_cast<int64_t>(samples.size()), max_rows);
  if (n <= 0) return read;
  if (timestamps) timestamps->reserve(n);
  if (values) values->reserve(n);
  resp::NodeView sample = samples.first_child();
  for (int64_t i = 0; i < n; ++i, sample = sample.next_sibling()) {
    if (sample.type() != resp::Type::kArray || sample.size() != 2) {
      throw Error(ErrorKind::kProtocol, "series " + quote_for_message(source) + " has a sample that is not a pair");
    }
    const resp::NodeView ts = sample.first_child();
    if (ts.type() != resp::Type::kInteger) {
      throw Error(ErrorKind::kProtocol, "series " + quote_for_message(source) + " has a non-integer timestamp");
    }
    read.last_timestamp = ts.integer();
    if (timestamps) timestamps->append_int64(ts.integer());
    if (!values) continue;
    const resp::NodeView value = ts.next_sibling();
    if (value.type() == resp::Type::kDouble) {
      values->append_double(value.dbl());
    } else if (!value.is_string() || !values->append_text(value.str())) {
      // RESP2 sends values as text ("7.5E-1"); anything else is not a sample value.
      throw Error(ErrorKind::kSchema, "series " + quote_for_message(source) + ": value " +
                                          quote_for_message(value.str()) + " at timestamp " +
                                          std::to_string(ts.integer()) + " is not a Float64");
    }
  }
  read.count = n;
  return read;
}

namespace {

std::string format_double(double value) {
  char buffer[32];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

void add_filter_by_value(std::vector<std::string>& args, const TimeSeriesQuery& query) {
  if (!query.filter_by_value) return;
  args.insert(args.end(), {"FILTER_BY_VALUE", format_double(query.filter_by_value->first),
                           format_double(query.filter_by_value->second)});
}

void add_count_and_aggregation(std::vector<std::string>& args, const TimeSeriesQuery& query, int64_t count) {
  args.insert(args.end(), {"COUNT", std::to_string(count)});
  if (query.aggregation.empty()) return;
  if (query.align) args.insert(args.end(), {"ALIGN", std::to_string(*query.align)});
  args.insert(args.end(), {"AGGREGATION", query.aggregation, std::to_string(query.bucket_size_ms)});
}

}  // namespace

std::vector<std::string> range_command(const std::string& key, const std::string& start, const std::string& end,
                                       const TimeSeriesQuery& query, int64_t count) {
  std::vector<std::string> args{"TS.RANGE", key, start, end};
  add_filter_by_value(args, query);
  add_count_and_aggregation(args, query, count);
  return args;
}

std::vector<std::string> labels_to_request(const TimeSeriesMultiOptions& options) {
  std::vector<std::string> labels;
  for (const std::string& name : options.label_columns) {
    if (options.group_by.empty() || name != options.group_by) labels.push_back(name);
  }
  return labels;
}

std::vector<std::string> mrange_command(const TimeSeriesMultiOptions& options, const std::string& start,
                                        int64_t count, const std::string* group_filter) {
  const TimeSeriesQuery& query = options.query;
  std::vector<std::string> args{"TS.MRANGE", start, query.end};
  add_filter_by_value(args, query);
  if (const std::vector<std::string> labels = labels_to_request(options); !labels.empty()) {
    if (options.with_labels) {
      args.push_back("WITHLABELS");
    } else {
      args.push_back("SELECTED_LABELS");
      args.insert(args.end(), labels.begin(), labels.end());
    }
  }
  add_count_and_aggregation(args, query, count);
  args.push_back("FILTER");
  args.insert(args.end(), options.filters.begin(), options.filters.end());
  if (group_filter) args.push_back(*group_filter);
  if (!options.group_by.empty()) args.insert(args.end(), {"GROUPBY", options.group_by, "REDUCE", options.reducer});
  return args;
}

namespace {

resp::Reply round_trip(net::Connection& conn, const std::vector<std::string>& args) {
  std::vector<std::string_view> views(args.begin(), args.end());
  resp::append_command(conn.out_buffer(), views);
  return conn.read_reply();
}

// Where the page after one ending at `last` starts: after the last sample, or at the next bucket
// (buckets are aligned to `align`, so a page never splits one).
std::string next_start(const TimeSeriesQuery& query, int64_t last) {
  return std::to_string(query.aggregation.empty() ? last + 1 : last + query.bucket_size_ms);
}

// The batch being built and its sample columns.
struct SampleBatch {
  arrow::BatchBuilder batch;
  arrow::ColumnBuilder* timestamps = nullptr;
  arrow::ColumnBuilder* values = nullptr;
  int64_t rows_total = 0;  // rows read so far, in every batch

  explicit SampleBatch(const TimeSeriesColumns& columns) {
    if (columns.include_timestamp) timestamps = &batch.add_column(columns.timestamp_column_name, DataType::of(TypeId::kInt64));
    if (columns.include_value) values = &batch.add_column(columns.value_column_name, DataType::of(TypeId::kFloat64));
  }
  // Rows of a projection without columns (count(*)) are counted, not built.
  void count_rows_without_columns(int64_t n) {
    if (batch.num_columns() == 0) {
      for (int64_t i = 0; i < n; ++i) batch.add_row_without_columns();
    }
  }
  // Rows the next reply may return: one page, less what the limit leaves.
  int64_t room(const TimeSeriesQuery& query, int64_t page) const {
    return query.limit ? std::min(page, *query.limit - rows_total) : page;
  }
  bool limit_reached(const TimeSeriesQuery& query) const { return query.limit && rows_total >= *query.limit; }
};

// TS.INFO's view of a series: enough to cut a range into slices of similar sample counts.
struct SeriesInfo {
  int64_t first = 0;
  int64_t last = 0;
  int64_t total = 0;
};

SeriesInfo series_info(net::Connection& conn, const std::string& key, const std::string& what) {
  resp::Reply reply = round_trip(conn, {"TS.INFO", key});
  const resp::NodeView root = reply.root();
  net::throw_if_error(root, "TS.INFO " + what);
  if (!root.is_aggregate()) throw_unexpected_reply("TS.INFO");
  // A RESP3 map or a RESP2 flat array, both name, value, name, value, ...
  const size_t children = root.type() == resp::Type::kMap ? 2 * root.size() : root.size();
  SeriesInfo info;
  resp::NodeView name = root.first_child();
  for (size_t i = 0; i + 1 < children; i += 2) {
    const resp::NodeView value = name.next_sibling();
    if (value.type() == resp::Type::kInteger) {
      if (name.str() == "totalSamples") info.total = value.integer();
      if (name.str() == "firstTimestamp") info.first = value.integer();
      if (name.str() == "lastTimestamp") info.last = value.integer();
    }
    name = value.next_sibling();
  }
  return info;
}

std::optional<int64_t> parse_timestamp(const std::string& text) {
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

struct Slice {
  std::string from;
  std::string to;
};

// Raw samples of a whole range. Page after page would leave the server idle while this thread
// parses and this thread idle while the server formats; instead TS.INFO estimates the density and
// the range is cut into slices of about a quarter page, a few of them pipelined. Each slice still
// carries COUNT page_size: a slice denser than estimated is continued right away and the slices
// already asked after it are asked again (their replies are dropped), so order is kept and no
// reply exceeds a page. Returns false when the consumer cancelled.
bool read_in_slices(net::Connection& conn, const TimeSeriesOptions& options, SampleBatch& out, BatchQueue& queue,
                    const std::string& what) {
  constexpr size_t kWindow = 4;          // slices in flight
  constexpr int64_t kMaxSlices = 4096;   // bounds the slice list for sparse, very long ranges
  const TimeSeriesQuery& query = options.query;
  const SeriesInfo info = series_info(conn, options.key, what);
  const int64_t lo = std::max(parse_timestamp(query.start).value_or(info.first), info.first);
  const int64_t hi = std::min(parse_timestamp(query.end).value_or(info.last), info.last);
  if (info.total == 0 || lo > hi) return true;
  const double share = static_cast<double>(hi - lo + 1) / static_cast<double>(std::max<int64_t>(1, info.last - info.first + 1));
  const int64_t target = std::max<int64_t>(1, query.page_size / 4);
  const int64_t slices = std::clamp<int64_t>(static_cast<int64_t>(static_cast<double>(info.total) * share / static_cast<double>(target)) + 1, 1, kMaxSlices);
  const int64_t width = (hi - lo + slices) / slices;  // ceil((hi - lo + 1) / slices)
  std::deque<Slice> pending;
  for (int64_t from = lo; from <= hi; from += width) {
    // The outer slices keep the user's own bounds ("-", "+"), so samples added meanwhile beyond
    // the first and last timestamps are read as a single TS.RANGE would.
    const bool first = from == lo;
    const bool last = hi - from < width;
    pending.push_back({first ? query.start : std::to_string(from), last ? query.end : std::to_string(from + width - 1)});
    if (last) break;
  }
  std::deque<Slice> in_flight;
  size_t discard = 0;
  while (!pending.empty() || !in_flight.empty()) {
    if (queue.cancelled()) return false;
    while (in_flight.size() < kWindow && !pending.empty()) {
      const Slice& slice = pending.front();
      const std::vector<std::string> args = range_command(options.key, slice.from, slice.to, query, query.page_size);
      const std::vector<std::string_view> views(args.begin(), args.end());
      resp::append_command(conn.out_buffer(), views);
      in_flight.push_back(std::move(pending.front()));
      pending.pop_front();
    }
    // Out now, not at the next wait for bytes: the server formats the next slices while this
    // thread parses replies already buffered.
    conn.try_send();
    std::optional<resp::Reply> reply = conn.next_reply();
    if (!reply) {
      conn.pump();
      continue;
    }
    if (discard > 0) {
      --discard;
      continue;
    }
    Slice slice = std::move(in_flight.front());
    in_flight.pop_front();
    net::throw_if_error(reply->root(), "TS.RANGE " + what);
    const SamplesRead read = append_samples(reply->root(), out.timestamps, out.values, query.page_size, options.key);
    out.count_rows_without_columns(read.count);
    out.rows_total += read.count;
    if (read.count == query.page_size) {
      discard = in_flight.size();
      while (!in_flight.empty()) {
        pending.push_front(std::move(in_flight.back()));
        in_flight.pop_back();
      }
      pending.push_front({std::to_string(read.last_timestamp + 1), slice.to});
    }
    if (out.batch.num_rows() >= query.page_size && !queue.push(out.batch.finish())) return false;
  }
  return true;
}

}  // namespace

void run_timeseries_range(const TimeSeriesOptions& options, BatchQueue& queue) {
  const TimeSeriesQuery& query = options.query;
  SampleBatch out(options.columns);
  auto conn = net::acquire(options.connection);
  // Built in steps: GCC 12 misreports "'" + std::string&& as an overlapping copy (-Wrestrict).
  std::string what = "'";
  what += quote_for_message(options.key);
  what += "'";
  if (query.aggregation.empty() && !query.limit) {
    if (!read_in_slices(*conn, options, out, queue, what)) return;
  } else {
    // Aggregated (a page never splits a bucket) or limited (asks for no more rows than needed):
    // page after page.
    std::string start = query.start;
    while (!out.limit_reached(query) && !queue.cancelled()) {
      const int64_t count = out.room(query, query.page_size);
      resp::Reply reply = round_trip(*conn, range_command(options.key, start, query.end, query, count));
      net::throw_if_error(reply.root(), "TS.RANGE " + what);
      SamplesRead read = append_samples(reply.root(), out.timestamps, out.values, count, options.key);
      out.count_rows_without_columns(read.count);
      out.rows_total += read.count;
      if (read.count > 0 && !queue.push(out.batch.finish())) return;
      if (read.count < count) break;  // a short page is the last one
      start = next_start(query, read.last_timestamp);
    }
  }
  // An empty range still yields one (empty) batch so the consumer sees the columns.
  if (out.batch.num_rows() > 0 || out.rows_total == 0) queue.push(out.batch.finish());
}

void run_timeseries_mrange(const TimeSeriesMultiOptions& options, BatchQueue& queue) {
  const TimeSeriesQuery& query = options.query;
  const bool grouped = !options.group_by.empty();
  SampleBatch out(options.columns);
  arrow::ColumnBuilder* key_column =
      options.include_key ? &out.batch.add_column(options.key_column_name, DataType::of(TypeId::kString)) : nullptr;
  std::vector<arrow::ColumnBuilder*> label_columns;
  size_t group_column = options.label_columns.size();  // the group's label comes from the series name
  for (size_t i = 0; i < options.label_columns.size(); ++i) {
    const std::string& name = options.label_columns[i];
    label_columns.push_back(&out.batch.add_column(name, DataType::of(TypeId::kString)));
    if (grouped && name == options.group_by) group_column = i;
  }

  auto conn = net::acquire(options.connection);
  net::PooledConnection follow;  // continuation pages, while `conn` holds the first reply

  // The number of series bounds the first reply: each gets an equal share of one page.
  std::vector<std::string> args{"TS.QUERYINDEX"};
  args.insert(args.end(), options.filters.begin(), options.filters.end());
  int64_t series_count = 0;
  {
    resp::Reply reply = round_trip(*conn, args);
    net::throw_if_error(reply.root(), "TS.QUERYINDEX");
    if (!reply.root().is_aggregate()) throw_unexpected_reply("TS.QUERYINDEX");
    series_count = static_cast<int64_t>(reply.root().size());
  }
  if (series_count == 0) {
    queue.push(out.batch.finish());
    return;
  }
  const int64_t share = out.room(query, std::max<int64_t>(1, query.page_size / series_count));

  // The current series' label values: views into the first reply, which stays put meanwhile.
  std::vector<std::optional<std::string_view>> label_values(label_columns.size());
  std::string_view series_name;
  auto append_series_columns = [&](int64_t rows) {
    out.count_rows_without_columns(rows);
    out.rows_total += rows;
    if (key_column) {
      for (int64_t i = 0; i < rows; ++i) key_column->append_text(series_name);
    }
    for (size_t c = 0; c < label_columns.size(); ++c) {
      arrow::ColumnBuilder& column = *label_columns[c];
      for (int64_t i = 0; i < rows; ++i) {
        if (!label_values[c] || !column.append_text(*label_values[c])) column.append_null();
      }
    }
  };
  bool stopped = false;  // the consumer cancelled
  auto emit_if_full = [&] {
    if (out.batch.num_rows() >= query.page_size && !queue.push(out.batch.finish())) stopped = true;
  };

  // Pages after the first one of a series that filled its share.
  auto continue_series = [&](int64_t last_timestamp) {
    if (!follow) follow = net::acquire(options.connection);
    std::string start = next_start(query, last_timestamp);
    const std::string group_filter = std::string(series_name);  // a group is named "label=value"
    while (!out.limit_reached(query) && !stopped) {
      if (queue.cancelled()) {
        stopped = true;
        return;
      }
      const int64_t count = out.room(query, query.page_size);
      SamplesRead read;
      if (grouped) {
        resp::Reply reply = round_trip(*follow, mrange_command(options, start, count, &group_filter));
        net::throw_if_error(reply.root(), "TS.MRANGE");
        for_each_series(reply.root(), "TS.MRANGE", [&](const SeriesView& series) {
          if (series.name != series_name) return;
          read = append_samples(series.data, out.timestamps, out.values, count, series_name);
        });
      } else {
        resp::Reply reply = round_trip(*follow, range_command(std::string(series_name), start, query.end, query, count));
        // A series deleted since the first page simply ends.
        if (reply.root().is_error() && reply.root().str().find("does not exist") != std::string_view::npos) return;
        net::throw_if_error(reply.root(), "TS.RANGE '" + quote_for_message(series_name) + "'");
        read = append_samples(reply.root(), out.timestamps, out.values, count, series_name);
      }
      append_series_columns(read.count);
      emit_if_full();
      if (read.count < count) return;
      start = next_start(query, read.last_timestamp);
    }
  };

  resp::Reply reply = round_trip(*conn, mrange_command(options, query.start, share, nullptr));
  net::throw_if_error(reply.root(), "TS.MRANGE");
  const size_t group_prefix = options.group_by.size() + 1;  // "label="
  for_each_series(reply.root(), "TS.MRANGE", [&](const SeriesView& series) {
    if (stopped || out.limit_reached(query)) return;
    series_name = series.name;
    std::fill(label_values.begin(), label_values.end(), std::nullopt);
    for_each_label(series.labels, [&](std::string_view name, const resp::NodeView& value) {
      if (!value.is_string()) return;
      for (size_t c = 0; c < label_columns.size(); ++c) {
        if (c != group_column && options.label_columns[c] == name) label_values[c] = value.str();
      }
    });
    if (group_column < label_columns.size() && series_name.size() >= group_prefix) {
      label_values[group_column] = series_name.substr(group_prefix);
    }
    const int64_t count = out.room(query, share);
    SamplesRead read = append_samples(series.data, out.timestamps, out.values, count, series_name);
    append_series_columns(read.count);
    emit_if_full();
    if (read.count == share && read.count > 0) continue_series(read.last_timestamp);
  });
  if (stopped) return;
  if (out.batch.num_rows() > 0 || out.rows_total == 0) queue.push(out.batch.finish());
}

std::vector<std::string> timeseries_label_names(const net::ConnectionOptions& connection,
                                                const std::vector<std::string>& filters) {
  auto conn = net::acquire(connection);
  std::vector<std::string> args{"TS.MGET", "WITHLABELS", "FILTER"};
  args.insert(args.end(), filters.begin(), filters.end());
  resp::Reply reply = round_trip(*conn, args);
  net::throw_if_error(reply.root(), "TS.MGET");
  std::vector<std::string> names;
  if (reply.root().type() != resp::Type::kMap && reply.root().type() != resp::Type::kArray) {
    throw_unexpected_reply("TS.MGET");
  }
  // An MGET entry is [name, labels, sample] (RESP2) or name -> [labels, sample] (RESP3).
  for_each_series(reply.root(), "TS.MGET", [&](const SeriesView& series) {
    for_each_label(series.labels, [&](std::string_view name, const resp::NodeView&) {
      if (std::find(names.begin(), names.end(), name) == names.end()) names.emplace_back(name);
    });
  });
  return names;
}

}  // namespace polars_redis::read
