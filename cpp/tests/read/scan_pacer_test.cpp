#include "polars_redis/read/scan_pacer.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <limits>
#include <thread>

#include "polars_redis/error.hpp"
#include "support/thrown_error.hpp"

namespace polars_redis::read {
namespace {

using test_support::thrown_error;

using std::chrono::microseconds;
using std::chrono::milliseconds;

ScanBudget share(double s) { return {s, std::nullopt}; }
ScanBudget rate(double r) { return {std::nullopt, r}; }

TEST(ScanPacer, UnboundedNeverPausesAndKeepsTheFullWindow) {
  for (const ScanBudget& budget : {ScanBudget{}, share(1.0)}) {
    ScanPacer pacer(budget, 2048);
    EXPECT_FALSE(pacer.paced());
    EXPECT_EQ(pacer.window(), 2048);
    EXPECT_TRUE(pacer.may_send(false, true));  // sends while work is in flight, as before
    EXPECT_TRUE(pacer.may_send(true, false));
  }
}

TEST(ScanPacer, SharePausesSoBusyOverBusyPlusIdleIsTheShare) {
  for (double s : {0.9, 0.5, 0.25, 0.1, 0.01}) {
    ScanPacer pacer(share(s), 2048);
    for (auto busy : {microseconds(50), microseconds(700), microseconds(20000)}) {
      const auto pause = pacer.pause_after(busy, 10);
      const double fraction = std::chrono::duration<double>(busy) / std::chrono::duration<double>(busy + pause);
      // Never above the share (the pause is rounded up to whole nanoseconds), and close to it.
      EXPECT_LE(fraction, s) << "share " << s << " busy " << busy.count();
      EXPECT_NEAR(fraction, s, 1e-4) << "share " << s << " busy " << busy.count();
    }
  }
}

TEST(ScanPacer, RateSpreadsEachBurstsCommandsFromItsStart) {
  ScanPacer pacer(rate(1000), 2048);  // 1 ms per command
  EXPECT_EQ(pacer.pause_after(microseconds(200), 10), microseconds(9800));
  EXPECT_EQ(pacer.pause_after(milliseconds(30), 10), microseconds(0));  // already slower than the rate
  // Spent in 10 ms slices: 10 commands a burst, not 1000 at once.
  EXPECT_EQ(pacer.window(), 10);
  EXPECT_EQ(ScanPacer(rate(1), 2048).window(), 1);
  EXPECT_EQ(ScanPacer(rate(1e9), 2048).window(), 2048);
}

TEST(ScanPacer, BothBoundsTakeTheLongerPause) {
  ScanPacer pacer({0.5, 1000.0}, 2048);
  EXPECT_EQ(pacer.pause_after(microseconds(100), 10), microseconds(9900));   // the rate binds
  EXPECT_EQ(pacer.pause_after(milliseconds(40), 10), milliseconds(40));       // the share binds
}

TEST(ScanPacer, WindowAimsAtABurstAsLongAsTheTargetTimesTheShare) {
  // The target is 400 us at share 1. At 1 us per key: a 200 us burst at share 0.5 is 200 keys, a
  // 40 us one at share 0.1 is 40 keys.
  static_assert(ScanPacer::kBurstTarget == microseconds(400));
  ScanPacer half(share(0.5), 2048);
  EXPECT_EQ(half.next_window(microseconds(300), 300), 200);
  ScanPacer tenth(share(0.1), 2048);
  EXPECT_EQ(tenth.next_window(microseconds(300), 300), 40);
  // Tighter budget, shorter bursts.
  EXPECT_LT(tenth.next_window(microseconds(300), 300), half.next_window(microseconds(300), 300));
}

TEST(ScanPacer, WindowGrowsAtMostTwofoldAndStaysWithinBounds) {
  ScanPacer pacer(share(0.5), 2048);
  EXPECT_EQ(pacer.window(), 32);                                  // before any burst was measured
  EXPECT_EQ(pacer.next_window(microseconds(1), 32), 64);          // very cheap keys: doubling only
  EXPECT_EQ(pacer.next_window(microseconds(1), 4000), 2048);      // never past the pipeline depth
  EXPECT_EQ(pacer.next_window(milliseconds(50), 32), 1);          // very dear keys: one at a time
  EXPECT_EQ(pacer.next_window(microseconds(100), 0), 32);         // a burst of SCAN only: unchanged
}

TEST(ScanPacer, InvalidBudgetsNameTheOption) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  for (double s : {0.0, -0.5, 1.5, nan}) {
    const Error error = thrown_error([&] { ScanPacer pacer(share(s), 10); }, ::testing::PrintToString(s));
    EXPECT_EQ(error.kind(), ErrorKind::kInvalidArgument);
    EXPECT_NE(std::string(error.what()).find("max_server_share"), std::string::npos) << error.what();
  }
  for (double r : {0.0, -1.0, inf, nan}) {
    const std::string message = thrown_error([&] { validate_budget(rate(r)); }, ::testing::PrintToString(r)).what();
    EXPECT_NE(message.find("max_commands_per_second"), std::string::npos) << message;
  }
}

TEST(ScanPacer, SourceCountShrinksWithTheShareOnly) {
  EXPECT_EQ(ScanPacer::source_count(ScanBudget{}, 1000), 1000);
  EXPECT_EQ(ScanPacer::source_count(share(1.0), 1000), 1000);
  EXPECT_EQ(ScanPacer::source_count(rate(100), 1000), 1000);
  EXPECT_EQ(ScanPacer::source_count(share(0.5), 1000), 128);
  EXPECT_EQ(ScanPacer::source_count(share(0.25), 1000), 64);
  EXPECT_EQ(ScanPacer::source_count(share(0.01), 1000), 16);  // a floor: SCAN still makes progress
  EXPECT_EQ(ScanPacer::source_count(share(0.5), 50), 50);     // never longer than asked
}

TEST(ScanPacer, PacedSendsOnlyWhenABurstOpens) {
  ScanPacer pacer(share(0.99), 100);
  EXPECT_TRUE(pacer.may_send(true, true));    // opens the first burst at once
  pacer.started(5);
  EXPECT_FALSE(pacer.may_send(false, true));  // its replies are still coming
  pacer.answered();
  EXPECT_FALSE(pacer.may_send(true, false));  // closed; nothing to send
  EXPECT_TRUE(pacer.may_send(true, true));    // the next burst, after its (tiny) pause
}

// The server's part of a burst ends when its last bytes reach us: the time we then spend parsing
// and handing batches on is not charged to the server, so it does not lengthen the pause.
TEST(ScanPacer, PauseCountsFromTheLastBytesReceived) {
  using Clock = ScanPacer::Clock;
  ScanPacer pacer(share(0.5), 100);
  const Clock::time_point before_open = Clock::now();
  ASSERT_TRUE(pacer.may_send(true, true));
  pacer.started(5);
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  pacer.received();
  const Clock::time_point after_received = Clock::now();
  std::this_thread::sleep_for(std::chrono::milliseconds(30));  // our own work after the last reply
  pacer.answered();
  EXPECT_FALSE(pacer.may_send(true, false));  // closes the burst
  // At share 0.5 the pause equals the server's busy time, counted from its end.
  EXPECT_LE(pacer.next_start(), after_received + (after_received - before_open));
  EXPECT_GE(pacer.next_start(), before_open + 2 * std::chrono::milliseconds(2));
}

}  // namespace
}  // namespace polars_redis::read
