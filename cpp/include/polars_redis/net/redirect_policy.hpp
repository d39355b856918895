#pragma once
// How long reads and writes keep following cluster redirections (MOVED / ASK / TRYAGAIN) of the
// same rows or keys: one policy for both. A resharding moves a slot in moments, but a migration of
// many keys can take seconds; patience is a deadline, and the rounds in between pause briefly
// while the slot is still moving, so a bouncing key does not hammer the nodes.
#include <chrono>

namespace polars_redis::net {

struct RedirectPolicy {
  std::chrono::milliseconds patience{30'000};     // counted from the first redirection
  std::chrono::milliseconds first_pause{20};
  std::chrono::milliseconds longest_pause{500};

  // The pause before re-send round `round` (0: the first re-send). A first re-send after MOVED or
  // ASK goes at once (the rows were only sent to a node that no longer owns them); after TRYAGAIN
  // (`slot_moving`), or from the second round on, the slot is still moving: 20 ms, doubling, at
  // most 500 ms.
  std::chrono::milliseconds pause_before(int round, bool slot_moving) const;
};

// The policy of every cluster read and write.
inline constexpr RedirectPolicy kRedirectPolicy{};

// The deadline of one operation's redirections, counted from its construction (when the first
// redirection came back).
class RedirectDeadline {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RedirectDeadline(const RedirectPolicy& policy = kRedirectPolicy, Clock::time_point start = Clock::now())
      : patience_(policy.patience), deadline_(start + policy.patience) {}
  // Whether the rows still redirected at `now` must give up.
  bool passed(Clock::time_point now = Clock::now()) const { return now > deadline_; }
  // "30 s", for messages.
  long long patience_seconds() const {
    return std::chrono::duration_cast<std::chrono::seconds>(patience_).count();
  }

 private:
  std::chrono::milliseconds patience_;
  Clock::time_point deadline_;
};

}  // namespace polars_redis::net
