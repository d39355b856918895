// The redirect policy cluster reads and writes share: how long between re-send rounds, and when
// patience is out.
#include "polars_redis/net/redirect_policy.hpp"

#include <gtest/gtest.h>

namespace polars_redis::net {
namespace {

using std::chrono::milliseconds;

TEST(RedirectPolicy, AFirstResendAfterMovedOrAskGoesAtOnce) {
  EXPECT_EQ(kRedirectPolicy.pause_before(0, false), milliseconds(0));
}

TEST(RedirectPolicy, ASlotStillMovingPausesDoublingUpToHalfASecond) {
  // TRYAGAIN at once: the slot is moving from the first round on (reads always count so).
  EXPECT_EQ(kRedirectPolicy.pause_before(0, true), milliseconds(20));
  EXPECT_EQ(kRedirectPolicy.pause_before(1, true), milliseconds(40));
  EXPECT_EQ(kRedirectPolicy.pause_before(4, true), milliseconds(320));
  EXPECT_EQ(kRedirectPolicy.pause_before(5, true), milliseconds(500));
  EXPECT_EQ(kRedirectPolicy.pause_before(1000, true), milliseconds(500));
  // Rows redirected again: the second re-send waits the first pause.
  EXPECT_EQ(kRedirectPolicy.pause_before(1, false), milliseconds(20));
  EXPECT_EQ(kRedirectPolicy.pause_before(2, false), milliseconds(40));
  EXPECT_EQ(kRedirectPolicy.pause_before(1000, false), milliseconds(500));
}

TEST(RedirectPolicy, PatienceIsADeadlineFromTheFirstRedirection) {
  const RedirectDeadline::Clock::time_point start{};
  const RedirectDeadline deadline(kRedirectPolicy, start);
  EXPECT_EQ(deadline.patience_seconds(), 30);
  EXPECT_FALSE(deadline.passed(start));
  EXPECT_FALSE(deadline.passed(start + milliseconds(30'000)));
  EXPECT_TRUE(deadline.passed(start + milliseconds(30'001)));

  const RedirectPolicy brief{milliseconds(100), milliseconds(5), milliseconds(50)};
  EXPECT_TRUE(RedirectDeadline(brief, start).passed(start + milliseconds(101)));
  EXPECT_EQ(brief.pause_before(3, true), milliseconds(40));
  EXPECT_EQ(brief.pause_before(4, true), milliseconds(50));
}

}  // namespace
}  // namespace polars_redis::net
