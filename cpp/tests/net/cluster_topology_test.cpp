#include "polars_redis/net/cluster_topology.hpp"

#include <gtest/gtest.h>

#include <string>

#include "polars_redis/error.hpp"

namespace polars_redis::net {
namespace {

template <typename Check>
void parse(const std::string& bytes, Check check) {
  resp::ReplyParser parser;
  ASSERT_EQ(parser.feed(bytes.data(), bytes.size()), resp::ReplyParser::Status::kComplete);
  check(parser.reply(bytes.data()).root());
}

std::string bulk(const std::string& s) { return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n"; }

// One node of CLUSTER SHARDS as RESP2 (flat array) or RESP3 (map).
std::string shard_node(bool resp3, const std::string& id, int port, const std::string& role, const std::string& health) {
  std::string out = resp3 ? "%7\r\n" : "*14\r\n";
  out += bulk("id") + bulk(id) + bulk("port") + ":" + std::to_string(port) + "\r\n";
  out += bulk("ip") + bulk("10.0.0.1") + bulk("endpoint") + bulk(role == "master" ? "?" : "replica.local");
  out += bulk("role") + bulk(role) + bulk("replication-offset") + ":0\r\n" + bulk("health") + bulk(health);
  return out;
}

std::string shards_reply(bool resp3) {
  const std::string map2 = resp3 ? "%2\r\n" : "*4\r\n";
  std::string out = "*2\r\n";
  out += map2 + bulk("slots") + "*4\r\n:0\r\n:99\r\n:200\r\n:16383\r\n" + bulk("nodes") + "*2\r\n" +
         shard_node(resp3, "a", 7000, "master", "online") + shard_node(resp3, "b", 7003, "replica", "online");
  out += map2 + bulk("slots") + "*2\r\n:100\r\n:199\r\n" + bulk("nodes") + "*3\r\n" +
         shard_node(resp3, "c", 7001, "replica", "loading") + shard_node(resp3, "d", 7002, "master", "online") +
         shard_node(resp3, "e", 7004, "replica", "fail");
  return out;
}

void check_shards(const resp::NodeView& root) {
  const ClusterTopology topology = parse_cluster_shards(root, false);
  ASSERT_EQ(topology.shards.size(), 2u);
  const ClusterShard& first = topology.shards[0];
  EXPECT_EQ(first.primary.id, "a");
  EXPECT_EQ(first.primary.host, "10.0.0.1");  // endpoint "?" falls back to the IP
  EXPECT_EQ(first.primary.port, 7000);
  ASSERT_EQ(first.replicas.size(), 1u);
  EXPECT_EQ(first.replicas[0].host, "replica.local");
  const ClusterShard& second = topology.shards[1];
  EXPECT_EQ(second.primary.id, "d");
  EXPECT_TRUE(second.replicas.empty());  // loading and failed replicas are left out
  EXPECT_EQ(topology.owner[0], 0);
  EXPECT_EQ(topology.owner[99], 0);
  EXPECT_EQ(topology.owner[100], 1);
  EXPECT_EQ(topology.owner[199], 1);
  EXPECT_EQ(topology.owner[200], 0);
  EXPECT_EQ(topology.owner[16383], 0);
}

TEST(ClusterTopology, ParsesClusterShardsResp2) { parse(shards_reply(false), check_shards); }
TEST(ClusterTopology, ParsesClusterShardsResp3) { parse(shards_reply(true), check_shards); }

TEST(ClusterTopology, ParsesClusterSlots) {
  auto node = [](const std::string& host, int port, const std::string& id) {
    return "*3\r\n" + bulk(host) + ":" + std::to_string(port) + "\r\n" + bulk(id);
  };
  std::string reply = "*3\r\n";
  reply += "*4\r\n:0\r\n:5460\r\n" + node("h1", 7000, "a") + node("h4", 7003, "b");
  reply += "*3\r\n:5461\r\n:10922\r\n" + node("h2", 7001, "c");
  reply += "*3\r\n:10923\r\n:16383\r\n" + node("h1", 7000, "a");  // a second range of shard a
  parse(reply, [](const resp::NodeView& root) {
    const ClusterTopology topology = parse_cluster_slots(root);
    ASSERT_EQ(topology.shards.size(), 2u);
    EXPECT_EQ(topology.shards[0].slots.size(), 2u);
    EXPECT_EQ(topology.shards[0].replicas.size(), 1u);
    EXPECT_EQ(topology.shards[0].replicas[0].port, 7003);
    EXPECT_EQ(topology.owner[16383], 0);
    EXPECT_EQ(topology.owner[5461], 1);
    EXPECT_EQ(&topology.shard_of_slot(key_slot("foo")), &topology.shards[0]);  // slot 12182
  });
}

TEST(ClusterTopology, UnservedSlotIsAnError) {
  std::string reply = "*1\r\n*3\r\n:0\r\n:10\r\n*3\r\n" + bulk("h") + ":1\r\n" + bulk("a");
  parse(reply, [](const resp::NodeView& root) {
    const ClusterTopology topology = parse_cluster_slots(root);
    EXPECT_EQ(&topology.shard_of_slot(5), &topology.shards[0]);
    EXPECT_THROW(topology.shard_of_slot(11), Error);
  });
}

TEST(ClusterTopology, NodeOptionsCopyTheSeed) {
  ConnectionOptions seed = parse_url("rediss+cluster://u:secret@seed:7000?socket_timeout=3&ssl_cert_reqs=none&read_from_replicas=true");
  EXPECT_TRUE(seed.cluster);
  EXPECT_TRUE(seed.read_from_replicas);
  EXPECT_TRUE(seed.tls.enabled);
  const ConnectionOptions node = node_options(seed, {"10.0.0.2", 7005, "x"}, true);
  EXPECT_EQ(node.host, "10.0.0.2");
  EXPECT_EQ(node.port, 7005);
  EXPECT_EQ(node.username, "u");
  EXPECT_EQ(node.password, "secret");
  EXPECT_EQ(node.socket_timeout_ms, 3000);
  EXPECT_TRUE(node.tls.enabled);
  EXPECT_FALSE(node.tls.verify_peer);
  EXPECT_TRUE(node.readonly);
  EXPECT_FALSE(node.cluster);
}

}  // namespace
}  // namespace polars_redis::net

namespace polars_redis::net {
namespace {

TEST(ClusterTopology, ClusterNodesViewIgnoresVolatileFields) {
  const std::string a =
      "aaa 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-5460 [5461->-bbb]\n"
      "bbb 127.0.0.1:7001@17001 master - 0 1700000000 2 connected 5461-16383\n"
      "ccc 127.0.0.1:7002@17002 slave aaa 0 1700000000 1 connected\n";
  const std::string b =
      "bbb 127.0.0.1:7001@17001 master - 0 1700000999 2 connected 5461-16383\n"
      "aaa 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-5460\n";
  const SlotMapView first = parse_cluster_nodes(a);
  const SlotMapView second = parse_cluster_nodes(b);
  EXPECT_EQ(first.migrating, "[5461->-bbb] ");
  EXPECT_TRUE(second.migrating.empty());
  EXPECT_EQ(first.assignment, second.assignment);  // order, pings and replicas do not matter
  EXPECT_EQ(first.assignment, "aaa 0-5460\nbbb 5461-16383\n");
  const SlotMapView moved = parse_cluster_nodes(
      "aaa 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-5459\n"
      "bbb 127.0.0.1:7001@17001 master - 0 0 3 connected 5460-16383\n");
  EXPECT_NE(moved.assignment, second.assignment);
}

TEST(ClusterTopology, UrlSchemesAndReplicaOption) {
  const ConnectionOptions plain = parse_url("redis+cluster://h:7000");
  EXPECT_TRUE(plain.cluster);
  EXPECT_FALSE(plain.tls.enabled);
  EXPECT_FALSE(plain.read_from_replicas);
  EXPECT_FALSE(parse_url("redis://h:7000").cluster);
  EXPECT_TRUE(parse_url("redis://h?read_from_replicas=true").read_from_replicas);
  EXPECT_THROW(parse_url("redis://h?read_from_replicas=yes"), Error);
}

}  // namespace
}  // namespace polars_redis::net
