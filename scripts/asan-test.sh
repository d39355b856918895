#!/usr/bin/env bash
# The Python suite against the sanitized module that scripts/sanitized-build.sh built (make cpp-test),
# under Polars 2. Python itself is not instrumented, so the ASan runtime is preloaded. Leak detection
# is off (the interpreter keeps objects to exit by design); any error report aborts the run.
# This is the suite's Polars 2 run: py-test-polars1 runs it again on the installed (optimized) wheel
# under Polars 1, and py-test runs, on the wheel under Polars 2, the tests left out here (below).
# Extra arguments go to pytest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=$root/.venv
tree=$root/build/cpp-tests
pkg=$root/build/asan-pkg
ls "$tree"/_core*.so >/dev/null 2>&1 || { echo "asan-test: no sanitized module in $tree: run make cpp-test first" >&2; exit 1; }
rm -rf "$pkg" && mkdir -p "$pkg/polars_redis"
for f in "$root"/src/polars_redis/*; do ln -sfn "$f" "$pkg/polars_redis/"; done
cp "$tree"/_core*.so "$tree"/_core.pyi "$pkg/polars_redis/"
cd "$root"
LD_PRELOAD="$(g++ -print-file-name=libasan.so):$(g++ -print-file-name=libubsan.so)" \
ASAN_OPTIONS=alloc_dealloc_mismatch=0:halt_on_error=1:abort_on_error=1:detect_leaks=0 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
PYTHONPATH="$pkg" "$venv/bin/python" -m pytest -q -p no:cacheprovider --durations=15 tests -m "not unsanitized" "$@"
