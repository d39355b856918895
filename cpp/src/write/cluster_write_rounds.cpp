#include "polars_redis/write/cluster_write_rounds.hpp"

#include <algorithm>
#include <unordered_map>

namespace polars_redis::write {

std::vector<NodeShare> shares_by_owner(const RowSelection& rows, const std::vector<uint16_t>& slots,
                                       const net::ClusterTopology& topology) {
  std::vector<NodeShare> shares(topology.shards.size());
  for (int64_t row : rows) {
    const int slot = slots[static_cast<size_t>(row)];
    topology.shard_of_slot(slot);  // throws for an unserved slot
    shares[static_cast<size_t>(topology.owner[static_cast<size_t>(slot)])].rows.push_back(row);
  }
  std::vector<NodeShare> used;
  for (size_t i = 0; i < shares.size(); ++i) {
    if (shares[i].rows.empty()) continue;
    const net::ClusterNode& primary = topology.shards[i].primary;
    shares[i].target = {primary.host, primary.port, false};
    used.push_back(std::move(shares[i]));
  }
  return used;
}

NextRound follow_redirects(std::vector<RedirectedRow> rows) {
  std::sort(rows.begin(), rows.end(), [](const RedirectedRow& a, const RedirectedRow& b) { return a.row < b.row; });
  std::unordered_map<std::string, const net::Redirect*> first_of_key;
  NextRound next;
  for (const RedirectedRow& row : rows) {
    // A row whose key the writer could not tell (several rows in one unit) goes its own way.
    const net::Redirect* to = &row.redirect;
    if (!row.key.empty()) to = first_of_key.try_emplace(row.key, to).first->second;
    if (to->kind != net::RedirectKind::kAsk) {
      next.rerouted.push_back(row.row);
      continue;
    }
    const WriteTarget target{to->host, to->port, true};
    auto share = std::find_if(next.asked.begin(), next.asked.end(),
                              [&](const NodeShare& s) { return s.target == target; });
    if (share == next.asked.end()) share = next.asked.insert(next.asked.end(), NodeShare{target, {}});
    share->rows.push_back(row.row);
  }
  return next;
}

}  // namespace polars_redis::write
