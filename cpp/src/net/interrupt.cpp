#include "polars_redis/net/interrupt.hpp"

#include <signal.h>

namespace polars_redis::net {
namespace {

std::atomic<uint64_t> g_interrupts{0};
std::atomic<bool> g_exiting{false};
// The handler ours replaced; written before ours is installed, read by the handler.
std::atomic<void (*)(int)> g_previous_handler{nullptr};
std::atomic<void (*)(int, siginfo_t*, void*)> g_previous_action{nullptr};
thread_local const std::atomic<bool>* t_cancel_flag = nullptr;

// Set while on_interrupt runs. Another library that chains to the handler it replaced (Polars'
// signal-hook) can end up both before and after ours once watch_interrupts wraps it in turn:
// ours -> Polars' -> ours -> ... recursed until the stack overflowed (a SIGSEGV on Ctrl-C).
// The inner call returns at once, so each handler of the cycle runs once (the handler ours
// replaced before the cycle formed is then no longer in it; Polars raises KeyboardInterrupt itself).
std::atomic<bool> g_in_handler{false};

void on_interrupt(int signal, siginfo_t* info, void* context) {
  if (g_in_handler.exchange(true)) return;
  g_interrupts.fetch_add(1, std::memory_order_relaxed);
  if (auto action = g_previous_action.load()) {
    action(signal, info, context);
  } else if (auto handler = g_previous_handler.load()) {
    handler(signal);
  }
  g_in_handler.store(false);
}

}  // namespace

void watch_interrupts() {
  struct sigaction current {};
  if (::sigaction(SIGINT, nullptr, &current) != 0) return;
  const bool with_info = (current.sa_flags & SA_SIGINFO) != 0;
  if (with_info && current.sa_sigaction == on_interrupt) return;
  if (!with_info && (current.sa_handler == SIG_DFL || current.sa_handler == SIG_IGN)) return;
  g_previous_action.store(with_info ? current.sa_sigaction : nullptr);
  g_previous_handler.store(with_info ? nullptr : current.sa_handler);
  struct sigaction ours = current;
  ours.sa_flags = (current.sa_flags | SA_SIGINFO) & ~SA_RESETHAND;
  ours.sa_sigaction = on_interrupt;
  ::sigaction(SIGINT, &ours, nullptr);
}

uint64_t interrupt_count() { return g_interrupts.load(std::memory_order_relaxed); }

CancelScope::CancelScope(const std::atomic<bool>* flag) : previous_(t_cancel_flag) { t_cancel_flag = flag; }

CancelScope::~CancelScope() { t_cancel_flag = previous_; }

const std::atomic<bool>* current_cancel_flag() { return t_cancel_flag; }

void interrupt_everything() { g_exiting = true; }

void throw_if_interrupted(uint64_t interrupts_seen) {
  if (interrupt_count() != interrupts_seen || g_exiting.load(std::memory_order_relaxed) || (t_cancel_flag != nullptr && t_cancel_flag->load())) {
    throw Interrupted();
  }
}

}  // namespace polars_redis::net
