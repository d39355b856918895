// The typed results of FT.SEARCH replies: WITHSORTKEYS values and their merge over shards, KNN
// distances and theirs.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "polars_redis/error.hpp"
#include "polars_redis/read/knn_search.hpp"
#include "polars_redis/read/search_reply.hpp"
#include "polars_redis/read/sorted_search.hpp"
#include "support/parsed_reply.hpp"
#include "support/thrown_error.hpp"

namespace polars_redis::read {
namespace {

using test_support::ParsedReply;
using test_support::thrown_error;
using Keys = std::vector<std::string>;

const SearchCommand kSorted{"FT.SEARCH", "idx", "*"};

std::vector<std::pair<std::string, std::string>> ids_and_sort_keys(const resp::NodeView& reply) {
  std::vector<std::pair<std::string, std::string>> out;
  SearchIdsPage(reply, kSorted, SearchResultExtra::kSortKey).for_each_result([&](const SearchResult& result) {
    out.emplace_back(result.id, result.sort_key);
  });
  return out;
}

// FT.SEARCH idx * NOCONTENT SORTBY age ASC WITHSORTKEYS LIMIT 0 3 (one document without an age).
TEST(SearchIdsPage, SortKeysInBothProtocols) {
  ParsedReply resp2("*7\r\n:3\r\n$3\r\np:1\r\n$3\r\n#10\r\n$3\r\np:2\r\n$4\r\n#2.5\r\n$3\r\np:3\r\n$4\r\nnone\r\n");
  ParsedReply resp3(
      "%3\r\n$13\r\ntotal_results\r\n:3\r\n$7\r\nresults\r\n*3\r\n"
      "%3\r\n$2\r\nid\r\n$3\r\np:1\r\n$7\r\nsortkey\r\n$3\r\n#10\r\n$6\r\nvalues\r\n*0\r\n"
      "%3\r\n$2\r\nid\r\n$3\r\np:2\r\n$7\r\nsortkey\r\n$4\r\n#2.5\r\n$6\r\nvalues\r\n*0\r\n"
      "%2\r\n$2\r\nid\r\n$3\r\np:3\r\n$6\r\nvalues\r\n*0\r\n"
      "$7\r\nwarning\r\n*0\r\n");
  const std::vector<std::pair<std::string, std::string>> expected{{"p:1", "#10"}, {"p:2", "#2.5"}, {"p:3", "none"}};
  EXPECT_EQ(ids_and_sort_keys(resp2.root()), expected);
  auto resp3_expected = expected;
  resp3_expected[2].second = "";  // RESP3 leaves the sortkey out
  EXPECT_EQ(ids_and_sort_keys(resp3.root()), resp3_expected);
}

TEST(SearchIdsPage, AnIdWithoutItsSortKeyIsAProtocolError) {
  ParsedReply odd("*4\r\n:2\r\n$3\r\np:1\r\n$3\r\n#10\r\n$3\r\np:2\r\n");
  EXPECT_EQ(thrown_error([&] { SearchIdsPage(odd.root(), kSorted, SearchResultExtra::kSortKey); }).kind(),
            ErrorKind::kProtocol);
}

TEST(SortKey, NumbersTextsAndMissingValues) {
  EXPECT_EQ(parse_sort_key("#12.5"), SortKey(12.5));
  EXPECT_EQ(parse_sort_key("#-3e2"), SortKey(-300.0));
  EXPECT_EQ(parse_sort_key("$alice"), SortKey(std::string("alice")));
  EXPECT_EQ(parse_sort_key("$"), SortKey(std::string()));
  EXPECT_EQ(parse_sort_key("none"), SortKey());
  EXPECT_EQ(parse_sort_key(""), SortKey());
  EXPECT_EQ(parse_sort_key("#abc"), SortKey());
}

std::vector<SortedKey> shard_entries() {
  // Two shards' pages one after the other, each in its own order; b and e tie.
  return {{2.0, "b"}, {5.0, "d"}, {SortKey(), "x"}, {1.0, "a"}, {2.0, "e"}, {SortKey(), "y"}, {9.0, "f"}};
}

TEST(MergeSortedKeys, AscendingWithMissingValuesLast) {
  EXPECT_EQ(merge_sorted_keys(shard_entries(), false, std::nullopt), (Keys{"a", "b", "e", "d", "f", "x", "y"}));
}

TEST(MergeSortedKeys, DescendingKeepsTiesInOrderAndMissingValuesLast) {
  EXPECT_EQ(merge_sorted_keys(shard_entries(), true, std::nullopt), (Keys{"f", "d", "b", "e", "a", "x", "y"}));
}

TEST(MergeSortedKeys, CutToTheLimit) {
  EXPECT_EQ(merge_sorted_keys(shard_entries(), false, 3), (Keys{"a", "b", "e"}));
  EXPECT_EQ(merge_sorted_keys(shard_entries(), false, 0), Keys{});
  EXPECT_EQ(merge_sorted_keys(shard_entries(), false, 100).size(), 7u);
}

TEST(MergeSortedKeys, TextValues) {
  std::vector<SortedKey> entries{{std::string("bob"), "k2"}, {std::string("Al"), "k1"}, {std::string("al"), "k3"}};
  EXPECT_EQ(merge_sorted_keys(entries, false, std::nullopt), (Keys{"k1", "k3", "k2"}));
}

const SearchCommand kKnn{"FT.SEARCH", "idx", "(*)=>[KNN 2 @v $__knn_vector AS __distance]"};

// FT.SEARCH idx "(*)=>[KNN 2 ...]" RETURN 1 __distance SORTBY __distance ASC LIMIT 0 2.
TEST(Neighbours, DistancesInBothProtocols) {
  ParsedReply resp2(
      "*5\r\n:2\r\n$3\r\nv:1\r\n*2\r\n$10\r\n__distance\r\n$4\r\n0.25\r\n"
      "$3\r\nv:2\r\n*2\r\n$10\r\n__distance\r\n$3\r\n1.5\r\n");
  ParsedReply resp3(
      "%3\r\n$13\r\ntotal_results\r\n:2\r\n$7\r\nresults\r\n*2\r\n"
      "%3\r\n$2\r\nid\r\n$3\r\nv:1\r\n$16\r\nextra_attributes\r\n%1\r\n$10\r\n__distance\r\n$4\r\n0.25\r\n"
      "$6\r\nvalues\r\n*0\r\n"
      "%3\r\n$2\r\nid\r\n$3\r\nv:2\r\n$16\r\nextra_attributes\r\n%1\r\n$10\r\n__distance\r\n,1.5\r\n"
      "$6\r\nvalues\r\n*0\r\n"
      "$7\r\nwarning\r\n*0\r\n");
  for (ParsedReply* reply : {&resp2, &resp3}) {
    Neighbours neighbours;
    add_neighbours(reply->root(), kKnn, neighbours);
    EXPECT_EQ(neighbours.keys, (Keys{"v:1", "v:2"}));
    EXPECT_EQ(neighbours.distances, (std::vector<double>{0.25, 1.5}));
  }
}

TEST(Neighbours, ADocumentWithoutADistanceIsNamed) {
  ParsedReply reply("*3\r\n:1\r\n$3\r\nv:9\r\n*0\r\n");
  Neighbours neighbours;
  const Error error = thrown_error([&] { add_neighbours(reply.root(), kKnn, neighbours); });
  EXPECT_EQ(error.kind(), ErrorKind::kProtocol);
  EXPECT_NE(std::string(error.what()).find("'v:9'"), std::string::npos) << error.what();
}

TEST(Neighbours, AWarningMeansAnIncompleteAnswer) {
  ParsedReply reply(
      "%3\r\n$13\r\ntotal_results\r\n:0\r\n$7\r\nresults\r\n*0\r\n$7\r\nwarning\r\n*1\r\n$7\r\nTimeout\r\n");
  Neighbours neighbours;
  EXPECT_EQ(thrown_error([&] { add_neighbours(reply.root(), kKnn, neighbours); }).kind(), ErrorKind::kResponse);
}

TEST(Neighbours, ShardsMergedByDistanceAndCutToK) {
  Neighbours neighbours{{"a", "b", "c", "d", "e"}, {0.5, 0.9, 0.1, 0.5, 0.7}};
  keep_nearest(neighbours, 3);
  EXPECT_EQ(neighbours.keys, (Keys{"c", "a", "d"}));
  EXPECT_EQ(neighbours.distances, (std::vector<double>{0.1, 0.5, 0.5}));
  keep_nearest(neighbours, 10);
  EXPECT_EQ(neighbours.keys.size(), 3u);
}

}  // namespace
}  // namespace polars_redis::read
