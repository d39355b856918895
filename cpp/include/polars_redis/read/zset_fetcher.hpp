#pragma once
// Sorted-set rows: one row per member whose score is within [min, max] (either bound may be
// exclusive, Redis syntax "(5"), ascending by score, at most `count` per key; columns member,
// score (Float64) and rank (Int64, ZRANK: the 0-based position in the whole sorted set).
//
// The first page is one command (ZRANGE BYSCORE LIMIT 0 n, or ZRANGE 0 n-1 without bounds), so a
// small sorted set costs one round trip. A larger one then asks for the rank range of its bounds
// (two ZCOUNTs) and reads the rest by rank, several pages in flight: rank pages cost O(log N + n)
// each, where continuing by score would cost O(offset) per page, or O(ties) for equal scores.
// When only the key column is wanted, ZCOUNT gives the row count without reading any member.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "polars_redis/convert/dtype.hpp"
#include "polars_redis/read/row_fetcher.hpp"
#include "polars_redis/read/string_map.hpp"

namespace polars_redis::read {

struct ZSetFetchOptions {
  bool include_member = true;
  DataType member_type;
  std::string member_column_name = "member";
  bool include_score = true;
  std::string score_column_name = "score";
  bool include_rank = false;
  std::string rank_column_name = "rank";
  bool ignore_errors = false;
  std::string min = "-inf";        // Redis score bounds: a number, "-inf"/"+inf", "(" = exclusive
  std::string max = "+inf";
  std::optional<int64_t> count;    // members per key (at least 1)
  int64_t first_page = 1000;       // members in the first command of every key
  int64_t page_size = 8192;        // members per later rank page
  int pages_in_flight = 4;         // later pages of one key sent ahead
};

class ZSetFetcher final : public RowFetcher {
 public:
  // Throws Error(kInvalidArgument) for a bound that is not a Redis score.
  explicit ZSetFetcher(ZSetFetchOptions options);
  void add_columns(arrow::BatchBuilder& batch) override;
  int encode(std::span<const std::string_view> keys, std::string& out) override;
  void consume(std::span<const std::string_view> keys, int index, const resp::NodeView& reply,
               FetchContext& context) override;
  void append_row_without_values() override;
  std::string later_commands() const override;

 private:
  struct Pages {
    bool bounds_phase = true;  // waiting for the rank range (ZCOUNTs), then for rank pages
    bool need_base = false;    // the rank range includes the rank of the first member in range
    bool gone = false;         // a ZCOUNT said WRONGTYPE: the key was replaced
    int64_t base = 0;          // rank of the first member in range
    int64_t emitted = 0;       // members the first page read
    int64_t next_start = 0, reply_start = 0, end = 0;  // rank pages: [next_start, end) to send
    int outstanding = 0;
  };
  bool count_only() const { return !member_ && !score_ && !rank_; }
  int64_t first_page() const;
  // Appends the members of a ZRANGE ... WITHSCORES reply (RESP3 pairs or RESP2 flat) as rows;
  // `check_bounds` drops members outside [min, max] (a rank page of a set changed meanwhile).
  size_t append_members(std::string_view key, const resp::NodeView& reply, int64_t first_rank,
                        bool check_bounds, FetchContext& context);
  void consume_follow_up(std::string_view key, int index, const resp::NodeView& reply, Pages& pages,
                         FetchContext& context);
  void fill_window(std::string_view key, Pages& pages, FetchContext& context);

  ZSetFetchOptions options_;
  double lo_, hi_;
  bool lo_exclusive_, hi_exclusive_;
  bool min_unbounded_, max_unbounded_;
  std::string below_min_;        // ZCOUNT -inf <below_min_> counts the members ranked before min
  arrow::ColumnBuilder* member_ = nullptr;
  arrow::ColumnBuilder* score_ = nullptr;
  arrow::ColumnBuilder* rank_ = nullptr;
  int64_t pending_base_ = 0;     // the first-page ZCOUNT of the key whose page comes next
  StringMap<Pages> paging_;      // sorted sets larger than the first page, while pages arrive
};

}  // namespace polars_redis::read
