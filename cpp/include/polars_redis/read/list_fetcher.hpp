#pragma once
// List rows: one row per element, with its 0-based position. LRANGE in pages (the first page is one
// command, so a small list costs one round trip); a long list keeps several pages in flight. When
// only the key column is wanted, LLEN gives the row count without reading any element.
#include <cstdint>
#include <string>
#include <string_view>

#include "polars_redis/convert/dtype.hpp"
#include "polars_redis/read/row_fetcher.hpp"
#include "polars_redis/read/string_map.hpp"

namespace polars_redis::read {

struct ListFetchOptions {
  bool include_element = true;
  DataType element_type;
  std::string element_column_name = "element";
  bool include_position = true;
  std::string position_column_name = "position";
  bool ignore_errors = false;
  int64_t first_page = 1000;   // elements in the first LRANGE of every key
  int64_t page_size = 8192;    // elements per later LRANGE
  int pages_in_flight = 4;     // later pages of one key sent ahead
};

class ListFetcher final : public RowFetcher {
 public:
  explicit ListFetcher(ListFetchOptions options) : options_(std::move(options)) {}
  void add_columns(arrow::BatchBuilder& batch) override;
  int encode(std::span<const std::string_view> keys, std::string& out) override;
  void consume(std::span<const std::string_view> keys, int index, const resp::NodeView& reply,
               FetchContext& context) override;
  void append_row_without_values() override;
  std::string later_commands() const override;

 private:
  struct Pages {
    int64_t next_start = 0;  // first index of the next page to send
    int64_t reply_start = 0; // first index of the next page to arrive
    int outstanding = 0;
    bool done = false;       // a short page arrived: the list ends there
  };
  bool count_only() const { return !options_.include_element && !options_.include_position; }
  void send_page(std::string_view key, Pages& pages, FetchContext& context);

  ListFetchOptions options_;
  arrow::ColumnBuilder* element_ = nullptr;
  arrow::ColumnBuilder* position_ = nullptr;
  StringMap<Pages> paging_;  // lists longer than the first page, while their pages arrive
};

}  // namespace polars_redis::read
