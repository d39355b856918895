#pragma once
// String rows: one MGET per group of keys for the value column, TTL and MEMORY USAGE per key ahead
// of it in the same pipeline when their columns are selected. Groups shrink when values are large,
// so that no MGET reply grows far beyond kReplyBudget bytes.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "polars_redis/read/field_spec.hpp"
#include "polars_redis/read/key_metadata.hpp"
#include "polars_redis/read/row_fetcher.hpp"

namespace polars_redis::read {

struct StringFetchOptions {
  std::optional<FieldSpec> value;   // the value column, when projected
  KeyMetadataOptions metadata;
  bool ignore_errors = false;
  size_t keys_per_mget = 1000;     // most keys per MGET: one SCAN COUNT 1000 reply
};

class StringFetcher final : public RowFetcher {
 public:
  explicit StringFetcher(StringFetchOptions options);
  void add_columns(arrow::BatchBuilder& batch) override;
  size_t keys_per_command() const override;
  int encode(std::span<const std::string_view> keys, std::string& out) override;
  void consume(std::span<const std::string_view> keys, int index, const resp::NodeView& reply,
               FetchContext& context) override;
  void append_row_without_values() override;
  // One group of kUnknownSizeKeys until the first MGET reply shows how large values are.
  int64_t max_keys_in_flight() const override;
  // MGET answers a key of another type with nil: the scan needs no TYPE filter until one key in
  // eight it fetched proved missing.
  bool needs_type_filter() const override;

 private:
  static constexpr size_t kReplyBudget = size_t{1} << 20;
  static constexpr size_t kUnknownSizeKeys = 16;  // keys per MGET until value sizes are known
  static constexpr size_t kMetadataKeys = 16;     // keys per group with metadata commands
  static constexpr size_t kMissingBeforeTypeFilter = 16;  // nil values before the ratio counts

  void append_value(std::string_view key, std::string_view raw);

  StringFetchOptions options_;
  KeyMetadata metadata_;
  arrow::ColumnBuilder* value_column_ = nullptr;
  std::optional<size_t> value_bytes_per_key_;  // of the last MGET reply
  size_t fetched_keys_ = 0;  // keys MGET asked for
  size_t missing_keys_ = 0;  // of those, answered nil (gone, or of another type)
};

}  // namespace polars_redis::read
