#pragma once
// Set rows: one row per member. SSCAN from cursor 0 (a small set comes back whole from one call);
// a large set is read one cursor page at a time and its members are deduplicated, since SSCAN may
// return a member twice when the set is resized between calls. When only the key column is
// wanted, SCARD gives the row count without reading any member.
#include <cstdint>
#include <string>
#include <string_view>

#include "polars_redis/convert/dtype.hpp"
#include "polars_redis/read/row_fetcher.hpp"
#include "polars_redis/read/seen_keys.hpp"
#include "polars_redis/read/string_map.hpp"

namespace polars_redis::read {

struct SetFetchOptions {
  bool include_member = true;
  DataType member_type;
  std::string member_column_name = "member";
  bool ignore_errors = false;
  int64_t first_count = 1000;   // SSCAN COUNT of the first call per key
  int64_t page_count = 10000;   // SSCAN COUNT of later calls
};

class SetFetcher final : public RowFetcher {
 public:
  explicit SetFetcher(SetFetchOptions options) : options_(std::move(options)) {}
  void add_columns(arrow::BatchBuilder& batch) override;
  int encode(std::span<const std::string_view> keys, std::string& out) override;
  void consume(std::span<const std::string_view> keys, int index, const resp::NodeView& reply,
               FetchContext& context) override;
  void append_row_without_values() override;
  std::string later_commands() const override;

 private:
  SetFetchOptions options_;
  arrow::ColumnBuilder* member_ = nullptr;
  StringMap<SeenKeys> paging_;  // members emitted so far, of sets whose SSCAN has not finished
};

}  // namespace polars_redis::read
