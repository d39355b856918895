#!/usr/bin/env bash
# The C++ side of `make test`: one build of the core with AddressSanitizer + UndefinedBehaviorSanitizer
# serving the GoogleTests, the C++ example (tests/package/test_cpp_example.py runs it) and the Python module
# that scripts/asan-test.sh loads, all in build/cpp-tests; then the GoogleTests. -O1 -g1: what ASan
# recommends, line tables enough for its reports, and about half the compile time of -O2 -g.
# alloc_dealloc_mismatch is off: Debian's prebuilt libsimdjson allocates its parser with new[] /
# aligned new inside the library while simdjson.h's inline destructor frees it in our code, which
# ASan reports as a mismatch although the allocator is the same.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=$root/.venv
export PATH="$venv/bin:$PATH"
export ASAN_OPTIONS=alloc_dealloc_mismatch=0:halt_on_error=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
tree=$root/build/cpp-tests
cmake -S "$root" -B "$tree" -G Ninja -DPOLARS_REDIS_BUILD_TESTS=ON -DPOLARS_REDIS_BUILD_EXAMPLES=ON \
  -DPOLARS_REDIS_BUILD_PYTHON=ON -DPOLARS_REDIS_SANITIZE=ON -DPython_EXECUTABLE="$venv/bin/python" \
  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" >/dev/null
cmake --build "$tree"
# One process for the whole suite: ctest would start one per test, each paying the sanitizer
# runtime's start-up (about a minute in all).
"$tree/polars_redis_tests" --gtest_brief=1
