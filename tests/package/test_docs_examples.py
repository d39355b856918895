"""Every example script in examples/ and every ```python block of docs/*.md runs.

A page's blocks run in order in one namespace, as a reader would paste them, against a fresh
embedded Redis Stack: `url` is preset to its URL and the pages' `redis://localhost:6379` points at
it too. Blocks fenced ```python title="not run" (they need a cluster) are left out.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import polars as pl
import pytest
import redis

from polars_redis.server import RedisStackServer

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted((ROOT / "docs").glob("*.md"))
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
BLOCK = re.compile(r"^```python([^\n]*)\n(.*?)^```", re.S | re.M)
LOCAL_URL = "redis://localhost:6379"


def runnable_blocks(page: Path) -> list[str]:
    return [m.group(2) for m in BLOCK.finditer(page.read_text()) if 'title="not run"' not in m.group(1)]


def test_the_pages_have_code_to_run() -> None:
    # Guards the block pattern itself: a regex that matched nothing would make every page pass.
    assert sum(len(runnable_blocks(page)) for page in PAGES) >= 20
    assert len(EXAMPLES) >= 4


@pytest.mark.parametrize("page", [p for p in PAGES if runnable_blocks(p)], ids=lambda p: p.name)
def test_docs_page_runs(page: Path) -> None:
    # catch_warnings: a page may change the warning filters (Pushdown does) for its own blocks only.
    with RedisStackServer() as server, warnings.catch_warnings():
        base = server.url.removesuffix("/0")
        namespace: dict[str, object] = {"__name__": f"docs_{page.stem}", "url": server.url}
        try:
            for number, block in enumerate(runnable_blocks(page), 1):
                code = compile(block.replace(LOCAL_URL, base), f"{page.name}[block {number}]", "exec")
                exec(code, namespace)  # noqa: S102 - the documentation's own code
        finally:
            # A page may start its own server (Getting started does); leave none running.
            for value in namespace.values():
                if isinstance(value, RedisStackServer) and value is not server:
                    value.stop()


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.name)
def test_example_script_runs(script: Path, url: str, r: redis.Redis, tmp_path: Path) -> None:
    # Each script takes a URL; `r` has emptied the session server's database for it.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    result = subprocess.run(
        [sys.executable, str(script), url], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip(), "an example should show its result"
    # What each script left in Redis (or on disk), read back with redis-py.
    if script.name == "events_to_parquet.py":
        assert pl.read_parquet(tmp_path / "events.parquet").height == r.xlen("events:web") == 20_000
    elif script.name == "cache_warmup.py":
        assert sum(1 for _ in r.scan_iter("product:*", count=1000)) == 10_000
        assert r.hgetall("product:SKU-00002") == {b"price": b"11.99", b"in_stock": b"2"}
        assert 3500 < r.ttl("product:SKU-00002") <= 3600
    elif script.name == "customer_analytics.py":
        assert int(r.ft("idx:customers").info()["num_docs"]) == 5000
    elif script.name == "timeseries_downsampling.py":
        assert sorted(k.decode() for k in r.execute_command("TS.QUERYINDEX", "region=norway")) == [
            f"sensor:{f}:{n}" for f in ("bergen", "oslo") for n in range(3)
        ]
        assert len(r.execute_command("TS.RANGE", "sensor:oslo:0", "-", "+")) == 24 * 60


def test_an_example_starts_its_own_server_without_a_url(tmp_path: Path) -> None:
    script = ROOT / "examples" / "cache_warmup.py"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, env=env,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
