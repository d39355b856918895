#pragma once
// The per-key metadata columns that every key-per-row reader offers (hashes, strings, ...): the TTL
// (`TTL key`, seconds, -1 without expiry) and the memory footprint (`MEMORY USAGE key`, bytes).
// A fetcher sends these commands ahead of its value commands for the same keys, so each key's
// metadata is known when its values arrive; a key that vanished since SCAN (TTL -2, MEMORY USAGE
// nil) never becomes a row.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "polars_redis/arrow/record_batch.hpp"
#include "polars_redis/resp/parser.hpp"

namespace polars_redis::read {

struct KeyMetadataOptions {
  bool include_ttl = false;
  std::string ttl_column_name = "_ttl";
  bool include_memory_usage = false;
  std::string memory_column_name = "_memory";
};

class KeyMetadata {
 public:
  explicit KeyMetadata(KeyMetadataOptions options);

  // Adds the selected columns (TTL, then memory; both Int64) to `batch`.
  void add_columns(arrow::BatchBuilder& batch);
  // Replies per key: 0 when no metadata column is selected.
  int replies_per_key() const { return replies_per_key_; }
  // Appends the commands for every key of `keys`, key by key, to `out`; returns how many replies
  // they produce (keys.size() * replies_per_key()).
  int encode(std::span<const std::string_view> keys, std::string& out) const;
  // Reply `index` of those encode() announced for `keys` (replies of one group arrive in order,
  // starting at 0). Returns the key's position in `keys` once its last reply is in.
  // Throws Error(kResponse) for an error reply.
  std::optional<size_t> consume(std::span<const std::string_view> keys, int index, const resp::NodeView& reply);
  // After its last reply: false when key `i` of the group is gone (no row for it).
  bool exists(size_t i) const { return !missing_[i]; }
  // Appends key `i`'s metadata to the columns (one row).
  void append(size_t i);

 private:
  enum class Command : uint8_t { kTtl, kMemoryUsage };

  KeyMetadataOptions options_;
  std::vector<Command> commands_;  // per key, in send order
  int replies_per_key_ = 0;
  arrow::ColumnBuilder* ttl_column_ = nullptr;
  arrow::ColumnBuilder* memory_column_ = nullptr;
  // The current group's answers, by key position.
  std::vector<int64_t> ttl_;
  std::vector<int64_t> memory_;
  std::vector<char> missing_;
};

}  // namespace polars_redis::read
