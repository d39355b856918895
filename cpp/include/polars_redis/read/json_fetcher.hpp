#pragma once
// RedisJSON document rows: the whole document (`$`) when every schema field is wanted, else one
// JSONPath per projected column. One path (the whole document, or a single projected column) is
// fetched for many keys at once with `JSON.MGET k1 k2 ... <path>` (measured: about 20% less server
// CPU per document than one JSON.GET each); several paths with `JSON.GET key <path> <path> ...`.
// TTL / memory usage come in the same pipeline when selected (KeyMetadata). A nil (document
// deleted, or replaced by another type, since SCAN) makes no row.
#include <optional>
#include <string>
#include <vector>

#include "polars_redis/convert/dtype.hpp"
#include "polars_redis/json/row_extractor.hpp"
#include "polars_redis/read/key_metadata.hpp"
#include "polars_redis/read/row_fetcher.hpp"

namespace polars_redis::read {

struct JsonFieldSpec {
  std::string name;
  DataType dtype;
  std::optional<std::string> path;  // default: the top-level field `name`
};

struct JsonFetchOptions {
  std::vector<JsonFieldSpec> fields;  // the projected columns, in output order
  bool fetch_all = false;             // every schema field is projected: fetch the whole document
  KeyMetadataOptions metadata;
  bool ignore_errors = false;
  size_t keys_per_mget = 100;  // keys per JSON.MGET when a single path is fetched (at most)
};

class JsonFetcher final : public RowFetcher {
 public:
  explicit JsonFetcher(JsonFetchOptions options);
  void add_columns(arrow::BatchBuilder& batch) override;
  size_t keys_per_command() const override;
  int encode(std::span<const std::string_view> keys, std::string& out) override;
  void consume(std::span<const std::string_view> keys, int index, const resp::NodeView& reply,
               FetchContext& context) override;
  void append_row_without_values() override;

 private:
  JsonFetchOptions options_;
  json::RowExtractor extractor_;
  std::vector<arrow::ColumnBuilder*> columns_;
  KeyMetadata metadata_;
  bool single_path_ = false;
  size_t document_bytes_ = 0;  // running average size of a fetched document (its JSON text)
};

}  // namespace polars_redis::read
