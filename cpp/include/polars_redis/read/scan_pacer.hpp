#pragma once
// A read's budget on the server (max_server_share, max_commands_per_second) and the pacing that
// keeps to it. Unbounded, a scan keeps its pipeline full and the server's one thread runs our
// commands back to back; every other client waits behind them. Paced, the scan works in bursts:
// a burst sends a window of work, waits for its last reply, then pauses. The server is taken to be
// busy with us from a burst's first send until the last of its reply bytes reached our socket (an
// overestimate by the round trip, and by our parsing when we read slower than it answers; the time
// we then spend parsing the last bytes and handing batches on is ours, not the server's), so
// pausing busy * (1 - share) / share afterwards keeps our share of its time at or below `share`.
// The window adapts so that a burst lasts about kBurstTarget * share: the tighter the budget, the
// shorter the wait of a client whose command lands behind a burst.
#include <chrono>
#include <cstdint>
#include <optional>

namespace polars_redis::read {

struct ScanBudget {
  std::optional<double> max_server_share;         // in (0, 1]; 1 or unset: no bound
  std::optional<double> max_commands_per_second;  // > 0; unset: no bound
  bool bounded() const { return (max_server_share && *max_server_share < 1.0) || max_commands_per_second.has_value(); }
};

// Throws Error(kInvalidArgument) naming the option for a share outside (0, 1] or a rate <= 0.
void validate_budget(const ScanBudget& budget);

class ScanPacer {
 public:
  using Clock = std::chrono::steady_clock;
  // A burst this long at share 1 (scaled by the share): long enough that the round trip is a
  // modest part of it, short enough that a command queued behind it waits well under a millisecond
  // (measured with bench/bench_budget.py: 1 ms bursts left another client's p99 at 2.4-2.8x idle,
  // 400 us ones at 1.4-1.9x).
  static constexpr std::chrono::microseconds kBurstTarget{400};
  // A command budget is spent in slices this long rather than in one burst per second.
  static constexpr std::chrono::milliseconds kRateSlice{10};

  // The key source's COUNT (SCAN, cursor reads) at share 1, scaled by the share: one SCAN call
  // walks COUNT slots of the keyspace in one go (about 0.7 ms for 1000 on a 20K-key server).
  static constexpr int64_t kPacedSourceCount = 256;
  // The COUNT a scan asked for, shortened when a share bounds it.
  static int64_t source_count(const ScanBudget& budget, int64_t count_hint);

  // `max_window`: the most units (keys, pages) a burst may start, the unpaced pipeline depth.
  ScanPacer(const ScanBudget& budget, int64_t max_window);

  bool paced() const { return budget_.bounded(); }
  // The earliest the next burst may open.
  Clock::time_point next_start() const { return next_start_; }
  // Units the current burst may have in flight (max_window when unpaced).
  int64_t window() const { return paced() ? window_ : max_window_; }

  // Called on every turn of a read loop before it queues new work. `idle`: nothing is in flight;
  // `has_work`: there is something to send. Unpaced: always true. Paced: true only on the turn that
  // opens a burst (after sleeping, interruptibly, until the budget allows it); the burst closes on
  // the first idle turn after it.
  bool may_send(bool idle, bool has_work);
  // Units the open burst started, and replies it consumed (one per command).
  void started(int64_t units) { burst_units_ += units; }
  void answered() { ++burst_replies_; }
  // Bytes moved on a connection of the open burst: the server was still at work until now.
  void received() {
    if (open_) last_received_ = Clock::now();
  }

  // The pause owed after a burst that kept the server busy for `busy` and ran `commands`
  // commands, counted from the burst's end (pure: the rule the pacing follows).
  Clock::duration pause_after(Clock::duration busy, int64_t commands) const;
  // The window for the next burst after one that started `units` units and was busy for `busy`.
  int64_t next_window(Clock::duration busy, int64_t units) const;

 private:
  void close_burst(Clock::time_point now);

  ScanBudget budget_;
  int64_t max_window_;
  int64_t window_;
  bool open_ = false;
  Clock::time_point burst_start_{};
  Clock::time_point last_received_{};  // the open burst's last bytes moved (burst_start_: none yet)
  Clock::time_point next_start_{};  // the earliest the next burst may start
  int64_t burst_units_ = 0;
  int64_t burst_replies_ = 0;
};

}  // namespace polars_redis::read
