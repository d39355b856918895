#include "polars_redis/read/seen_keys.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace polars_redis::read {
namespace {

TEST(SeenKeys, InsertReportsFirstSightingOnly) {
  SeenKeys seen;
  EXPECT_TRUE(seen.insert("a"));
  EXPECT_FALSE(seen.insert("a"));
  EXPECT_TRUE(seen.insert("b"));
  EXPECT_TRUE(seen.insert(""));
  EXPECT_FALSE(seen.insert(""));
  EXPECT_EQ(seen.size(), 3u);
}

TEST(SeenKeys, ManyKeysThroughGrowth) {
  SeenKeys seen;
  for (int i = 0; i < 200000; ++i) ASSERT_TRUE(seen.insert("user:" + std::to_string(i)));
  for (int i = 0; i < 200000; i += 7) ASSERT_FALSE(seen.insert("user:" + std::to_string(i)));
  EXPECT_EQ(seen.size(), 200000u);
}

TEST(SeenKeys, FingerprintsDifferForSimilarKeys) {
  // Keys differing in one byte, in length only, or in a trailing NUL must not collide.
  std::set<std::pair<uint64_t, uint64_t>> prints;
  std::string base(40, 'k');
  for (size_t len = 0; len <= base.size(); ++len) {
    std::string key = base.substr(0, len);
    for (int variant = 0; variant < 3; ++variant) {
      std::string k = key;
      if (variant == 1) k.push_back('\0');
      if (variant == 2 && !k.empty()) k[k.size() / 2] = 'j';
      uint64_t hi, lo;
      fingerprint128(k, hi, lo);
      prints.insert({hi, lo});
    }
  }
  // 41 lengths x 3 variants, minus the empty key's variant 2 which equals variant 0.
  EXPECT_EQ(prints.size(), 41u * 3 - 1);
}

}  // namespace
}  // namespace polars_redis::read
