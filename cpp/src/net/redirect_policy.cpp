#include "polars_redis/net/redirect_policy.hpp"

#include <algorithm>

namespace polars_redis::net {

std::chrono::milliseconds RedirectPolicy::pause_before(int round, bool slot_moving) const {
  if (round <= 0 && !slot_moving) return std::chrono::milliseconds(0);
  // The first pause is first_pause; each later round doubles it, up to longest_pause.
  const int doublings = slot_moving ? round : round - 1;
  std::chrono::milliseconds pause = first_pause;
  for (int i = 0; i < doublings && pause < longest_pause; ++i) pause *= 2;
  return std::min(pause, longest_pause);
}

}  // namespace polars_redis::net
