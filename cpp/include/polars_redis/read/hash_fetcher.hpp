#pragma once
// Hash rows: HMGET of the projected fields, HGETALL when every schema field is wanted, TTL and
// MEMORY USAGE in the same pipeline when their columns are selected.
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "polars_redis/convert/dtype.hpp"
#include "polars_redis/read/field_matcher.hpp"
#include "polars_redis/read/field_spec.hpp"
#include "polars_redis/read/key_metadata.hpp"
#include "polars_redis/read/row_fetcher.hpp"

namespace polars_redis::read {

struct HashFetchOptions {
  std::vector<FieldSpec> fields;    // the projected fields, in output order
  bool fetch_all = false;           // HGETALL (every schema field is projected)
  KeyMetadataOptions metadata;      // TTL / memory columns
  bool ignore_errors = false;
};

class HashFetcher final : public RowFetcher {
 public:
  explicit HashFetcher(HashFetchOptions options);
  void add_columns(arrow::BatchBuilder& batch) override;
  int encode(std::span<const std::string_view> keys, std::string& out) override;
  void consume(std::span<const std::string_view> keys, int index, const resp::NodeView& reply,
               FetchContext& context) override;
  void append_row_without_values() override;

 private:
  enum class Verdict { kRow, kSkip, kVerifyExists };
  // key_exists: the metadata replies already showed the key exists (all-null fields make a row).
  Verdict consume_fields(std::string_view key, const resp::NodeView& reply, bool key_exists);
  Verdict consume_all(std::string_view key, const resp::NodeView& reply);
  void append_value(std::string_view key, size_t field, std::string_view raw);

  HashFetchOptions options_;
  KeyMetadata metadata_;
  std::vector<arrow::ColumnBuilder*> columns_;
  FieldMatcher matcher_;  // for HGETALL replies
};

}  // namespace polars_redis::read
