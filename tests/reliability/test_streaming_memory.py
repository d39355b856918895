"""Streaming a scan into sink_parquet keeps memory bounded by the batch, not by the data."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import polars as pl
import redis

from conftest import load_hashes

ROWS = 200_000
VALUE = "v" * 90


def test_sink_parquet_memory_stays_far_below_the_frame(r: redis.Redis, url: str, tmp_path: Path) -> None:
    load_hashes(r, {f"m:{i}": {f"f{j}": f"{VALUE}{i}" for j in range(10)} for i in range(ROWS)})
    out = tmp_path / "out.parquet"
    # A fresh interpreter, so ru_maxrss measures this scan alone (after imports).
    script = textwrap.dedent(f"""
        import json, resource, polars as pl, polars_redis as pr
        schema = {{f"f{{j}}": pl.String for j in range(10)}}
        lf = pr.scan_hashes({url!r}, "m:*", schema, batch_size=2000)
        pl.DataFrame({{"warm": [1]}}).lazy().sink_parquet({str(tmp_path / "warm.parquet")!r})
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        lf.sink_parquet({str(out)!r}, row_group_size=20_000)
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(json.dumps({{"before_kb": before, "after_kb": after}}))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    rss = json.loads(result.stdout.strip().splitlines()[-1])
    frame = pl.read_parquet(out)
    assert frame.height == ROWS
    frame_bytes = frame.estimated_size()
    growth = (rss["after_kb"] - rss["before_kb"]) * 1024
    assert frame_bytes > 150 * 2**20
    assert growth < frame_bytes / 4, f"peak RSS grew by {growth / 2**20:.0f} MiB for a {frame_bytes / 2**20:.0f} MiB frame"
