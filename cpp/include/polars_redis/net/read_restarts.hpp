#pragma once
// The restart policy of reads: a read that could not reach its server (a connection failure or a
// timeout) before it produced anything is started again from the beginning, up to
// ConnectionOptions::retries times. Nothing had been handed out, so a restart can neither double
// nor skip rows; the pool drops a connection that failed, so a restart connects afresh. Writes
// never restart (a command may have taken effect), nor do reads that change server state
// (consumer-group reads move the group's cursor): their callers pass no restarts.
#include <utility>

#include "polars_redis/error.hpp"

namespace polars_redis::net {

inline bool is_restartable(const Error& error) {
  return error.kind() == ErrorKind::kConnection || error.kind() == ErrorKind::kTimeout;
}

// `attempt()` run once, and again up to `restarts` times while it fails with a restartable error
// and `may_restart()` agrees (e.g. nothing was handed out yet).
template <typename Attempt, typename MayRestart>
decltype(auto) with_read_restarts(int restarts, Attempt&& attempt, MayRestart&& may_restart) {
  for (;;) {
    try {
      return attempt();
    } catch (const Error& error) {
      if (!is_restartable(error) || restarts <= 0 || !may_restart()) throw;
      --restarts;
    }
  }
}

template <typename Attempt>
decltype(auto) with_read_restarts(int restarts, Attempt&& attempt) {
  return with_read_restarts(restarts, std::forward<Attempt>(attempt), [] { return true; });
}

}  // namespace polars_redis::net
