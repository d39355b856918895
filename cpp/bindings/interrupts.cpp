// Ctrl-C and interpreter exit during blocking calls (see net/interrupt.hpp and ReleasedGil).
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "bindings.hpp"
#include "polars_redis/net/interrupt.hpp"

namespace polars_redis::bindings {

namespace {

// Taking the GIL once finalization has begun ends the thread with pthread_exit, whose forced
// unwind through C++ frames calls std::terminate. So the exit hook (Python's atexit, before
// finalization) closes the door: threads already on their way to the GIL are let through and
// waited for; threads arriving later wait for the process to end instead.
std::mutex g_exit_mutex;
std::condition_variable g_exit_changed;
bool g_exiting = false;
int g_restoring = 0;  // threads between the check and holding the GIL

[[noreturn]] void park_until_exit() {
  for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
}

void on_exit() {
  net::interrupt_everything();  // blocked calls give up now
  PyThreadState* state = PyEval_SaveThread();  // lets the threads on their way through
  {
    std::unique_lock lock(g_exit_mutex);
    g_exiting = true;
    g_exit_changed.wait_for(lock, std::chrono::seconds(5), [] { return g_restoring == 0; });
  }
  PyEval_RestoreThread(state);
}

}  // namespace

ReleasedGil::ReleasedGil() {
  net::watch_interrupts();
  state_ = PyEval_SaveThread();
}

ReleasedGil::~ReleasedGil() {
  {
    std::unique_lock lock(g_exit_mutex);
    if (g_exiting) {
      lock.unlock();
      park_until_exit();
    }
    ++g_restoring;
  }
  PyEval_RestoreThread(state_);
  std::lock_guard lock(g_exit_mutex);
  --g_restoring;
  g_exit_changed.notify_all();
}

void register_interrupts(nb::module_& m) {
  net::watch_interrupts();
  nb::register_exception_translator([](const std::exception_ptr& p, void*) {
    try {
      std::rethrow_exception(p);
    } catch (const net::Interrupted&) {
      // On the main thread this runs Python's SIGINT handler: KeyboardInterrupt. Other threads
      // (Polars' engine, a thread of the user's) end the call with InterruptedError, and the
      // main thread gets its one KeyboardInterrupt from the handler as usual.
      if (PyErr_CheckSignals() == 0) {
        PyErr_SetString(PyExc_InterruptedError, "the Redis call was interrupted (Ctrl-C or exit)");
      }
    }
  });
  m.def("_on_exit", &on_exit, "Stop blocked calls and close the GIL to their threads (at exit).");
  // atexit runs once non-daemon threads are joined and before finalization: calls still running
  // in daemon threads (or Polars' engine threads) give up instead of doing I/O during exit.
  nb::module_::import_("atexit").attr("register")(m.attr("_on_exit"));
}

}  // namespace polars_redis::bindings
