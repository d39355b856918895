#!/usr/bin/env bash
# Replaced by `make dev`: an editable install into .venv-dev (one per checkout or worktree, sharing
# .venv's packages), whose C++ extension is rebuilt on the first import after a source changed.
# This script used to print a directory for PYTHONPATH; there is none any more, so it runs
# `make dev` and says how to use the result. Its NAME argument is ignored: a checkout has one
# editable build (build/editable).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
make -C "$root" dev >&2
cat >&2 <<MSG
scripts/dev-build.sh is replaced by 'make dev'. Run tests on the editable install, no PYTHONPATH:
  make dev-test TESTS=tests/<area>/...     (or: $root/.venv-dev/bin/python -m pytest tests/<area>/...)
MSG
