#include "polars_redis/read/cluster_key_scan.hpp"

#include <gtest/gtest.h>

#include <string>

#include "polars_redis/error.hpp"
#include "support/thrown_error.hpp"

namespace polars_redis::read {
namespace {

using test_support::thrown_error;

std::string bulk(const std::string& s) { return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n"; }

// Three shards as CLUSTER SLOTS describes them; shard 1 has a replica.
net::ClusterTopology three_shards() {
  auto node = [](const std::string& host, int port, const std::string& id) {
    return "*3\r\n" + bulk(host) + ":" + std::to_string(port) + "\r\n" + bulk(id);
  };
  std::string bytes = "*3\r\n";
  bytes += "*3\r\n:0\r\n:5460\r\n" + node("h0", 7000, "a");
  bytes += "*4\r\n:5461\r\n:10922\r\n" + node("h1", 7001, "b") + node("r1", 7004, "e");
  bytes += "*3\r\n:10923\r\n:16383\r\n" + node("h2", 7002, "c");
  resp::ReplyParser parser;
  EXPECT_EQ(parser.feed(bytes.data(), bytes.size()), resp::ReplyParser::Status::kComplete);
  return net::parse_cluster_slots(parser.reply(bytes.data()).root());
}

// Every test plans a scan of `options` over the three shards.
class ClusterKeyScan : public ::testing::Test {
 protected:
  net::ClusterTopology topology = three_shards();
  KeyScanOptions options;
};

TEST_F(ClusterKeyScan, ScanRunsOnEveryShardWithoutRowIndex) {
  options.connection = net::parse_url("redis+cluster://:pw@seed:6379?read_from_replicas=true");
  options.include_row_index = true;
  const std::vector<KeyScanOptions> parts = plan_cluster_scan(options, topology);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].connection.host, "h0");
  EXPECT_FALSE(parts[0].connection.readonly);  // no replica: the primary
  EXPECT_EQ(parts[1].connection.host, "r1");   // the replica, READONLY
  EXPECT_TRUE(parts[1].connection.readonly);
  EXPECT_EQ(parts[1].connection.password, "pw");
  for (const KeyScanOptions& part : parts) EXPECT_FALSE(part.include_row_index);
}

TEST_F(ClusterKeyScan, KeyListIsSplitBySlotKeepingOrder) {
  options.connection = net::parse_url("redis+cluster://seed:6379");
  options.source.kind = KeySourceSpec::Kind::kKeys;
  // Slots: foo 12182 (shard 2), bar 5061 (shard 0), {user1000}.a / user1000 1649 (shard 0).
  options.source.keys = {"foo", "bar", "{user1000}.a", "user1000"};
  const std::vector<KeyScanOptions> parts = plan_cluster_scan(options, topology);
  ASSERT_EQ(parts.size(), 2u);  // shard 1 has no key: no part
  EXPECT_EQ(parts[0].connection.host, "h0");
  EXPECT_EQ(parts[0].source.keys, (std::vector<std::string>{"bar", "{user1000}.a", "user1000"}));
  EXPECT_EQ(parts[1].connection.host, "h2");
  EXPECT_EQ(parts[1].source.keys, (std::vector<std::string>{"foo"}));
}

TEST_F(ClusterKeyScan, EmptyKeyListStillHasOnePart) {
  options.source.kind = KeySourceSpec::Kind::kKeys;
  EXPECT_EQ(plan_cluster_scan(options, topology).size(), 1u);
}

TEST_F(ClusterKeyScan, SortedSearchAndUnservedSlotsAreRefused) {
  options.source.kind = KeySourceSpec::Kind::kSearch;
  options.source.search.sort_by = {{"age", false}};  // each shard would sort its own keys only
  EXPECT_EQ(thrown_error([&] { plan_cluster_scan(options, topology); },
                         "a sorted search cannot be split by shard").kind(),
            ErrorKind::kInvalidArgument);
  options.source.kind = KeySourceSpec::Kind::kScan;
  topology.owner[42] = -1;
  const Error error = thrown_error([&] { plan_cluster_scan(options, topology); }, "an unserved slot must stop a scan");
  EXPECT_EQ(error.kind(), ErrorKind::kConnection);
  EXPECT_NE(std::string(error.what()).find("hash slot 42"), std::string::npos);
}

TEST_F(ClusterKeyScan, APartitionReadsOnlyTheShardServingExactlyItsSlots) {
  options.connection = net::parse_url("redis+cluster://seed:6379?shard_slots=5461-10922&read_from=replica");
  std::vector<KeyScanOptions> parts = plan_cluster_scan(options, topology);
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].connection.host, "r1");  // that shard's replica
  // A key list keeps the partition's keys only (foo: shard 2, bar: shard 0); with none of them,
  // the partition still has its one (empty) part on its own shard.
  options.connection = net::parse_url("redis+cluster://seed:6379?shard_slots=0-5460");
  options.source.kind = KeySourceSpec::Kind::kKeys;
  options.source.keys = {"foo", "bar", "user1000"};
  parts = plan_cluster_scan(options, topology);
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].connection.host, "h0");
  EXPECT_EQ(parts[0].source.keys, (std::vector<std::string>{"bar", "user1000"}));
  options.connection = net::parse_url("redis+cluster://seed:6379?shard_slots=5461-10922");
  parts = plan_cluster_scan(options, topology);
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].connection.host, "h1");
  EXPECT_TRUE(parts[0].source.keys.empty());
}

TEST_F(ClusterKeyScan, APartitionWhoseSlotsMovedIsRefused) {
  // Slots 0-5000 were a shard once; now 0-5460 is (a resharding since the partitions were planned).
  options.connection = net::parse_url("redis+cluster://seed:6379?shard_slots=0-5000");
  for (const auto kind : {KeySourceSpec::Kind::kScan, KeySourceSpec::Kind::kKeys}) {
    options.source.kind = kind;
    const Error error = thrown_error([&] { plan_cluster_scan(options, topology); },
                                     "a partition must not read a shard with other slots");
    EXPECT_EQ(error.kind(), ErrorKind::kConnection);
    EXPECT_NE(std::string(error.what()).find("0-5000"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace polars_redis::read
