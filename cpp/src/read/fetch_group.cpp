#include "polars_redis/read/fetch_group.hpp"

#include <algorithm>

namespace polars_redis::read {

size_t next_fetch_group(const FetchGroupState& state) {
  if (state.pending == 0) return 0;
  const size_t take = std::min({state.full_group, state.pending, std::max<size_t>(state.room, 1)});
  // Sent early, a tail saves no time: the server is busy with the SCAN that brings the next keys
  // (and with the fetches in flight), and the next full group goes out as soon as those arrive.
  // Only the end of the scan, n_rows or a budget make a short group worth sending.
  const bool may_wait = state.more_keys_coming && !state.rows_limited && !state.paced;
  return take < state.full_group && may_wait ? 0 : take;
}

}  // namespace polars_redis::read
