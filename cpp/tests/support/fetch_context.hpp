#pragma once
// Test support: a FetchContext (read/row_fetcher.hpp) recording what a fetcher asks of the key
// scan, so fetchers can be driven reply by reply without a server.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "polars_redis/read/row_fetcher.hpp"

namespace polars_redis::test_support {

struct RecordingContext final : read::FetchContext {
  std::vector<std::string> rows;      // finish_row, in order
  std::vector<std::string> verified;  // verify_exists, in order
  std::string follow_ups;             // the follow-up commands' bytes
  std::vector<int> expected;          // expect_follow_up's reply counts
  size_t limit_rows = SIZE_MAX;       // n_rows
  // Fetchers that must never ask for EXISTS / follow-ups: a call is a test failure.
  bool verify_allowed = true;
  bool follow_ups_allowed = true;

  void finish_row(std::string_view key) override { rows.emplace_back(key); }
  void verify_exists(std::string_view key) override {
    EXPECT_TRUE(verify_allowed) << "unexpected verify_exists(" << key << ")";
    verified.emplace_back(key);
  }
  std::string& follow_up_buffer() override {
    EXPECT_TRUE(follow_ups_allowed) << "unexpected follow-up";
    return follow_ups;
  }
  void expect_follow_up(std::string_view, int replies) override {
    EXPECT_TRUE(follow_ups_allowed) << "unexpected follow-up";
    expected.push_back(replies);
  }
  bool limit_reached() const override { return rows.size() >= limit_rows; }
};

}  // namespace polars_redis::test_support
