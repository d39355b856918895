"""The frame cache round-trips every dtype exactly, replaces atomically and applies its TTL."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

import polars as pl
import pytest
import redis
from polars.testing import assert_frame_equal

import polars_redis as pr
from polars_redis.readers.frames import read_frame, scan_frame, write_frame


def _wide() -> pl.DataFrame:
    return pl.DataFrame({
        "i": [1, None, 3], "u8": pl.Series([0, 255, None], dtype=pl.UInt8), "f": [0.1, float("nan"), None],
        "s": ["a", None, "ccc" * 10], "bin": [b"\x00\xff", None, b""], "b": [True, None, False],
        "dec": pl.Series([Decimal("1.10"), None, Decimal("-2.00")], dtype=pl.Decimal(10, 2)),
        "d": [date(2024, 1, 1), None, date(1, 1, 1)],
        "dt": pl.Series([datetime(2024, 1, 1, 1, 2, 3, tzinfo=timezone.utc), None, None]).dt.convert_time_zone("Asia/Tokyo"),
        "t": [time(1, 2, 3), None, time(23, 59)], "dur": [timedelta(days=1), None, timedelta(microseconds=-5)],
        "cat": pl.Series(["x", None, "y"], dtype=pl.Categorical), "en": pl.Series(["a", "b", None], dtype=pl.Enum(["a", "b"])),
        "l": [[1, 2], None, []], "st": [{"a": 1, "b": "x"}, None, {"a": None, "b": "y"}],
        "arr": pl.Series([[1, 2], [3, 4], None], dtype=pl.Array(pl.Int64, 2)), "null": [None, None, None],
    })


@pytest.mark.parametrize("compression", ["uncompressed", "lz4", "zstd"])
def test_every_dtype_round_trips(r: redis.Redis, url: str, compression: str) -> None:
    df = _wide()
    assert write_frame(df, url, "frame:wide", compression=compression) > 0  # type: ignore[arg-type]
    assert_frame_equal(read_frame(url, "frame:wide"), df)
    assert r.type("frame:wide") == b"hash"
    assert_frame_equal(read_frame(url, "frame:wide", columns=["s", "st"]), df.select("s", "st"))


def test_chunking_ttl_and_replace(r: redis.Redis, url: str) -> None:
    big = pl.DataFrame({"x": range(200_000), "s": [f"value {i}" for i in range(200_000)]})
    size = write_frame(big, url, "frame:big", compression="uncompressed", chunk_size=256 * 1024, ttl=120)
    assert r.hlen("frame:big") == 1 + -(-size // (256 * 1024))  # meta + ceil(size / chunk)
    assert 118 <= r.ttl("frame:big") <= 120
    assert_frame_equal(read_frame(url, "frame:big"), big)
    small = pl.DataFrame({"y": [1]})
    write_frame(small, url, "frame:big")  # replaces every chunk; no TTL this time
    assert r.hlen("frame:big") == 2 and r.ttl("frame:big") == -1
    assert_frame_equal(read_frame(url, "frame:big"), small)


def test_scan_frame_pushes_projection_filter_and_limit(r: redis.Redis, url: str) -> None:
    df = pl.DataFrame({"k": range(100), "v": [i % 7 for i in range(100)], "w": ["x"] * 100})
    write_frame(df, url, "frame:scan")
    lf = scan_frame(url, "frame:scan")
    assert lf.collect_schema() == df.schema
    got = lf.filter(pl.col("v") == 3).select("k").head(4).collect()
    assert got["k"].to_list() == [3, 10, 17, 24]


def test_missing_and_foreign_keys(r: redis.Redis, url: str) -> None:
    with pytest.raises(pr.ResponseError, match="no frame"):
        read_frame(url, "frame:none")
    r.hset("frame:other", "meta", "{}")
    with pytest.raises(pr.ResponseError, match="does not hold"):
        read_frame(url, "frame:other")
    r.set("frame:string", "x")
    with pytest.raises(pr.ResponseError, match="WRONGTYPE"):
        read_frame(url, "frame:string")
    with pytest.raises(pr.ConfigurationError):
        write_frame(pl.DataFrame({"a": [1]}), url, "k", compression="gzip")  # type: ignore[arg-type]
