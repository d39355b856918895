#pragma once
// Where the rows of a cluster write go, round after round: first to the primary serving each row's
// key, then, for the rows a node redirected (MOVED / ASK / TRYAGAIN: nothing of them took effect),
// to where the redirection points. Bookkeeping only; cluster_writer.cpp sends.
#include <cstdint>
#include <string>
#include <vector>

#include "polars_redis/net/cluster_topology.hpp"
#include "polars_redis/write/row_writer.hpp"

namespace polars_redis::write {

// A node a share of the rows goes to.
struct WriteTarget {
  std::string host;
  uint16_t port = 0;
  bool asking = false;  // the rows came by ASK: each row's commands are preceded by ASKING
  bool operator==(const WriteTarget&) const = default;
  std::string endpoint() const { return host + ":" + std::to_string(port); }
};

// The rows (ascending stream indexes) one node writes in a round.
struct NodeShare {
  WriteTarget target;
  RowSelection rows;
  bool operator==(const NodeShare&) const = default;
};

// `rows` (ascending) split by the primary serving each row's slot (`slots`: one per stream row)
// in `topology`, in shard order; throws Error(kConnection) for a slot no primary serves.
std::vector<NodeShare> shares_by_owner(const RowSelection& rows, const std::vector<uint16_t>& slots,
                                       const net::ClusterTopology& topology);

// Where a round's redirected rows go next. Each key follows its first redirected row (once its
// slot has left a node, every later row of the key is redirected too, so a key's redirected rows
// are the tail of its rows): all of a key's rows go to one node, in stream order. ASK: the node
// it names, asking; MOVED / TRYAGAIN: `rerouted`, to be split by the owners in a fresh topology.
// Redirects must name their host (the caller fills in the answering node's for an empty one).
struct NextRound {
  std::vector<NodeShare> asked;  // in order of each node's first row
  RowSelection rerouted;         // ascending
};
NextRound follow_redirects(std::vector<RedirectedRow> rows);

}  // namespace polars_redis::write
