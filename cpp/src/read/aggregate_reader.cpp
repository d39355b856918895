#include "polars_redis/read/aggregate_reader.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string_view>
#include <unordered_map>

#include "polars_redis/arrow/nested_builders.hpp"
#include "polars_redis/arrow/record_batch.hpp"
#include "polars_redis/error.hpp"
#include "polars_redis/net/connection.hpp"
#include "polars_redis/net/connection_pool.hpp"
#include "polars_redis/read/expansion_check.hpp"
#include "polars_redis/read/search_cursor_release.hpp"
#include "polars_redis/read/search_reply.hpp"
#include "polars_redis/resp/encoder.hpp"

namespace polars_redis::read {

namespace {

struct NameHash {
  using is_transparent = void;
  size_t operator()(std::string_view name) const { return std::hash<std::string_view>{}(name); }
};
using ColumnIndex = std::unordered_map<std::string, size_t, NameHash, std::equal_to<>>;

// Appends one attribute value to `column`; false when it does not fit the column's dtype. A list
// element that does not fit is null with `ignore_errors`, so the list keeps its length.
bool append_value(arrow::ColumnBuilder& column, const resp::NodeView& value, bool ignore_errors) {
  if (value.is_string()) return column.append_text(value.str());
  switch (value.type()) {
    case resp::Type::kNull:
      column.append_null();
      return true;
    case resp::Type::kInteger:
      return column.append_int64(value.integer());
    case resp::Type::kDouble:
      return column.append_double(value.dbl());
    case resp::Type::kBoolean:
      return column.append_bool(value.boolean());
    case resp::Type::kArray:
    case resp::Type::kSet: {
      // TOLIST and friends: a List column takes the elements.
      auto* list = dynamic_cast<arrow::ListBuilder*>(&column);
      if (!list) return false;
      auto item = value.first_child();
      for (size_t i = 0, n = value.size(); i < n; ++i, item = item.next_sibling()) {
        if (append_value(list->items(), item, ignore_errors)) continue;
        if (!ignore_errors) return false;
        list->items().append_null();
      }
      list->close_list();
      return true;
    }
    default:
      return false;
  }
}

std::string describe_value(const resp::NodeView& value) {
  if (value.is_string()) return "'" + quote_for_message(value.str()) + "'";
  if (value.type() == resp::Type::kArray || value.type() == resp::Type::kSet) {
    return "a list of " + std::to_string(value.size()) + " values";
  }
  return "a value of RESP type " + std::to_string(static_cast<int>(value.type()));
}

bool same_word(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::toupper(static_cast<unsigned char>(x)) == std::toupper(static_cast<unsigned char>(y));
         });
}

// The PARAMS and DIALECT of the caller's arguments, which the expansion check's profile needs to
// parse the same query.
void params_and_dialect(const std::vector<std::string>& args, std::vector<std::pair<std::string, std::string>>& params,
                        int& dialect) {
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (same_word(args[i], "DIALECT")) {
      dialect = std::atoi(args[i + 1].c_str());
      ++i;
    } else if (same_word(args[i], "PARAMS")) {
      const size_t n = static_cast<size_t>(std::max(0, std::atoi(args[i + 1].c_str())));
      for (size_t j = i + 2; j + 1 < args.size() && j + 1 < i + 2 + n; j += 2) params.emplace_back(args[j], args[j + 1]);
      i += 1 + n;
    }
  }
}

// Without MAX, SORTBY keeps only its first 10 rows (even with a cursor, and no warning): every
// SORTBY the caller did not bound gets MAX <all>. A LIMIT after it still applies.
void append_with_sort_max(const std::vector<std::string>& in, std::vector<std::string_view>& out) {
  static const std::string kMax = "MAX", kAll = "2147483647";  // the server reads MAX as 32 bits
  for (size_t i = 0; i < in.size(); ++i) {
    out.push_back(in[i]);
    if (!same_word(in[i], "SORTBY") || i + 1 >= in.size()) continue;
    const size_t n = static_cast<size_t>(std::max(0, std::atoi(in[i + 1].c_str())));
    const size_t end = std::min(in.size(), i + 2 + n);
    for (size_t j = i + 1; j < end; ++j) out.push_back(in[j]);
    i = end - 1;
    if (end < in.size() && same_word(in[end], "MAX")) continue;
    out.push_back(kMax);
    out.push_back(kAll);
  }
}

