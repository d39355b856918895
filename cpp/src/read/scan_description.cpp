#include "polars_redis/read/scan_description.hpp"

#include <algorithm>

#include "polars_redis/read/key_list_source.hpp"
#include "polars_redis/read/scan_key_source.hpp"
#include "polars_redis/read/scan_pacer.hpp"
#include "polars_redis/read/search_key_source.hpp"
#include "polars_redis/resp/command_text.hpp"

namespace polars_redis::read {

namespace {

constexpr std::string_view kKey = "<key>";

std::string join(const std::vector<std::string>& lines, std::string_view separator) {
  std::string text;
  for (const auto& line : lines) text += (text.empty() ? "" : std::string(separator)) + line;
  return text;
}

std::string describe_source(const KeyScanOptions& options) {
  // The same source options run_key_scan opens, COUNT shortened under a budget.
  const KeySourceOptions source{options.connection, options.source, options.pattern, options.type_filter,
                                ScanPacer::source_count(options.budget, options.count_hint), nullptr};
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
    case KeySourceSpec::Kind::kRdbFile: {
      const std::string origin = options.source.kind == KeySourceSpec::Kind::kSnapshot
                                     ? "PSYNC ? -1 (full resync, its own connection)"
                                     : "the RDB file";
      return "every key of " + origin + ", kept when it matches " + resp::quote_argument(options.pattern) +
             (options.type_filter.empty() ? "" : " and is a " + options.type_filter);
    }
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
  description.keys = describe_source(options);
  if (options.source.is_snapshot()) {
    description.fetch.push_back("none: every value comes decoded from the RDB (no command per key)");
    return description;
  }
  arrow::BatchBuilder columns;  // some fetchers decide their commands from the columns they add
  fetcher.add_columns(columns);
  description.fetch = describe_commands(fetcher);
  if (std::string paging = fetcher.paging(); !paging.empty()) description.fetch.push_back(std::move(paging));
  return description;
}

}  // namespace polars_redis::read
