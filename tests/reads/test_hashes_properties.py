"""Property tests: values Python formats as text, stored in Redis by redis-py, read back equal."""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from decimal import Decimal

import polars as pl
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import polars_redis as pr

ROWS = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "i": st.integers(-(2**63), 2**63 - 1),
            "u8": st.integers(0, 255),
            "f": st.floats(allow_nan=False, allow_infinity=True, width=64),
            "b": st.booleans(),
            "d": st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
            "dt": st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)),
            "t": st.times(),
            "dec": st.decimals(min_value=-(10**12), max_value=10**12, places=3, allow_nan=False, allow_infinity=False),
            "s": st.text(max_size=40),
        },
    ),
    min_size=1,
    max_size=30,
)
SCHEMA = {
    "i": pl.Int64, "u8": pl.UInt8, "f": pl.Float64, "b": pl.Boolean, "d": pl.Date, "dt": pl.Datetime("us"),
    "t": pl.Time, "dec": pl.Decimal(16, 3), "s": pl.String,
}


def _as_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ROWS)
def test_python_text_round_trips(r: redis.Redis, url: str, rows: list[dict[str, object]]) -> None:
    r.flushall()
    pipe = r.pipeline(transaction=False)
    for i, row in enumerate(rows):
        # A hash needs a field; "s" may be absent, so every row gets a marker field.
        pipe.hset(f"p:{i:04d}", mapping={"_row": str(i), **{k: _as_text(v) for k, v in row.items()}})
    pipe.execute()
    df = pr.read_hashes(url, "p:*", SCHEMA).sort("_key")
    assert df.height == len(rows)
    for i, (got, row) in enumerate(zip(df.iter_rows(named=True), rows)):
        assert got["_key"] == f"p:{i:04d}"
        for field in SCHEMA:
            expected = row.get(field)
            if isinstance(expected, Decimal):
                expected = expected.quantize(Decimal("0.001"))
            assert got[field] == expected, (field, row.get(field), got[field])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(moments=st.lists(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1),
                                     timezones=st.sampled_from([timezone.utc, timezone.max, timezone.min])),
                        min_size=1, max_size=20))
def test_offsets_are_applied(r: redis.Redis, url: str, moments: list[datetime]) -> None:
    r.flushall()
    for i, moment in enumerate(moments):
        r.hset(f"o:{i:03d}", "at", moment.isoformat())
    df = pr.read_hashes(url, "o:*", {"at": pl.Datetime("us", "UTC")}).sort("_key")
    assert df["at"].to_list() == [m.astimezone(timezone.utc) for m in moments]
