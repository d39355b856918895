#pragma once
// Read access to a column imported through the Arrow C Data Interface (what Polars' DataFrame
// exports through __arrow_c_stream__), rendering cells as the text writers store in Redis.
//
// Supported formats: b, c C s S i I l L, f g, u U vu, z Z vz, tdD tdm, ts{s,m,u,n}:<zone>,
// tt{s,m,u,n}, d:P,S (decimal128), dictionaries of strings (Categorical, Enum), and, as JSON text,
// +l +L +w:N (lists) and +s (structs). Slices (ArrowArray.offset) are honoured at every level.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "polars_redis/arrow/c_data.hpp"

namespace polars_redis::arrow {

// How cells are written into a JSON document that RedisJSON will store.
struct JsonStyle {
  bool omit_null_fields = false;  // leave null struct fields out (a JSON.MERGE patch deletes them)
  bool redisjson_numbers = false;  // numbers must survive RedisJSON's 64-bit doubles exactly
  int max_depth = 0;               // nesting levels allowed (0: no limit); deeper is an error
};

// Views hold no mutable state: several threads read one view at once (the writer's check pass).
class ColumnView {
 public:
  // Throws Error(kInvalidArgument) naming the column and its format when it is not supported.
  // Neither argument is owned; both must outlive the view.
  static std::unique_ptr<ColumnView> make(const ArrowSchema& schema, const ArrowArray& array);
  virtual ~ColumnView() = default;

  const std::string& name() const { return name_; }
  int64_t length() const { return array_.length; }
  bool is_null(int64_t row) const;

  // The canonical text of a non-null cell: true/false, shortest round-trip floats, exact
  // decimals, ISO 8601 dates, times and datetimes (UTC with a Z suffix when the column has a
  // time zone), strings and bytes as they are, lists and structs as JSON.
  virtual void append_text(int64_t row, std::string& out) const = 0;
  // The cell as a JSON value (null included): strings quoted and escaped, numbers as numbers,
  // booleans, temporal values as ISO strings, decimals as exact numbers, nested values recursively.
  void append_json(int64_t row, std::string& out) const { write_json(row, out, JsonStyle{}, 0); }
  // The same in `style`; `depth` is the number of JSON containers around the cell. Throws
  // Error(kInvalidArgument) for a value the style cannot represent.
  virtual void write_json(int64_t row, std::string& out, const JsonStyle& style, int depth) const = 0;
  // The cell as an integer when the column is integral (TTL and index columns); false otherwise.
  virtual bool as_int64(int64_t /*row*/, int64_t& /*value*/) const { return false; }
  // For list columns: the cell's items are rows [start, end) of `items`; false for other columns.
  virtual bool list_items(int64_t /*row*/, const ColumnView*& /*items*/, int64_t& /*start*/,
                          int64_t& /*end*/) const {
    return false;
  }
  // The cell as milliseconds since the epoch when the column is a Datetime; false otherwise.
  virtual bool as_epoch_millis(int64_t /*row*/, int64_t& /*millis*/) const { return false; }
  // The most bytes append_text can write for any cell of the array, when it cannot fail for any
  // of them; nullopt when it may (a time of day out of range) or the text is JSON (lists and
  // structs: a nested float may be NaN). Costs at most one pass over the cells' lengths.
  virtual std::optional<size_t> text_bound() const { return std::nullopt; }

  // For the concrete views (the class is abstract; use make()).
  ColumnView(const ArrowSchema& schema, const ArrowArray& array);

 protected:
  const ArrowSchema& schema_;
  const ArrowArray& array_;
  std::string name_;
};

}  // namespace polars_redis::arrow
