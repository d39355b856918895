"""row_index_offset against the UInt32 row index column, for every reader that has one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl
import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import polars_redis as pr

UINT32_MAX = 2**32 - 1
ROWS = 3


def _load(r: redis.Redis) -> None:
    for i in range(ROWS):
        r.hset(f"h:{i}", "v", str(i))
        r.execute_command("JSON.SET", f"j:{i}", "$", f'{{"v": {i}}}')
        r.set(f"s:{i}", str(i))
        r.rpush(f"l:{i}", "x")
        r.sadd(f"t:{i}", "x")
        r.zadd(f"z:{i}", {"x": 1.0})
        r.xadd("stream", {"v": str(i)})


# Each reader with a row index, scanning ROWS rows.
READERS: dict[str, Callable[..., pl.LazyFrame]] = {
    "hashes": lambda url, **kw: pr.scan_hashes(url, "h:*", {"v": pl.Int64}, **kw),
    "json": lambda url, **kw: pr.scan_json(url, "j:*", {"v": pl.Int64}, **kw),
    "strings": lambda url, **kw: pr.scan_strings(url, "s:*", **kw),
    "list": lambda url, **kw: pr.scan_list(url, "l:*", **kw),
    "set": lambda url, **kw: pr.scan_set(url, "t:*", **kw),
    "zset": lambda url, **kw: pr.scan_zset(url, "z:*", **kw),
    "stream": lambda url, **kw: pr.scan_stream(url, "stream", {"v": pl.Int64}, **kw),
}


@pytest.mark.parametrize("bad", [-1, UINT32_MAX + 1, 2**63, 1.5, True])
def test_an_offset_the_column_cannot_hold_fails_when_the_scan_is_built(url: str, bad: Any) -> None:
    for name, scan in READERS.items():
        with pytest.raises(pr.ConfigurationError, match=r"row_index_offset must be an int from 0 to 4294967295"):
            scan(url, include_row_index=True, row_index_offset=bad)


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(offset=st.integers(UINT32_MAX - ROWS - 1, UINT32_MAX), batch_size=st.sampled_from([1, 2, 1000]))
def test_offsets_near_the_limit_number_rows_or_fail_clearly(r: redis.Redis, url: str, offset: int, batch_size: int) -> None:
    if not r.exists("h:0"):
        _load(r)
    fits = offset + ROWS - 1 <= UINT32_MAX
    for name, scan in READERS.items():
        lf = scan(url, include_row_index=True, row_index_offset=offset, batch_size=batch_size)
        if fits:
            frame = lf.collect()
            assert frame.schema["_index"] == pl.UInt32, name
            assert sorted(frame["_index"].to_list()) == list(range(offset, offset + ROWS)), name
        else:
            # Polars 1.x wraps an error raised in a lazy collect in ComputeError.
            with pytest.raises((pr.ConfigurationError, pl.exceptions.ComputeError),
                               match=r"row index column '_index' overflows UInt32"):
                lf.collect()
        # Fewer rows fit again: head() never numbers past what it returns.
        rows_that_fit = UINT32_MAX - offset + 1
        if rows_that_fit < ROWS:
            head = lf.head(rows_that_fit).collect()
            assert head["_index"].to_list() == list(range(offset, UINT32_MAX + 1)), name


def test_eager_readers_raise_the_overflow_itself(r: redis.Redis, url: str) -> None:
    _load(r)
    for read in (lambda **kw: pr.read_hashes(url, "h:*", {"v": pl.Int64}, **kw),
                 lambda **kw: pr.read_stream(url, "stream", {"v": pl.Int64}, **kw)):
        with pytest.raises(pr.ConfigurationError, match=r"row_index_offset 4294967295 plus [23] rows passes 4294967295"):
            read(include_row_index=True, row_index_offset=UINT32_MAX, batch_size=1)
