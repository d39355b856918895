#include "polars_redis/read/scan_description.hpp"

#include <algorithm>
#include <string_view>

#include "polars_redis/read/cluster_key_scan.hpp"
#include "polars_redis/read/key_list_source.hpp"
#include "polars_redis/read/scan_key_source.hpp"
#include "polars_redis/read/scan_pacer.hpp"
#include "polars_redis/read/search_key_source.hpp"
#include "polars_redis/resp/command_text.hpp"
#include "polars_redis/resp/encoder.hpp"

namespace polars_redis::read {

namespace {

constexpr std::string_view kKey = "<key>";

std::string join(const std::vector<std::string>& lines, std::string_view separator) {
  std::string text;
  for (const auto& line : lines) text += (text.empty() ? "" : std::string(separator)) + line;
  return text;
}

constexpr std::string_view kFromTheRdb = "none: every value comes decoded from the RDB (no command per key)";

std::string snapshot_origin(bool file) {
  return file ? "the RDB file" : "PSYNC ? -1 (full resync, its own connection)";
}

// One line per command of `encoded`.
std::vector<std::string> texts(const std::string& encoded) { return resp::command_texts(encoded); }

std::string text(const std::vector<std::string>& args) {
  std::string encoded;
  const std::vector<std::string_view> views(args.begin(), args.end());
  resp::append_command(encoded, views);
  return texts(encoded).front();
}

std::string describe_source(const KeyScanOptions& options, const RowFetcher& fetcher) {
  // The same source options run_key_scan opens, COUNT shortened under a budget.
  KeySourceOptions source{options.connection, options.source, options.pattern, options.type_filter,
                          ScanPacer::source_count(options.budget, options.count_hint), nullptr};
  source.defer_type_filter = defer_type_filter(options, fetcher);
  switch (options.source.kind) {
    case KeySourceSpec::Kind::kKeys:
      return describe_key_list_source(source);
    case KeySourceSpec::Kind::kSearch: {
      std::vector<std::string> commands = describe_search_key_source(source);
      if (options.source.search.by_offset) return join(commands, "; ");
      // [expansion check;] FT.AGGREGATE ...; then FT.CURSOR READ ... (repeated)
      std::string text;
      for (size_t i = 0; i < commands.size(); ++i) {
        const bool check = commands.size() == 3 && i == 0;
        const bool repeated = i + 1 == commands.size();
        text += (i ? "; " : "") + std::string(repeated ? "then " : "") + commands[i] + (check ? " (expansion check)" : "");
      }
      return text;
    }
    case KeySourceSpec::Kind::kSnapshot:
    case KeySourceSpec::Kind::kRdbFile:
      return "every key of " + snapshot_origin(options.source.kind == KeySourceSpec::Kind::kRdbFile) +
             ", kept when it matches " + resp::quote_argument(options.pattern) +
             (options.type_filter.empty() ? "" : " and is a " + options.type_filter);
    case KeySourceSpec::Kind::kScan:
      break;
  }
  return describe_scan_key_source(source);
}

// The fetcher's commands for placeholder keys: one, or two standing for a group (MGET) shown as
// "<key> <key> ...". Commands sent once per key of a group (TTL) are listed once.
std::vector<std::string> describe_commands(RowFetcher& fetcher) {
  const size_t group = std::min<size_t>(fetcher.keys_per_command(), 2);
  const std::vector<std::string_view> keys(group, kKey);
  std::string encoded;
  fetcher.encode(keys, encoded);
  std::vector<std::string> lines;
  const std::string pair = std::string(kKey) + " " + std::string(kKey);
  for (std::string line : resp::command_texts(encoded)) {
    if (const size_t at = line.find(pair); group > 1 && at != std::string::npos) {
      line.replace(at, pair.size(), pair + " ...");
    }
    if (std::find(lines.begin(), lines.end(), line) == lines.end()) lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace

ScanDescription describe_key_scan(const KeyScanOptions& options, RowFetcher& fetcher) {
  ScanDescription description;
  arrow::BatchBuilder columns;  // some fetchers decide their commands from the columns they add
  fetcher.add_columns(columns);
  description.keys = describe_source(options, fetcher);
  if (options.source.is_snapshot()) {
    description.fetch.emplace_back(kFromTheRdb);
    return description;
  }
  description.fetch = describe_commands(fetcher);
  if (std::string later = fetcher.later_commands(); !later.empty()) description.fetch.push_back(std::move(later));
  return description;
}

ScanDescription describe_cluster_key_scan(const KeyScanOptions& options, RowFetcher& fetcher) {
  KeyScanOptions shard = shard_scan_template(options);
  const KeySourceSpec::Kind kind = options.source.kind;
  if (kind == KeySourceSpec::Kind::kSearch) shard.source.search.index = "<the index on the shard>";
  ScanDescription description = describe_key_scan(shard, fetcher);
  if (kind == KeySourceSpec::Kind::kKeys) {
    description.keys += " (split by hash slot, each key read on its node; redirected keys read again)";
  } else if (kind == KeySourceSpec::Kind::kSearch) {
    const std::optional<int64_t>& limit = options.source.search.limit;
    description.keys = "on every shard, with its own copy of index " + resp::quote_argument(options.source.search.index) +
                       ": " + description.keys +
                       (limit ? " (at most " + std::to_string(*limit) + " per shard, the merged rows cut at " +
                                    std::to_string(*limit) + ")"
                              : "");
  } else if (kind != KeySourceSpec::Kind::kRdbFile) {
    description.keys = "on every shard at once: " + description.keys;
  }
  return description;
}

ScanDescription describe_stream_scan(const StreamScanOptions& options) {
  ScanDescription description;
  if (options.snapshot) {
    description.keys = "the streams named, from " + snapshot_origin(!options.rdb_path.empty());
    description.fetch.emplace_back(kFromTheRdb);
    return description;
  }
  std::string encoded;
  for (const std::string& key : options.keys) {
    append_xrange(encoded, key, options.start_id, options.end_id, first_page_entries(options));
  }
  description.fetch = texts(encoded);
  description.fetch.push_back("paged: each next page starts after the last ID of the one before (\"(<id>\")");
  if (may_split_by_time(options)) {
    description.fetch.push_back("a full first page of this lone key is followed by XREVRANGE ... COUNT 1 and XLEN, "
                                "and the rest of its range split by time into segments paged side by side");
  }
  return description;
}

ScanDescription describe_timeseries_range(const TimeSeriesOptions& options) {
  const TimeSeriesQuery& query = options.query;
  ScanDescription description;
  if (query.aggregation.empty() && !query.limit) {
    description.fetch.push_back(text({"TS.INFO", options.key}));
    description.fetch.push_back(text(range_command(options.key, "<from>", "<to>", query, query.page_size)));
    description.fetch.push_back("one TS.RANGE per time slice of about " + std::to_string(std::max<int64_t>(1, query.page_size / 4)) +
                                " samples (TS.INFO tells the range), several in flight");
    return description;
  }
  const int64_t first = query.limit ? std::min(query.page_size, *query.limit) : query.page_size;
  description.fetch.push_back(text(range_command(options.key, query.start, query.end, query, first)));
  description.fetch.emplace_back("paged: each next page starts after the last sample (or bucket) of the one before");
  return description;
}

ScanDescription describe_timeseries_mrange(const TimeSeriesMultiOptions& options) {
  ScanDescription description;
  std::vector<std::string> index{"TS.QUERYINDEX"};
  index.insert(index.end(), options.filters.begin(), options.filters.end());
  description.keys = text(index);
  // The first reply's COUNT is one page shared by the series TS.QUERYINDEX finds.
  std::vector<std::string> mrange = mrange_command(options, options.query.start, options.query.page_size, nullptr);
  *(std::find(mrange.begin(), mrange.end(), "COUNT") + 1) = "<share>";
  description.fetch.push_back(text(mrange));
  description.fetch.emplace_back("<share>: one page divided among the series found; a series that fills its share is "
                                 "read on with TS.RANGE pages");
  return description;
}

}  // namespace polars_redis::read
