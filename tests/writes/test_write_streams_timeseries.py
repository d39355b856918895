"""write_stream and write_timeseries, checked with redis-py."""

from __future__ import annotations

from datetime import datetime, timezone

import polars as pl
import pytest
import redis

import polars_redis as pr
from polars_redis.writers.append import write_stream, write_timeseries


def test_stream_entries_ids_and_trimming(r: redis.Redis, url: str) -> None:
    df = pl.DataFrame({"action": ["click", "view", None], "n": [1, 2, 3]})
    assert write_stream(df, url, "ev") == 3
    entries = r.xrange("ev")
    assert [fields for _, fields in entries] == [
        {b"action": b"click", b"n": b"1"}, {b"action": b"view", b"n": b"2"}, {b"n": b"3"}
    ]
    with_ids = pl.DataFrame({"id": ["5-1", "5-2"], "x": ["a", "b"], "stream": ["ids", "ids"]})
    write_stream(with_ids, url, key_column="stream", id_column="id")
    assert [eid for eid, _ in r.xrange("ids")] == [b"5-1", b"5-2"]
    assert r.xrange("ids")[0][1] == {b"x": b"a"}
    write_stream(pl.DataFrame({"v": list(range(50))}), url, "trim", maxlen=10, approximate=False)
    assert r.xlen("trim") == 10
    with pytest.raises(pr.ConfigurationError, match="ID 1-1 is not greater than the stream's last ID 5-2"):
        write_stream(pl.DataFrame({"id": ["1-1"], "x": ["late"]}), url, "ids", id_column="id")  # checked before sending
    with pytest.raises(pr.ConfigurationError):
        write_stream(df, url)  # no key


def test_timeseries_samples_with_creation_options(r: redis.Redis, url: str) -> None:
    stamps = [datetime(2024, 1, 1, 0, 0, i, tzinfo=timezone.utc) for i in range(5)]
    df = pl.DataFrame({"_ts": stamps, "value": [1.5, 2.5, None, 4.0, 5.0]})
    assert write_timeseries(df, url, "temp:1", labels={"room": "lab"}, retention_ms=0) == 5  # rows processed
    assert r.ts().range("temp:1", "-", "+") == [
        (int(s.timestamp() * 1000), v) for s, v in zip(stamps, [1.5, 2.5, None, 4.0, 5.0]) if v is not None
    ]
    assert r.ts().queryindex(["room=lab"]) in ([b"temp:1"], ["temp:1"])  # created with the label
    multi = pl.DataFrame({"k": ["a", "b", "a"], "_ts": [1000, 1000, 2000], "value": [1, 2, 3]})
    write_timeseries(multi, url, key_column="k", duplicate_policy="last")
    assert r.ts().range("a", "-", "+") == [(1000, 1.0), (2000, 3.0)] and r.ts().range("b", "-", "+") == [(1000, 2.0)]
    write_timeseries(pl.DataFrame({"k": ["a"], "_ts": [1000], "value": [9]}), url, key_column="k", duplicate_policy="last")
    assert r.ts().range("a", 1000, 1000) == [(1000, 9.0)]
    with pytest.raises(pr.ConfigurationError, match="numeric"):
        write_timeseries(pl.DataFrame({"_ts": [1], "value": ["x"]}), url, "bad")
