"""Datetime bounds of streams and time series: naive is local time (as datetime.timestamp()), aware is exact."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import polars as pl
import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import polars_redis as pr

# Zones with whole-hour, half-hour and 45-minute offsets, DST in both hemispheres, and none.
ZONES = ["America/New_York", "Asia/Kolkata", "Pacific/Chatham", "Australia/Lord_Howe", "Europe/Berlin",
         "America/St_Johns", "Asia/Tokyo", "Pacific/Kiritimati", "America/Sao_Paulo"]


@contextmanager
def local_zone(name: str) -> Iterator[None]:
    """The process's local time zone is `name` for the block."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if saved is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = saved
        time.tzset()


def expected_ms(value: datetime) -> int:
    """The bound as `datetime.timestamp()` reads it, in whole milliseconds (no float rounding)."""
    return int(value.replace(microsecond=0).timestamp()) * 1000 + value.microsecond // 1000


def stream_ids_in(url: str, key: str, start: object, end: object) -> list[int]:
    frame = pr.read_stream(url, key, {"v": pl.String}, start_time=start, end_time=end)
    return frame["_ts"].to_list()


def series_stamps_in(url: str, key: str, start: object, end: object) -> list[int]:
    return pr.read_timeseries(url, key, start=start, end=end)["_ts"].to_list()


def test_the_last_hour_is_the_last_hour_in_any_zone(r: redis.Redis, url: str) -> None:
    # The spec's `start_time=datetime.now() - timedelta(hours=1)`, away from UTC.
    now_ms = int(time.time() * 1000)
    stamps = [now_ms - 3 * 3_600_000, now_ms - 90 * 60_000, now_ms - 30 * 60_000, now_ms - 60_000]
    for ms in stamps:
        r.xadd("events", {"v": "x"}, id=f"{ms}-0")
    r.ts().create("temps")
    for ms in stamps:
        r.ts().add("temps", ms, 1.0)
    for zone in ["America/New_York", "Asia/Kolkata"]:
        with local_zone(zone):
            since = datetime.now() - timedelta(hours=1)
            assert pr.read_stream(url, "events", {"v": pl.String}, start_time=since)["_ts"].to_list() == stamps[2:]
            assert pr.read_timeseries(url, "temps", start=since)["_ts"].to_list() == stamps[2:]
            assert pr.read_timeseries(url, "temps", start=since.isoformat())["_ts"].to_list() == stamps[2:]


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    zone=st.sampled_from(ZONES),
    value=st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2200, 12, 31)),
    aware_zone=st.sampled_from([None, "UTC", *ZONES]),
)
def test_naive_bounds_are_local_and_aware_bounds_exact(
    r: redis.Redis, url: str, zone: str, value: datetime, aware_zone: str | None
) -> None:
    r.flushall()
    with local_zone(zone):
        bound = value if aware_zone is None else value.replace(tzinfo=ZoneInfo(aware_zone))
        ms = expected_ms(bound)
        # Entries one millisecond either side of the bound and on it: a bound read in the wrong
        # zone, or rounded, selects the wrong one.
        for stamp in (ms - 1, ms, ms + 1):
            r.xadd("s", {"v": "x"}, id=f"{stamp}-0")
        r.ts().create("t")
        for stamp in (ms - 1, ms, ms + 1):
            r.ts().add("t", stamp, 1.0)
        assert stream_ids_in(url, "s", bound, bound) == [ms]
        assert series_stamps_in(url, "t", bound, bound) == [ms]
        assert stream_ids_in(url, "s", bound, None) == [ms, ms + 1]
        assert series_stamps_in(url, "t", "-", bound) == [ms - 1, ms]
        # A date is its local midnight; an ISO string without an offset is local time too.
        day = datetime.combine(bound.date(), datetime.min.time())
        if aware_zone is None:
            assert series_stamps_in(url, "t", bound.isoformat(), bound.isoformat()) == [ms]
            day_ms = expected_ms(day)
            r.ts().add("t", day_ms, 2.0, on_duplicate="last")
            assert series_stamps_in(url, "t", date(day.year, day.month, day.day), day_ms)[0] == day_ms


def test_aware_bounds_with_offsets_match_utc(r: redis.Redis, url: str) -> None:
    base = 1_700_000_000_000
    r.xadd("s", {"v": "x"}, id=f"{base}-0")
    exact = datetime(2023, 11, 14, 22, 13, 20, tzinfo=timezone.utc)
    with local_zone("Pacific/Chatham"):
        for offset in (timedelta(hours=-9, minutes=-30), timedelta(0), timedelta(hours=13, minutes=45)):
            bound = exact.astimezone(timezone(offset))
            assert stream_ids_in(url, "s", bound, bound) == [base]
