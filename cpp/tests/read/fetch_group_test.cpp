// The size of a key scan's next fetch command, over random scan states: full groups whenever
// possible, a short group only at the end of the scan or when n_rows / a budget sized it.
#include "polars_redis/read/fetch_group.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace polars_redis::read {
namespace {

FetchGroupState random_state(std::mt19937_64& rng) {
  auto pick = [&](size_t hi) { return std::uniform_int_distribution<size_t>(0, hi)(rng); };
  auto coin = [&] { return pick(1) == 1; };
  FetchGroupState state;
  state.full_group = 1 + pick(pick(1) ? 1 : 2000);  // one key per command, or MGET-like
  state.pending = pick(pick(1) ? 5 : 5000);
  state.room = 1 + pick(3000);
  state.more_keys_coming = coin();
  state.rows_limited = pick(3) == 0;
  state.paced = pick(3) == 0;
  return state;
}

TEST(FetchGroup, FullGroupsWhenTheyCanBeHadShortOnesOnlyWhenNoMoreKeysCanFillThem) {
  std::mt19937_64 rng(20261205);
  for (int i = 0; i < 200000; ++i) {
    const FetchGroupState state = random_state(rng);
    const size_t take = next_fetch_group(state);
    const size_t most = std::min({state.full_group, state.pending, state.room});
    SCOPED_TRACE(::testing::Message() << "full " << state.full_group << " pending " << state.pending << " room "
                                      << state.room << " more "
                                      << state.more_keys_coming << " rows_limited " << state.rows_limited
                                      << " paced " << state.paced << " -> " << take);
    // Never more keys than found, than one command takes, or than the window allows.
    ASSERT_LE(take, most);
    if (state.pending == 0) {
      ASSERT_EQ(take, 0u);
      continue;
    }
    // A command, when one goes out, is as large as allowed: never a needless split.
    if (take > 0) ASSERT_EQ(take, most);
    // Keys found and none can follow (the scan is over), or n_rows / a budget chose the size:
    // something is sent, or the scan would wait for keys that never come.
    if (!state.more_keys_coming || state.rows_limited || state.paced) ASSERT_GT(take, 0u);
    // A full group is never held back.
    if (most == state.full_group) ASSERT_EQ(take, state.full_group);
    // Otherwise a short group waits for the next reply's keys.
    if (state.more_keys_coming && !state.rows_limited && !state.paced && most < state.full_group) {
      ASSERT_EQ(take, 0u);
    }
  }
}

TEST(FetchGroup, TheTailOfAScanReplyWaitsForTheNextOne) {
  // 1,024 keys from SCAN COUNT 1000, MGETs of 1,000: one full MGET goes, the 24 keys left wait
  // for the next reply's keys, and go with them.
  FetchGroupState state{1000, 1024, 2000, true, false, false};
  EXPECT_EQ(next_fetch_group(state), 1000u);
  state.pending = 24;
  state.room = 1000;
  EXPECT_EQ(next_fetch_group(state), 0u);
  state.pending = 1048;
  EXPECT_EQ(next_fetch_group(state), 1000u);
  // The scan is over: the last keys go, however few.
  state.pending = 48;
  state.more_keys_coming = false;
  EXPECT_EQ(next_fetch_group(state), 48u);
  // head(30) of a scan: n_rows sizes the group.
  state = {1000, 24, 30, true, true, false};
  EXPECT_EQ(next_fetch_group(state), 24u);
}

}  // namespace
}  // namespace polars_redis::read
