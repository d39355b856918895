"""Property tests: random frames written by our writers and read back by our readers compare equal,
and redis-py sees the same values."""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from decimal import Decimal

import polars as pl
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import polars_redis as pr
from polars_redis.writers.writes import write_hashes

COLUMNS = {
    "i64": (pl.Int64, st.integers(-(2**63), 2**63 - 1)),
    "i8": (pl.Int8, st.integers(-128, 127)),
    "u32": (pl.UInt32, st.integers(0, 2**32 - 1)),
    "f64": (pl.Float64, st.floats(allow_nan=False, width=64)),
    "f32": (pl.Float32, st.floats(allow_nan=False, width=32)),
    "b": (pl.Boolean, st.booleans()),
    "s": (pl.String, st.text(max_size=30)),
    "bin": (pl.Binary, st.binary(max_size=20)),
    "d": (pl.Date, st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))),
    "dt_us": (pl.Datetime("us"), st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31))),
    "dt_utc": (pl.Datetime("ms", "UTC"), st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1))
               .map(lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000, tzinfo=timezone.utc))),
    "t": (pl.Time, st.times()),
    "dec": (pl.Decimal(18, 4), st.decimals(min_value=-(10**13), max_value=10**13, places=4,
                                           allow_nan=False, allow_infinity=False)),
    "cat": (pl.Categorical, st.sampled_from(["red", "green", "blue"])),
    "en": (pl.Enum(["lo", "hi"]), st.sampled_from(["lo", "hi"])),
}


@st.composite
def frames(draw: st.DrawFn) -> pl.DataFrame:
    n = draw(st.integers(1, 25))
    data: dict[str, pl.Series] = {"_key": pl.Series([f"rt:{i:03d}" for i in range(n)])}
    for name, (dtype, values) in COLUMNS.items():
        cells = draw(st.lists(st.one_of(st.none(), values), min_size=n, max_size=n))
        data[name] = pl.Series(name, cells, dtype=dtype)
    # A hash with no fields does not exist in Redis: keep one non-null field per row.
    data["marker"] = pl.Series(["x"] * n)
    return pl.DataFrame(data)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(df=frames())
def test_hash_round_trip(r: redis.Redis, url: str, df: pl.DataFrame) -> None:
    r.flushall()
    assert write_hashes(df, url) == df.height
    schema = {name: dtype for name, dtype in df.schema.items() if name != "_key"}
    back = pr.read_hashes(url, "rt:*", schema).sort("_key")
    assert back.equals(df), (df, back)
    # The oracle agrees on what is stored: a null cell is an absent field.
    first = df.row(0, named=True)
    stored = r.hgetall("rt:000")
    assert {k.decode() for k in stored} == {k for k, v in first.items() if k != "_key" and v is not None}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(df=frames(), chunk=st.integers(64, 4096))
def test_frame_cache_round_trip(r: redis.Redis, url: str, df: pl.DataFrame, chunk: int) -> None:
    from polars_redis.readers.frames import read_frame, write_frame

    write_frame(df, url, "cache:rt", chunk_size=chunk)
    assert read_frame(url, "cache:rt").equals(df)


JSON_COLUMNS = {
    "i": (pl.Int64, st.integers(-(2**63), 2**63 - 1)),
    "f": (pl.Float64, st.floats(allow_nan=False, allow_infinity=False)),
    "b": (pl.Boolean, st.booleans()),
    "s": (pl.String, st.text(max_size=30)),
    "d": (pl.Date, st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))),
    "dt": (pl.Datetime("us", "UTC"), st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1))
           .map(lambda d: d.replace(tzinfo=timezone.utc))),
    # RedisJSON keeps numbers as doubles: decimals of up to 15 significant digits survive exactly.
    "dec": (pl.Decimal(12, 2), st.decimals(min_value=-(10**9), max_value=10**9, places=2,
                                           allow_nan=False, allow_infinity=False)),
    "l": (pl.List(pl.Int64), st.lists(st.integers(-1000, 1000), max_size=4)),
    "st": (pl.Struct({"a": pl.Int64, "b": pl.String}),
           st.fixed_dictionaries({"a": st.integers(-5, 5), "b": st.text(max_size=5)})),
}


@st.composite
def json_frames(draw: st.DrawFn) -> pl.DataFrame:
    n = draw(st.integers(1, 15))
    data = {"_key": pl.Series([f"j:{i:03d}" for i in range(n)])}
    for name, (dtype, values) in JSON_COLUMNS.items():
        data[name] = pl.Series(name, draw(st.lists(st.one_of(st.none(), values), min_size=n, max_size=n)), dtype=dtype)
    return pl.DataFrame(data)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(df=json_frames())
def test_json_round_trip(r: redis.Redis, url: str, df: pl.DataFrame) -> None:
    r.flushall()
    assert pr.write_json(df, url) == df.height
    schema = {name: dtype for name, dtype in df.schema.items() if name != "_key"}
    back = pr.read_json(url, "j:*", schema).sort("_key")
    # RedisJSON does not always parse a double exactly (1.9178e-199 is stored as
    # 1.9178000000000001e-199), so floats are compared with what the server holds, read by redis-py.
    stored = [r.json().get(key)["f"] for key in df["_key"]]
    assert back["f"].to_list() == [None if v is None else float(v) for v in stored]
    assert back.drop("f").equals(df.drop("f")), (df, back)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(df=frames(), column=st.sampled_from(["i64", "f64", "b", "s", "bin", "d", "dt_us", "t", "dec"]))
def test_string_round_trip(r: redis.Redis, url: str, df: pl.DataFrame, column: str) -> None:
    r.flushall()
    values = df.select("_key", pl.col(column).alias("value"))
    pr.write_strings(values, url)
    back = pr.read_strings(url, "rt:*", value_type=values.schema["value"]).sort("_key")
    # A null value writes no key, so only the non-null rows come back.
    assert back.equals(values.filter(pl.col("value").is_not_null())), (values, back)
