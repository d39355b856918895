"""Repeating scans and writes in one process does not grow its memory: 200 of each after a
warm-up add no more than a few MB of resident memory (native batches, connections, threads and
capsules are all released)."""

from __future__ import annotations

import gc
import os

import polars as pl
import pytest
import redis

import polars_redis as pr
from conftest import load_hashes


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        resident_pages = int(statm.read().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / 2**20


# ASan keeps freed memory in its quarantine (up to 256 MB) by design, so resident memory grows
# there with or without a leak: this test measures our allocations only without the sanitizers.
@pytest.mark.unsanitized
def test_200_scans_and_200_writes_do_not_grow_memory(url: str, r: redis.Redis) -> None:
    load_hashes(r, {f"mem:{i}": {"name": f"n{i}", "age": str(i % 90)} for i in range(2000)})
    frame = pl.DataFrame({"_key": [f"out:{i}" for i in range(2000)], "v": list(range(2000))})
    schema = {"name": pl.String, "age": pl.Int64}

    def round_trip() -> None:
        df = pr.read_hashes(url, "mem:*", schema)
        assert df.height == 2000
        assert pr.scan_hashes(url, "mem:*", schema).filter(pl.col("age") > 50).select(pl.len()).collect().item() > 0
        pr.write_hashes(frame, url)

    for _ in range(20):  # warm-up: allocator pools, Polars' thread pool, first imports
        round_trip()
    gc.collect()
    before = _rss_mb()
    for _ in range(200):
        round_trip()
    gc.collect()
    growth = _rss_mb() - before
    assert growth < 8.0, f"resident memory grew by {growth:.1f} MB over 200 scans and writes"
