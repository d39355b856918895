// Fuzzes the JSON extraction that scan_json runs on every JSON.GET / JSON.MGET reply: any bytes
// either fill one row or raise Error; with ignore_errors a value that does not fit its dtype is a
// null, so the row is always complete and every column keeps the same length. The same bytes, as
// a document from an RDB file, go through the client-side JSONPath selection of snapshot reads:
// it returns views inside the document or raises Error, whatever the bytes.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "polars_redis/arrow/nested_builders.hpp"
#include "polars_redis/error.hpp"
#include "polars_redis/json/path_selector.hpp"
#include "polars_redis/json/row_extractor.hpp"

using polars_redis::DataType;
using polars_redis::Error;
using polars_redis::ErrorKind;
using polars_redis::TypeId;
using polars_redis::json::JsonColumn;
using polars_redis::json::RowExtractor;

namespace {

DataType t(TypeId id) { return DataType::of(id); }

std::vector<JsonColumn> columns(bool whole) {
  DataType inner = DataType::struct_of({{"x", t(TypeId::kFloat64)}, {"l", DataType::list_of(t(TypeId::kInt32))}});
  return {
      {"a", whole ? "" : "$.a", t(TypeId::kInt64)},
      {"s", whole ? "" : "$.s", t(TypeId::kString)},
      {"st", whole ? "" : "$.st", inner},
      {"tags", whole ? "" : "$.tags[*]", DataType::list_of(t(TypeId::kString))},
      {"d", whole ? "" : "$.d", t(TypeId::kDate)},
      {"ts", whole ? "" : "$..ts", t(TypeId::kDatetime)},
      {"b", whole ? "" : "$.b", t(TypeId::kBoolean)},
  };
}

void run(std::string_view reply, bool whole, bool ignore_errors) {
  auto specs = columns(whole);
  std::vector<std::unique_ptr<polars_redis::arrow::ColumnBuilder>> builders;
  std::vector<polars_redis::arrow::ColumnBuilder*> raw;
  for (const auto& spec : specs) {
    builders.push_back(polars_redis::arrow::make_column_builder(spec.dtype));
    raw.push_back(builders.back().get());
  }
  RowExtractor extractor(std::move(specs), whole, ignore_errors);
  extractor.bind(raw);
  try {
    extractor.append_row("key", reply);
  } catch (const Error& error) {
    // With ignore_errors only malformed JSON may still fail the row.
    if (ignore_errors && error.kind() == ErrorKind::kSchema) __builtin_trap();
    return;
  }
  for (const auto& builder : builders) {
    if (builder->length() != 1) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view reply(reinterpret_cast<const char*>(data) + 1, size - 1);
  run(reply, data[0] & 1, (data[0] >> 1) & 1);
  static const polars_redis::json::PathSelector selectors[] = {
      polars_redis::json::PathSelector("$.a[*]['s',\"x\"][-1,0]"), polars_redis::json::PathSelector("$[1:-1:2].*")};
  for (const auto& selector : selectors) {
    try {
      for (std::string_view match : selector.select(reply)) {
        if (match.data() < reply.data() || match.data() + match.size() > reply.data() + reply.size()) __builtin_trap();
      }
    } catch (const Error&) {
    }
  }
  return 0;
}
