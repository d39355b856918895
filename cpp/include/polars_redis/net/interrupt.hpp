#pragma once
// Giving up blocked socket waits: on Ctrl-C (SIGINT), or when the reader that owns the waiting
// thread is cancelled. Every wait polls in slices of kCancelCheck and checks both between them,
// so a stalled server never holds a thread longer than that after either happens.
#include <atomic>
#include <chrono>
#include <cstdint>

namespace polars_redis::net {

constexpr std::chrono::milliseconds kCancelCheck{100};

// Thrown out of a wait that was given up. Deliberately not a std::exception: no handler that
// retries or reports failures (catch (const std::exception&)) may swallow a request to stop.
struct Interrupted {};

// Counts SIGINTs from now on: (re)installs a handler that counts, then calls the handler it
// replaced (Python's). Does nothing when SIGINT is ignored or has its default action. Cheap;
// called before each blocking operation, since Python's signal.signal() replaces the handler.
void watch_interrupts();
// SIGINTs counted so far.
uint64_t interrupt_count();

// While alive, socket waits on this thread also give up once `*flag` is true. Threads a reader
// starts for itself inherit it with current_cancel_flag().
class CancelScope {
 public:
  explicit CancelScope(const std::atomic<bool>* flag);
  ~CancelScope();
  CancelScope(const CancelScope&) = delete;
  CancelScope& operator=(const CancelScope&) = delete;

 private:
  const std::atomic<bool>* previous_;
};
const std::atomic<bool>* current_cancel_flag();

// While alive, socket waits on this thread ignore the reader's cancel flag: releasing what a
// cancelled reader holds on the server (a search cursor) must finish after the consumer stopped
// it. A new SIGINT, or the process exiting, still stops those waits.
class CleanupScope {
 public:
  CleanupScope() = default;

 private:
  CancelScope not_cancelled_{nullptr};
};

// Throws Interrupted if this thread's cancel flag is set, a SIGINT came after `interrupts_seen`,
// or the process is exiting.
void throw_if_interrupted(uint64_t interrupts_seen);

// The process is exiting: every wait gives up from now on, so no thread is left doing I/O while
// static objects are destroyed.
void interrupt_everything();

}  // namespace polars_redis::net
