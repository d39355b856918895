#!/usr/bin/env bash
# Builds the extension into build/dev-NAME and lays out an importable package there (the .py files
# are symlinks to src/), so several people can build and test side by side without touching the
# installed wheel:  PYTHONPATH=$(scripts/dev-build.sh NAME) .venv/bin/python -m pytest tests/...
set -euo pipefail
name=${1:-dev}
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/build/dev-$name
export PATH="$root/.venv/bin:$PATH"
cmake -S "$root" -B "$out/cmake" -G Ninja -DPOLARS_REDIS_BUILD_PYTHON=ON \
  -DPython_EXECUTABLE="$root/.venv/bin/python" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$out/cmake" --target _core _core_stub >&2
mkdir -p "$out/pkg/polars_redis"
# Links to modules that moved or went away would dangle (and shadow nothing): drop them.
find "$out/pkg/polars_redis" -maxdepth 1 -xtype l -delete
for f in "$root"/src/polars_redis/*; do ln -sfn "$f" "$out/pkg/polars_redis/"; done
cp "$out"/cmake/_core*.so "$out/pkg/polars_redis/"
# The stub is generated with the module (a copy, never through a stale symlink into src/).
cp --remove-destination "$out/cmake/_core.pyi" "$out/pkg/polars_redis/_core.pyi"
echo "$out/pkg"
