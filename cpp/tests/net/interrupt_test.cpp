// The SIGINT handler chain: another library that wraps ours, and is wrapped by ours in turn,
// must not make the two call each other forever (Polars' signal-hook does exactly that).
#include "polars_redis/net/interrupt.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>

namespace polars_redis::net {
namespace {

int g_first_calls = 0;
int g_other_calls = 0;
struct sigaction g_wrapped {};  // what the "other library" replaced: ours

void first_handler(int) { ++g_first_calls; }

// Like signal-hook: runs, then chains to the handler it replaced.
void other_library(int signal, siginfo_t* info, void* context) {
  ++g_other_calls;
  if (g_other_calls > 100) return;  // the cycle would otherwise overflow the stack
  if ((g_wrapped.sa_flags & SA_SIGINFO) != 0) {
    g_wrapped.sa_sigaction(signal, info, context);
  } else if (g_wrapped.sa_handler != SIG_DFL && g_wrapped.sa_handler != SIG_IGN) {
    g_wrapped.sa_handler(signal);
  }
}

TEST(Interrupt, AHandlerWrappedBothWaysRunsOncePerSignal) {
  struct sigaction saved {};
  ASSERT_EQ(::sigaction(SIGINT, nullptr, &saved), 0);
  struct sigaction first {};
  first.sa_handler = first_handler;
  ASSERT_EQ(::sigaction(SIGINT, &first, nullptr), 0);
  watch_interrupts();  // ours wraps the first handler
  struct sigaction other {};
  other.sa_flags = SA_SIGINFO;
  other.sa_sigaction = other_library;
  ASSERT_EQ(::sigaction(SIGINT, &other, &g_wrapped), 0);  // the other library wraps ours
  watch_interrupts();  // and ours wraps it again: ours -> other -> ours -> ...
  const uint64_t before = interrupt_count();
  ASSERT_EQ(::raise(SIGINT), 0);
  EXPECT_EQ(interrupt_count(), before + 1);
  EXPECT_EQ(g_other_calls, 1);  // no recursion (it used to recurse until the stack overflowed)
  // The cycle bypasses the handler ours replaced first: it is no longer ours' previous one.
  EXPECT_EQ(g_first_calls, 0);
  ::sigaction(SIGINT, &saved, nullptr);
}

// A cancelled reader still releases what it holds on the server: inside a CleanupScope its cancel
// flag no longer stops waits, a SIGINT that comes later still does, and the flag applies again after.
TEST(Interrupt, CleanupScopeIgnoresTheCancelFlagButNotANewSignal) {
  std::atomic<bool> cancelled{true};
  const CancelScope reader(&cancelled);
  const uint64_t seen = interrupt_count();
  EXPECT_THROW(throw_if_interrupted(seen), Interrupted);
  {
    const CleanupScope cleanup;
    EXPECT_NO_THROW(throw_if_interrupted(seen));
    struct sigaction saved {};
    ASSERT_EQ(::sigaction(SIGINT, nullptr, &saved), 0);
    struct sigaction counting {};
    counting.sa_handler = first_handler;
    ASSERT_EQ(::sigaction(SIGINT, &counting, nullptr), 0);
    watch_interrupts();
    ASSERT_EQ(::raise(SIGINT), 0);
    EXPECT_THROW(throw_if_interrupted(seen), Interrupted);
    ::sigaction(SIGINT, &saved, nullptr);
  }
  EXPECT_THROW(throw_if_interrupted(interrupt_count()), Interrupted);
}

}  // namespace
}  // namespace polars_redis::net
