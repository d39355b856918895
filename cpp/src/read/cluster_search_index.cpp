#include "polars_redis/read/cluster_search_index.hpp"

#include "polars_redis/error.hpp"
#include "polars_redis/net/connection.hpp"
#include "polars_redis/net/connection_pool.hpp"
#include "polars_redis/net/node_routing.hpp"

namespace polars_redis::read {

namespace {

std::string tagged(const std::string& tag, const std::string& name) { return "{" + tag + "}" + name; }

// Whether `listed` is `name` itself or "{tag}name" with a non-empty tag.
bool names_index(std::string_view listed, std::string_view name) {
  if (listed == name) return true;
  if (listed.size() < name.size() + 3 || !listed.starts_with('{') || !listed.ends_with(name)) return false;
  const size_t close = listed.find('}');
  return close != std::string_view::npos && close > 1 && close + 1 == listed.size() - name.size();
}

}  // namespace

bool serves_slot(const net::ClusterShard& shard, int slot) {
  for (const auto& [first, last] : shard.slots) {
    if (slot >= first && slot <= last) return true;
  }
  return false;
}

std::string shard_index_name(const std::string& name, const net::ClusterShard& shard) {
  if (serves_slot(shard, net::key_slot(name))) return name;
  // Every slot is reached by some number below 16384 * a few; a shard serves at least one slot.
  for (int tag = 0; tag < 1'000'000; ++tag) {
    const std::string text = std::to_string(tag);
    if (serves_slot(shard, net::key_slot(text))) return tagged(text, name);
  }
  throw Error(ErrorKind::kInvalidArgument, "no hash tag reaches the shard of " + shard.primary.endpoint());
}

std::string find_shard_index(const net::ConnectionOptions& node, const net::ClusterShard& shard, const std::string& name) {
  auto connection = net::acquire(node);
  resp::Reply reply = connection->command({"FT._LIST"});
  net::throw_if_error(reply.root(), "FT._LIST");
  std::string stale;
  auto item = reply.root().first_child();
  for (size_t i = 0, n = reply.root().size(); i < n; ++i, item = item.next_sibling()) {
    const std::string_view listed = item.str();
    if (!names_index(listed, name)) continue;
    if (serves_slot(shard, net::key_slot(listed))) return std::string(listed);
    stale.assign(listed);
  }
  if (!stale.empty()) {
    throw Error(ErrorKind::kResponse, "index '" + quote_for_message(name) + "' exists on cluster node " + node.endpoint() +
                                          " as '" + quote_for_message(stale) +
                                          "', a name that now hashes to another shard (slots were moved): recreate the "
                                          "index with create_index(..., if_exists='replace')");
  }
  throw Error(ErrorKind::kInvalidArgument, "no index '" + quote_for_message(name) + "' on cluster node " + node.endpoint() +
                                        ": on a cluster an index must exist on every shard (create it with "
                                        "polars_redis.create_index on the cluster URL)");
}

std::vector<ShardIndex> find_shard_indexes(const net::ConnectionOptions& seed, const std::string& name) {
  std::vector<ShardIndex> indexes;
  for (const net::ClusterShard& shard : net::discover_topology(seed).shards) {
    net::ConnectionOptions node = net::read_node_options(seed, shard);
    std::string found = find_shard_index(node, shard, name);
    indexes.push_back({std::move(node), std::move(found)});
  }
  return indexes;
}

std::vector<ShardIndex> search_index_nodes(const net::ConnectionOptions& url, const std::string& name) {
  if (net::is_cluster(url)) return find_shard_indexes(url, name);
  return {{net::for_writes(url), name}};
}

}  // namespace polars_redis::read
