#!/usr/bin/env bash
# Proves that the repaired wheel in dist/ (`make wheel`) runs where nothing was built: a minimal
# Debian root (debootstrap --variant=minbase, plus python3 and python3-venv only: no compiler, no
# libsimdjson, no libssl-dev, no OpenSSL headers) gets a virtualenv with the wheel and Polars from
# PyPI, and reads hashes from a Redis Stack started on the host (a chroot shares the host's
# network, so 127.0.0.1 reaches it). The root is built once and cached under .cache/.
# Needs root (chroot, mount) and the Debian packages debootstrap and python3 on the host.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$root/.venv/bin/python}  # the host side: starts the server, loads the data
suite=${SUITE:-$(. /etc/os-release && echo "$VERSION_CODENAME")}
cache=$root/.cache/wheel-portable
rootfs=$cache/$suite-minbase
polars=${POLARS:-polars==2.1.0}

wheels=("$root"/dist/polars_redis_native-*manylinux*.whl)
if [ ${#wheels[@]} -ne 1 ] || [ ! -f "${wheels[0]}" ]; then
  echo "wheel-portable-check: expected one repaired (manylinux) wheel in $root/dist (run make wheel)" >&2
  exit 1
fi
wheel=${wheels[0]}
# Commands in the root get a clean environment: nothing of the host's (PYTHONPATH,
# LD_LIBRARY_PATH, pip settings) may help the wheel there.
chroot=$(command -v chroot || echo /usr/sbin/chroot)
in_root() { env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/root LANG=C.UTF-8 "$chroot" "$rootfs" "$@"; }

# Debian's mirror as the host's apt is configured (MIRROR overrides).
mirror=${MIRROR:-$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1)}
if [ -z "$mirror" ]; then
  mirror=$(awk '$1 == "deb" && $0 !~ /security/ {for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) {print $i; exit}}' \
    /etc/apt/sources.list 2>/dev/null)
fi

# A run that was killed may have left /proc mounted in the root: never delete through a mount.
if mountpoint -q "$rootfs/proc" 2>/dev/null; then umount "$rootfs/proc" || umount -l "$rootfs/proc"; fi
if [ ! -f "$rootfs/.complete" ]; then
  command -v debootstrap >/dev/null || { echo "wheel-portable-check: install debootstrap" >&2; exit 1; }
  rm -rf "$rootfs"
  mkdir -p "$cache"
  echo "wheel-portable-check: building a minbase $suite root in $rootfs (once; a few minutes)"
  debootstrap --variant=minbase --include=python3,python3-venv "$suite" "$rootfs" "$mirror" \
    >"$cache/debootstrap.log" 2>&1 || { tail -n 30 "$cache/debootstrap.log" >&2; exit 1; }
  touch "$rootfs/.complete"
fi
for absent in g++ gcc cc libsimdjson.so libssl-dev; do  # what the proof relies on being missing
  if in_root /bin/sh -c "command -v $absent || ls /usr/lib/*/$absent* /usr/share/doc/$absent" \
      >/dev/null 2>&1; then
    echo "wheel-portable-check: the minimal root unexpectedly has $absent" >&2
    exit 1
  fi
done

# Polars (and its dependencies) for the root's Python, fetched by the host's pip (same suite, so
# the same Python) and installed offline: the root needs no network but the loopback.
pyver=$(in_root python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
hostver=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
if [ "$pyver" != "$hostver" ]; then
  echo "wheel-portable-check: the root has Python $pyver, the host $hostver; build the wheel for $pyver" >&2
  exit 1
fi
downloads=$cache/wheels-$pyver
mkdir -p "$downloads"
"$python" -m pip download -q --only-binary=:all: -d "$downloads" "$polars" "cloudpickle>=2"

server_pid=""
mounted=""
cleanup() {
  if [ -n "$mounted" ]; then umount "$rootfs/proc" || umount -l "$rootfs/proc"; fi
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$rootfs/opt/check"
}
trap cleanup EXIT

mount -t proc proc "$rootfs/proc" && mounted=1
rm -rf "$rootfs/opt/check" && mkdir -p "$rootfs/opt/check/wheels"
cp "$wheel" "$downloads"/*.whl "$rootfs/opt/check/wheels/"
in_root python3 -m venv /opt/check/venv
in_root /opt/check/venv/bin/pip install -q --no-index --find-links /opt/check/wheels \
  "/opt/check/wheels/$(basename "$wheel")" "$polars"

# A Redis Stack on the host, loaded by redis-py (the oracle) with rows the chroot must read back.
out=$cache/server.out
: >"$out"  # emptied here: the background job's own redirection may come after the first read
"$python" -m polars_redis.server --port 0 >"$out" 2>&1 &
server_pid=$!
url=""
for _ in $(seq 600); do
  url=$(sed -n 's/^URL: //p' "$out")
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$out" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "wheel-portable-check: the server did not start" >&2; cat "$out" >&2; exit 1; }
"$python" - "$url" <<'PY'
import sys
import redis
client = redis.Redis.from_url(sys.argv[1])
for i in range(1000):
    client.hset(f"user:{i}", mapping={"name": f"n{i}", "age": str(i % 90)})
client.json().set("doc:1", "$", {"name": "Ada", "tags": ["x", "y"]})
client.close()
PY

cat >"$rootfs/opt/check/read.py" <<'PY'
import subprocess, sys
from importlib.metadata import version

import polars as pl
import polars_redis as pr

url = sys.argv[1]
assert "/opt/check/venv/" in pr.__file__, pr.__file__
assert pr.__version__ == version("polars-redis-native"), (pr.__version__, version("polars-redis-native"))
ldd = subprocess.run(["ldd", pr._core.__file__], capture_output=True, text=True).stdout
assert "not found" not in ldd, ldd
assert "libsimdjson" in ldd and "libssl" in ldd and ".libs" in ldd, ldd  # carried inside the wheel

users = pr.scan_hashes(url, "user:*", {"name": pl.String, "age": pl.Int64}).sort("_key").collect()
expected = pl.DataFrame({"_key": [f"user:{i}" for i in range(1000)], "name": [f"n{i}" for i in range(1000)],
                         "age": [i % 90 for i in range(1000)]}).sort("_key")
assert users.equals(expected), users
doc = pr.read_json(url, "doc:*", {"name": pl.String, "tags": pl.List(pl.String)})
assert doc.to_dicts() == [{"_key": "doc:1", "name": "Ada", "tags": ["x", "y"]}], doc
try:
    pr.read_hashes("redis://127.0.0.1:1/0", "user:*")
except pr.RedisConnectionError:
    pass
else:
    raise AssertionError("no connection error")
print(f"polars-redis {pr.__version__} with polars {pl.__version__}: {users.height} hashes and a JSON document read")
PY
in_root /opt/check/venv/bin/python /opt/check/read.py "$url"
echo "wheel-portable-check: $(basename "$wheel") works in a minimal $suite root OK"