// Deletes the cursor when the read ends before the server's results do. Never throws.
class CursorGuard {
 public:
  CursorGuard(net::Connection& connection, const std::string& index) : connection_(connection), index_(index) {}
  ~CursorGuard() { release_search_cursor(connection_, index_, cursor); }
  CursorGuard(const CursorGuard&) = delete;
  CursorGuard& operator=(const CursorGuard&) = delete;
  int64_t cursor = 0;

 private:
  net::Connection& connection_;
  const std::string& index_;
};

}  // namespace

void run_aggregate(const AggregateOptions& options, BatchQueue& queue) {
  auto connection = net::acquire(options.connection);
  CursorGuard guard(*connection, options.index);

  arrow::BatchBuilder batch;
  std::vector<arrow::ColumnBuilder*> columns;
  ColumnIndex index_of;
  for (const auto& spec : options.columns) {
    index_of.emplace(spec.name, columns.size());
    columns.push_back(&batch.add_column(spec.name, spec.dtype));
  }
  std::vector<char> filled(columns.size());
  const std::string count = std::to_string(std::max<int64_t>(1, options.count));

  SearchCommand what{"FT.AGGREGATE", options.index, options.query};
  if (query_may_expand(options.query)) {
    std::vector<std::pair<std::string, std::string>> params;
    int dialect = 0;  // not given: the server's default applies to both commands
    params_and_dialect(options.args, params, dialect);
    append_expansion_check(connection->out_buffer(), options.index, options.query, params, dialect);
    check_expansion_profile(connection->read_reply().root(), what);
  }

  std::vector<std::string_view> args{"FT.AGGREGATE", options.index, options.query};
  append_with_sort_max(options.args, args);
  for (std::string_view arg : {"TIMEOUT", "0", "WITHCURSOR", "COUNT"}) args.push_back(arg);
  args.push_back(count);
  resp::append_command(connection->out_buffer(), args);

  int64_t rows_total = 0;
  bool cancelled = false;
  for (;;) {
    if (queue.cancelled()) return;
    auto reply = connection->read_reply();
    SearchPage page(reply.root(), what);
    guard.cursor = page.cursor();
    page.check_warnings();
    page.for_each_row([&](const SearchRow& row) {
      if (cancelled) return;
      std::fill(filled.begin(), filled.end(), 0);
      row.for_each([&](std::string_view name, const resp::NodeView& value) {
        auto found = index_of.find(name);
        if (found == index_of.end() || filled[found->second]) return;
        const size_t i = found->second;
        filled[i] = 1;
        if (append_value(*columns[i], value, options.ignore_errors)) return;
        if (options.ignore_errors) {
          columns[i]->append_null();
          return;
        }
        throw Error(ErrorKind::kSchema, "FT.AGGREGATE on index '" + quote_for_message(options.index) + "': column '" +
                                            quote_for_message(name) + "': cannot parse " + describe_value(value) +
                                            " as " + options.columns[i].dtype.name());
      });
      for (size_t i = 0; i < columns.size(); ++i) {
        if (!filled[i]) columns[i]->append_null();
      }
      if (columns.empty()) batch.add_row_without_columns();
      ++rows_total;
      if (batch.num_rows() >= options.batch_size) cancelled = !queue.push(batch.finish());
    });
    if (cancelled) return;
    if (guard.cursor == 0) break;
    resp::append_command(connection->out_buffer(),
                         {"FT.CURSOR", "READ", options.index, std::to_string(guard.cursor), "COUNT", count});
    what = {"FT.CURSOR READ", options.index, {}};
  }
  if (batch.num_rows() > 0 || rows_total == 0) queue.push(batch.finish());
}

}  // namespace polars_redis::read
