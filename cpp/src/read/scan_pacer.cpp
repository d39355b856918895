#include "polars_redis/read/scan_pacer.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <thread>

#include "polars_redis/error.hpp"
#include "polars_redis/net/interrupt.hpp"

namespace polars_redis::read {

namespace {

using Seconds = std::chrono::duration<double>;

// The first burst's window when pacing by share, before any burst was measured.
constexpr int64_t kFirstWindow = 32;

// Sleeps until `until`, in slices short enough that Ctrl-C or a cancelled reader ends it promptly.
void sleep_until(ScanPacer::Clock::time_point until) {
  const uint64_t interrupts = net::interrupt_count();
  for (auto now = ScanPacer::Clock::now(); now < until; now = ScanPacer::Clock::now()) {
    net::throw_if_interrupted(interrupts);
    std::this_thread::sleep_for(std::min<ScanPacer::Clock::duration>(until - now, net::kCancelCheck));
  }
  net::throw_if_interrupted(interrupts);
}

}  // namespace

void validate_budget(const ScanBudget& budget) {
  if (budget.max_server_share && !(*budget.max_server_share > 0.0 && *budget.max_server_share <= 1.0)) {
    throw Error(ErrorKind::kInvalidArgument,
                "max_server_share must be in (0, 1], got " + std::to_string(*budget.max_server_share));
  }
  if (budget.max_commands_per_second && !(*budget.max_commands_per_second > 0.0 && std::isfinite(*budget.max_commands_per_second))) {
    throw Error(ErrorKind::kInvalidArgument,
                "max_commands_per_second must be a finite number above 0, got " + std::to_string(*budget.max_commands_per_second));
  }
}

int64_t ScanPacer::source_count(const ScanBudget& budget, int64_t count_hint) {
  if (!budget.max_server_share || *budget.max_server_share >= 1.0) return count_hint;
  const auto paced = static_cast<int64_t>(static_cast<double>(kPacedSourceCount) * *budget.max_server_share);
  return std::min(count_hint, std::max<int64_t>(paced, 16));
}

ScanPacer::ScanPacer(const ScanBudget& budget, int64_t max_window) : budget_(budget), max_window_(std::max<int64_t>(1, max_window)) {
  validate_budget(budget_);
  window_ = max_window_;
  if (budget_.max_server_share && *budget_.max_server_share < 1.0) window_ = std::min(window_, kFirstWindow);
  if (budget_.max_commands_per_second) {
    const auto slice = static_cast<int64_t>(*budget_.max_commands_per_second * Seconds(kRateSlice).count());
    window_ = std::clamp<int64_t>(slice, 1, window_);
  }
}

ScanPacer::Clock::duration ScanPacer::pause_after(Clock::duration busy, int64_t commands) const {
  Clock::duration pause{0};
  if (budget_.max_server_share && *budget_.max_server_share < 1.0) {
    const double share = *budget_.max_server_share;
    // Rounded up: never a nanosecond short of the share.
    pause = std::chrono::ceil<Clock::duration>(Seconds(Seconds(busy).count() * (1.0 - share) / share));
  }
  if (budget_.max_commands_per_second) {
    // The burst's commands spread at the rate, counted from its start.
    const auto spread = std::chrono::ceil<Clock::duration>(Seconds(commands / *budget_.max_commands_per_second));
    pause = std::max(pause, spread - busy);
  }
  return pause;
}

int64_t ScanPacer::next_window(Clock::duration busy, int64_t units) const {
  int64_t window = window_;
  if (budget_.max_server_share && *budget_.max_server_share < 1.0 && units > 0 && busy.count() > 0) {
    const double target = Seconds(kBurstTarget).count() * *budget_.max_server_share;
    const double per_unit = Seconds(busy).count() / static_cast<double>(units);
    // At most doubling per burst: one fast burst (a cache-warm key) must not open the window wide.
    const double wanted = std::min(target / per_unit, 2.0 * static_cast<double>(std::max<int64_t>(units, 1)));
    window = static_cast<int64_t>(std::clamp(wanted, 1.0, static_cast<double>(max_window_)));
  }
  if (budget_.max_commands_per_second) {
    const auto slice = static_cast<int64_t>(*budget_.max_commands_per_second * Seconds(kRateSlice).count());
    window = std::clamp<int64_t>(slice, 1, window);
  }
  return window;
}

void ScanPacer::close_burst(Clock::time_point now) {
  const Clock::time_point server_done = last_received_ > burst_start_ ? last_received_ : now;
  const Clock::duration busy = server_done - burst_start_;
  next_start_ = server_done + pause_after(busy, burst_replies_);
  window_ = next_window(busy, burst_units_);
  open_ = false;
}

bool ScanPacer::may_send(bool idle, bool has_work) {
  if (!paced()) return true;
  if (open_) {
    if (!idle) return false;
    close_burst(Clock::now());
  }
  if (!has_work) return false;
  sleep_until(next_start_);
  open_ = true;
  burst_start_ = Clock::now();
  last_received_ = burst_start_;
  burst_units_ = 0;
  burst_replies_ = 0;
  return true;
}

}  // namespace polars_redis::read
