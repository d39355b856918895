#pragma once
// Hash rows: HMGET of the projected fields, HGETALL when every schema field is wanted (until the
// hashes prove much wider than the schema), TTL and MEMORY USAGE in the same pipeline when their
// columns are selected.
#include <cstdint>
#include <deque>
#include <optional>
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
  bool fetch_all = false;           // every schema field is projected: HGETALL (see below)
  KeyMetadataOptions metadata;      // TTL / memory columns
  bool ignore_errors = false;
};

// With every schema field wanted, HGETALL is the cheapest read while the hashes hold about the
// schema's fields. When they hold many more (a schema naming a few fields of wide hashes), it
// would ship and parse every other field too: once the first kWidthSample hashes average at least
// kWiderThan fields per schema field, the rest are read by HMGET of the schema's fields. (The
// server's CPU for HMGET of S fields of a listpack hash of P fields, against HGETALL: 0.84 at
// S = P / 2 for P = 10, 0.44 at P = 20, S = 2; even at S = P / 2 HMGET costs it less.)
inline constexpr int64_t kWidthSample = 64;
inline constexpr int64_t kWiderThan = 2;

class HashFetcher final : public RowFetcher {
 public:
  explicit HashFetcher(HashFetchOptions options);
  void add_columns(arrow::BatchBuilder& batch) override;
  int encode(std::span<const std::string_view> keys, std::string& out) override;
  void consume(std::span<const std::string_view> keys, int index, const resp::NodeView& reply,
               FetchContext& context) override;
  void discard(std::span<const std::string_view> keys, int index) override;
  // Until kWidthSample HGETALL replies have arrived, no more HGETALLs go out than the sample
  // needs: the rest of even a small read is then fetched by the command the sample chose.
  int64_t max_keys_in_flight() const override;
  void append_row_without_values() override;
  std::string later_commands() const override;

 private:
  enum class Verdict { kRow, kSkip, kVerifyExists };
  // key_exists: the metadata replies already showed the key exists (all-null fields make a row).
  Verdict consume_fields(std::string_view key, const resp::NodeView& reply, bool key_exists);
  Verdict consume_all(std::string_view key, const resp::NodeView& reply);
  void append_value(std::string_view key, size_t field, std::string_view raw);
  // Which command (HGETALL: true) answers reply `index` of a key, taken off sent_whole_ when it
  // is the field reply; nullopt for a metadata reply.
  std::optional<bool> take_sent(int index);
  void note_width(size_t pairs);

  HashFetchOptions options_;
  KeyMetadata metadata_;
  std::vector<arrow::ColumnBuilder*> columns_;
  FieldMatcher matcher_;  // for HGETALL replies
  bool whole_hashes_;     // the next key's fields come by HGETALL (else HMGET)
  // With fetch_all, per field command in flight in send order: whether it is HGETALL.
  std::deque<bool> sent_whole_;
  int64_t sampled_hashes_ = 0;
  int64_t sampled_pairs_ = 0;
  int64_t whole_replies_ = 0;  // HGETALL replies taken (consumed or discarded)
};

}  // namespace polars_redis::read
