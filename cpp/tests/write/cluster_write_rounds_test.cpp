// The bookkeeping of a cluster write (cluster_write_rounds.hpp): which node each row goes to, and
// where the rows a node redirected go next: a key's rows together, in frame order.
#include "polars_redis/write/cluster_write_rounds.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "polars_redis/error.hpp"
#include "support/thrown_error.hpp"

namespace polars_redis::write {
namespace {

using test_support::thrown_error;

// Slots 0-99 on a:1, 100-199 on b:2, 200-299 unserved, the rest on a:1.
net::ClusterTopology two_shards() {
  net::ClusterTopology topology;
  topology.owner.fill(0);
  topology.shards.resize(2);
  topology.shards[0].primary = {"a", 1, "ida"};
  topology.shards[1].primary = {"b", 2, "idb"};
  for (int slot = 100; slot < 200; ++slot) topology.owner[slot] = 1;
  for (int slot = 200; slot < 300; ++slot) topology.owner[slot] = -1;
  return topology;
}

net::Redirect ask(const std::string& host, uint16_t port) { return {net::RedirectKind::kAsk, 7, host, port}; }
net::Redirect moved(const std::string& host, uint16_t port) { return {net::RedirectKind::kMoved, 7, host, port}; }
net::Redirect try_again() { return {net::RedirectKind::kTryAgain, -1, "a", 0}; }

TEST(ClusterWriteRounds, RowsGoToTheirSlotsOwnerInFrameOrder) {
  const std::vector<uint16_t> slots = {5, 150, 6, 150, 199, 16383};
  const auto shares = shares_by_owner({0, 1, 2, 3, 4, 5}, slots, two_shards());
  ASSERT_EQ(shares.size(), 2u);
  EXPECT_EQ(shares[0], (NodeShare{{"a", 1, false}, {0, 2, 5}}));
  EXPECT_EQ(shares[1], (NodeShare{{"b", 2, false}, {1, 3, 4}}));
  // A selection of the rows: only theirs, and no share for a node without rows.
  EXPECT_EQ(shares_by_owner({1, 4}, slots, two_shards()), (std::vector<NodeShare>{{{"b", 2, false}, {1, 4}}}));
}

TEST(ClusterWriteRounds, AnUnservedSlotFailsTheRouting) {
  const Error error = thrown_error([] { shares_by_owner({0}, {250}, two_shards()); });
  EXPECT_EQ(error.kind(), ErrorKind::kConnection);
  EXPECT_NE(std::string(error.what()).find("slot 250"), std::string::npos);
}

TEST(ClusterWriteRounds, AskedRowsGoToTheNamedNodeAsking) {
  const NextRound next = follow_redirects({{9, ask("c", 3), "x"}, {4, ask("c", 3), "y"}, {6, ask("d", 4), "z"}});
  // Sorted by row: each node's rows in frame order, nodes in order of their first row.
  ASSERT_EQ(next.asked.size(), 2u);
  EXPECT_EQ(next.asked[0], (NodeShare{{"c", 3, true}, {4, 9}}));
  EXPECT_EQ(next.asked[1], (NodeShare{{"d", 4, true}, {6}}));
  EXPECT_TRUE(next.rerouted.empty());
}

TEST(ClusterWriteRounds, MovedAndTryAgainRowsAreRerouted) {
  const NextRound next = follow_redirects({{8, moved("c", 3), "x"}, {2, try_again(), "y"}, {5, moved("c", 3), "x"}});
  EXPECT_TRUE(next.asked.empty());
  EXPECT_EQ(next.rerouted, (RowSelection{2, 5, 8}));
}

TEST(ClusterWriteRounds, AKeysRowsAllFollowItsFirstRedirectedRow) {
  // Key x was asked away first, then its slot finished moving (MOVED): all its rows go by ASK,
  // to one node, in order. Key y was moved first: its later ASK row is rerouted with it.
  const NextRound next = follow_redirects({{3, moved("c", 3), "x"},
                                           {1, ask("c", 3), "x"},
                                           {7, ask("d", 4), "x"},
                                           {2, moved("c", 3), "y"},
                                           {6, ask("c", 3), "y"}});
  ASSERT_EQ(next.asked.size(), 1u);
  EXPECT_EQ(next.asked[0], (NodeShare{{"c", 3, true}, {1, 3, 7}}));
  EXPECT_EQ(next.rerouted, (RowSelection{2, 6}));
}

TEST(ClusterWriteRounds, ARowWithoutAKeyGoesItsOwnWay) {
  const NextRound next = follow_redirects({{1, ask("c", 3), ""}, {2, moved("c", 3), ""}});
  ASSERT_EQ(next.asked.size(), 1u);
  EXPECT_EQ(next.asked[0].rows, (RowSelection{1}));
  EXPECT_EQ(next.rerouted, (RowSelection{2}));
}

}  // namespace
}  // namespace polars_redis::write
