#pragma once
// JSON.GET replies -> one row of typed columns, parsed with simdjson On-Demand straight into the
// column builders (nested objects into Struct builders, arrays into List builders, recursively).
//
// Value rules, per column dtype:
//   Struct <- object (fields matched by name, missing ones null, unknown ones skipped);
//   List <- array; Int* <- integral numbers (3 and 3.0; 3.5 is an error) or integer strings;
//   Float* <- numbers; Decimal <- the number's text, exactly; Boolean <- true/false;
//   Date/Datetime <- ISO strings or epoch numbers (the text codecs of convert/); String <- strings,
//   and the JSON text of anything else (a sub-document kept as text); null <- null or absent.
// Anything else (a scalar for a Struct/List, an object for an Int64, ...) is a schema error, or a
// null at that position with ignore_errors.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "polars_redis/arrow/column_builder.hpp"
#include "polars_redis/convert/dtype.hpp"

namespace polars_redis::json {

struct JsonColumn {
  std::string name;
  // The JSONPath selecting the column's value: its first match; for a List column and a path
  // that may select several values (`$.items[*].sku`), the list of all matches.
  std::string path;
  DataType dtype;
};

class RowExtractor {
 public:
  // whole_document: replies answer `JSON.GET key $` and every column is the top-level field of
  // its name (its path is field_path(name)). Otherwise replies answer `JSON.GET key <paths()...>`:
  // `[v...]` for one path, `{"<path>": [v...], ...}` for several. Paths must be distinct.
  RowExtractor(std::vector<JsonColumn> columns, bool whole_document, bool ignore_errors);
  ~RowExtractor();
  RowExtractor(const RowExtractor&) = delete;
  RowExtractor& operator=(const RowExtractor&) = delete;

  // The path arguments of JSON.GET ("$" alone for the whole document).
  const std::vector<std::string>& paths() const;
  // The builders to fill, one per column, made for the columns' dtypes.
  void bind(const std::vector<arrow::ColumnBuilder*>& builders);
  // Appends one row from the (non-nil) reply text. Throws Error(kSchema) naming the key, path,
  // raw value and dtype of a value that does not fit, Error(kProtocol) for malformed JSON.
  void append_row(std::string_view key, std::string_view reply);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace polars_redis::json
