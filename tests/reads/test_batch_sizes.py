"""Batches a key scan hands to Polars: the first at batch_size rows (early rows for head), the
later ones gathering about 1 MiB of replies (fewer hand-overs for small rows), never fewer than
batch_size rows except the last, and never far beyond 1 MiB (bounded memory)."""

from __future__ import annotations

import polars as pl
import redis

from polars_redis import _core
from polars_redis.engine.dtypes import to_descriptor

MIB = 1 << 20


def _batches(url: str, plan: dict) -> list[pl.DataFrame]:
    scan = _core.scan_hashes(url, {"include_key": True, **plan})
    frames = []
    while (batch := scan.next_batch()) is not None:
        frames.append(pl.DataFrame(batch))
    scan.close()
    return frames


def _load(r: redis.Redis, prefix: str, n: int, value_bytes: int) -> dict[str, str]:
    expected = {f"{prefix}:{i}": f"{i:06d}".ljust(value_bytes, "x") for i in range(n)}
    pipe = r.pipeline(transaction=False)
    for key, value in expected.items():
        pipe.hset(key, "v", value)
    pipe.execute()
    return expected


def test_batches_gather_small_rows_but_stay_near_a_mebibyte(url: str, r: redis.Redis):
    fields = [("v", to_descriptor("v", pl.String))]
    for prefix, n, value_bytes in [("small", 60_000, 8), ("large", 3_000, 2_000)]:
        expected = _load(r, prefix, n, value_bytes)
        frames = _batches(url, {"pattern": f"{prefix}:*", "batch_size": 100, "fields": fields})
        whole = pl.concat(frames)
        assert dict(zip(whole["_key"], whole["v"])) == expected  # every key once, with its value
        assert whole.height == n
        assert frames[0].height == 100
        for frame in frames[1:-1]:
            # A batch ends with the reply that takes it to 1 MiB: one row's reply is the value
            # plus at most 64 bytes of RESP framing (field name, lengths).
            assert frame.height >= 100
            assert frame.height * (value_bytes + 64) >= MIB
            assert frame.height * value_bytes < MIB + value_bytes + 64
        if prefix == "small":
            assert len(frames) < n // 1_000  # not one hand-over per batch_size rows


def test_n_rows_still_stops_at_the_limit(url: str, r: redis.Redis):
    _load(r, "lim", 5_000, 8)
    fields = [("v", to_descriptor("v", pl.String))]
    frames = _batches(url, {"pattern": "lim:*", "batch_size": 100, "n_rows": 250, "fields": fields})
    assert sum(f.height for f in frames) == 250
