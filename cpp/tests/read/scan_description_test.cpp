#include "polars_redis/read/scan_description.hpp"

#include <gtest/gtest.h>

#include "polars_redis/read/hash_fetcher.hpp"
#include "polars_redis/read/scan_pacer.hpp"
#include "polars_redis/read/string_fetcher.hpp"

namespace polars_redis::read {
namespace {

KeyScanOptions scan_of(std::string pattern, std::string type) {
  KeyScanOptions options;
  options.pattern = std::move(pattern);
  options.type_filter = std::move(type);
  return options;
}

TEST(DescribeKeyScan, ScanAndProjectedHashFields) {
  HashFetchOptions fetch;
  fetch.fields = {{"name", DataType::of(TypeId::kString)}, {"home town", DataType::of(TypeId::kString)}};
  fetch.metadata.include_ttl = true;
  HashFetcher fetcher(fetch);
  const ScanDescription d = describe_key_scan(scan_of("user:*", "hash"), fetcher);
  EXPECT_EQ(d.keys, "SCAN <cursor> MATCH 'user:*' COUNT 500 TYPE hash");
  ASSERT_EQ(d.fetch.size(), 2u);
  EXPECT_EQ(d.fetch[0], "TTL <key>");
  EXPECT_EQ(d.fetch[1], "HMGET <key> name 'home town'");
}

TEST(DescribeKeyScan, BudgetShortensTheCountAsTheScanDoes) {
  KeyScanOptions options = scan_of("*", "hash");
  options.budget.max_server_share = 0.1;
  HashFetchOptions fetch;
  fetch.fetch_all = true;
  HashFetcher fetcher(fetch);
  const int64_t count = ScanPacer::source_count(options.budget, options.count_hint);
  ASSERT_LT(count, 1000);
  EXPECT_EQ(describe_key_scan(options, fetcher).keys, "SCAN <cursor> MATCH '*' COUNT " + std::to_string(count) + " TYPE hash");
}

TEST(DescribeKeyScan, GroupedKeysAreShownOnce) {
  StringFetchOptions fetch;
  fetch.value = FieldSpec{"value", DataType::of(TypeId::kString)};
  fetch.metadata.include_ttl = true;
  StringFetcher fetcher(fetch);
  const ScanDescription d = describe_key_scan(scan_of("s:*", "string"), fetcher);
  ASSERT_EQ(d.fetch.size(), 2u);
  EXPECT_EQ(d.fetch[0], "TTL <key>");  // once per key of the group: listed once
  EXPECT_EQ(d.fetch[1], "MGET <key> <key> ...");
}

TEST(DescribeKeyScan, SearchShowsTheCheckTheAggregateAndTheCursorButNoParamValue) {
  KeyScanOptions options = scan_of("*", "hash");
  options.source.kind = KeySourceSpec::Kind::kSearch;
  options.source.search.index = "idx";
  options.source.search.query = "@name:ab* @v:[$lo +inf]";
  options.source.search.params = {{"lo", "secret"}};
  HashFetchOptions fetch;
  fetch.fetch_all = true;
  HashFetcher fetcher(fetch);
  const std::string keys = describe_key_scan(options, fetcher).keys;
  EXPECT_EQ(keys.find("secret"), std::string::npos) << keys;
  EXPECT_EQ(keys.rfind("FT.PROFILE idx AGGREGATE LIMITED QUERY", 0), 0u) << keys;
  EXPECT_NE(keys.find(" (expansion check); FT.AGGREGATE idx '@name:ab* @v:[$lo +inf]' LOAD 1 @__key PARAMS 2 lo <value> "
                      "DIALECT 2 TIMEOUT 0 WITHCURSOR COUNT 500; then FT.CURSOR READ idx <cursor> COUNT 500"),
            std::string::npos)
      << keys;
}

TEST(DescribeKeyScan, NamedKeysAndSnapshots) {
  KeyScanOptions options = scan_of("k*", "hash");
  options.source.kind = KeySourceSpec::Kind::kKeys;
  options.source.keys = {"k1", "k 2", "k1", "k3", "k4", "k5", "k6"};
  HashFetcher fetcher(HashFetchOptions{});
  EXPECT_EQ(describe_key_scan(options, fetcher).keys, "6 named key(s), each checked with TYPE: k1 'k 2' k3 k4 k5 ...");
  options.source.kind = KeySourceSpec::Kind::kRdbFile;
  HashFetcher snapshot_fetcher(HashFetchOptions{});
  const ScanDescription d = describe_key_scan(options, snapshot_fetcher);
  EXPECT_EQ(d.keys, "every key of the RDB file, kept when it matches 'k*' and is a hash");
  ASSERT_EQ(d.fetch.size(), 1u);
  EXPECT_EQ(d.fetch[0].rfind("none:", 0), 0u);
}

}  // namespace
}  // namespace polars_redis::read
