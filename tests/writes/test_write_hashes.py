"""write_hashes against a real server, every value checked with redis-py."""

from __future__ import annotations

import threading
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

import polars as pl
import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import polars_redis as pr
from background import in_background
from polars_redis.writers.writes import write_hashes


def _hash(r: redis.Redis, key: str) -> dict[str, str]:
    return {k.decode(): v.decode() for k, v in r.hgetall(key).items()}


def test_key_strategies_from_the_spec(r: redis.Redis, url: str) -> None:
    assert write_hashes(pl.DataFrame({"_key": ["user:1", "user:2"], "name": ["Alice", "Bob"]}), url) == 2
    assert _hash(r, "user:1") == {"name": "Alice"}
    r.flushall()
    write_hashes(pl.DataFrame({"id": [1, 2], "name": ["Alice", "Bob"]}), url, key_column="id", key_prefix="user:")
    assert _hash(r, "user:2") == {"name": "Bob"}
    r.flushall()
    write_hashes(pl.DataFrame({"name": ["Alice", "Bob"]}), url, key_column=None, key_prefix="user:")
    assert _hash(r, "user:0") == {"name": "Alice"} and _hash(r, "user:1") == {"name": "Bob"}


def test_values_are_written_canonically(r: redis.Redis, url: str) -> None:
    df = pl.DataFrame({
        "_key": ["k"], "b": [True], "i": [-7], "f": [0.1], "dec": pl.Series([Decimal("12.50")], dtype=pl.Decimal(10, 2)),
        "d": [date(2024, 2, 29)], "dt": [datetime(2024, 3, 4, 5, 6, 7, 500000)],
        "dtz": pl.Series([datetime(2024, 3, 4, 5, 6, 7, tzinfo=timezone.utc)]).dt.convert_time_zone("Europe/Paris"),
        "t": [time(1, 2, 3)], "cat": pl.Series(["x"], dtype=pl.Categorical), "l": [[1, 2]], "s": [{"a": 1, "b": "x"}],
        "missing": pl.Series([None], dtype=pl.String),
    })
    write_hashes(df, url)
    assert _hash(r, "k") == {
        "b": "true", "i": "-7", "f": "0.1", "dec": "12.50", "d": "2024-02-29",
        "dt": "2024-03-04T05:06:07.500000", "dtz": "2024-03-04T05:06:07Z", "t": "01:02:03",
        "cat": "x", "l": "[1,2]", "s": '{"a":1,"b":"x"}',
    }


def test_round_trip_through_read_hashes(r: redis.Redis, url: str) -> None:
    df = pl.DataFrame({
        "_key": [f"rt:{i}" for i in range(300)], "n": list(range(300)), "x": [i / 3 for i in range(300)],
        "flag": [i % 2 == 0 for i in range(300)], "name": [None if i % 7 == 0 else f"n{i}" for i in range(300)],
    })
    assert write_hashes(df, url) == 300
    back = pr.read_hashes(url, "rt:*", {"n": pl.Int64, "x": pl.Float64, "flag": pl.Boolean, "name": pl.String})
    assert back.sort("n").equals(df.sort("n"))


def test_replace_drops_old_fields_and_append_merges(r: redis.Redis, url: str) -> None:
    r.hset("h:1", mapping={"old": "1", "name": "before"})
    write_hashes(pl.DataFrame({"_key": ["h:1"], "name": ["after"]}), url, if_exists="replace")
    assert _hash(r, "h:1") == {"name": "after"}
    r.hset("h:2", mapping={"old": "1", "name": "before"})
    write_hashes(pl.DataFrame({"_key": ["h:2"], "name": ["after"]}), url, if_exists="append")
    assert _hash(r, "h:2") == {"old": "1", "name": "after"}


def test_fail_mode_names_existing_keys_and_writes_nothing(r: redis.Redis, url: str) -> None:
    r.hset("f:5", "x", "old")
    df = pl.DataFrame({"_key": [f"f:{i}" for i in range(10)], "x": ["new"] * 10})
    with pytest.raises(pr.KeyExistsError, match="f:5"):
        write_hashes(df, url, if_exists="fail")
    assert r.keys("f:*") == [b"f:5"] and _hash(r, "f:5") == {"x": "old"}
    r.delete("f:5")
    assert write_hashes(df, url, if_exists="fail", batch_size=3) == 10
    assert len(r.keys("f:*")) == 10
    with pytest.raises(pr.ConfigurationError, match="twice"):
        write_hashes(pl.DataFrame({"_key": ["d", "d"], "x": [1, 2]}), url, if_exists="fail")


def test_ttl_seconds_and_columns(r: redis.Redis, url: str) -> None:
    write_hashes(pl.DataFrame({"_key": ["t:1"], "x": [1]}), url, ttl=100)
    assert 98 <= r.ttl("t:1") <= 100
    expire_at = datetime(2100, 1, 1, tzinfo=timezone.utc)
    df = pl.DataFrame({"_key": ["t:2", "t:3", "t:4"], "x": [1, 2, 3], "ttl": [50, None, 70]})
    write_hashes(df, url, ttl="ttl", if_exists="fail")
    assert 48 <= r.ttl("t:2") <= 50 and r.ttl("t:3") == -1 and 68 <= r.ttl("t:4") <= 70
    assert "ttl" not in _hash(r, "t:2")
    at = pl.DataFrame({"_key": ["t:5"], "x": [1], "until": [expire_at]})
    write_hashes(at, url, ttl="until", if_exists="replace")
    assert r.pexpiretime("t:5") == int(expire_at.timestamp() * 1000)
    with pytest.raises(pr.ConfigurationError, match="TTL -5 is out of range"):
        write_hashes(pl.DataFrame({"_key": ["t:6"], "x": [1], "ttl": [-5]}), url, ttl="ttl")
    with pytest.raises(pr.ConfigurationError):
        write_hashes(pl.DataFrame({"_key": ["t:6"], "x": [1]}), url, ttl=0)


def test_replace_is_atomic_for_a_polling_reader(r: redis.Redis, url: str) -> None:
    """A reader polling during replaces never sees a mix of old and new fields or a missing TTL."""
    old = pl.DataFrame({"_key": [f"a:{i}" for i in range(2000)], "gen": ["old"] * 2000, "only_old": ["1"] * 2000})
    new = pl.DataFrame({"_key": [f"a:{i}" for i in range(2000)], "gen": ["new"] * 2000, "only_new": ["1"] * 2000})
    write_hashes(old, url, ttl=1000)
    seen: list[dict[bytes, bytes]] = []

    def poll(stop: threading.Event) -> None:
        reader = redis.Redis.from_url(url)
        while not stop.is_set():
            pipe = reader.pipeline(transaction=True)  # one snapshot of hash and TTL
            pipe.hgetall("a:1500")
            pipe.ttl("a:1500")
            h, ttl = pipe.execute()
            seen.append(h)
            assert ttl > 0, "a replaced key was visible without its TTL"

    with in_background(poll):
        for _ in range(3):
            write_hashes(new, url, ttl=1000)
            write_hashes(old, url, ttl=1000)
    assert seen
    for h in seen:
        assert h in ({b"gen": b"old", b"only_old": b"1"}, {b"gen": b"new", b"only_new": b"1"})


def test_bad_input(url: str) -> None:
    with pytest.raises(pr.ConfigurationError, match="key_column"):
        write_hashes(pl.DataFrame({"x": [1]}), url)
    with pytest.raises(pr.ConfigurationError, match="if_exists"):
        write_hashes(pl.DataFrame({"_key": ["a"], "x": [1]}), url, if_exists="merge")  # type: ignore[arg-type]
    with pytest.raises(pr.ConfigurationError, match="null"):
        write_hashes(pl.DataFrame({"_key": ["a", None], "x": [1, 2]}), url)
    with pytest.raises(pr.ConfigurationError, match="Duration|cannot be written"):
        write_hashes(pl.DataFrame({"_key": ["a"], "x": [timedelta(days=1)]}), url)
    assert write_hashes(pl.DataFrame({"_key": [], "x": []}, schema={"_key": pl.String, "x": pl.Int64}), url) == 0


def test_append_with_ttl_sets_both(r: redis.Redis, url: str) -> None:
    r.hset("m:1", mapping={"keep": "1"})
    write_hashes(pl.DataFrame({"_key": ["m:1", "m:2"], "x": [5, None]}), url, if_exists="append", ttl=50)
    assert _hash(r, "m:1") == {"keep": "1", "x": "5"} and 48 <= r.ttl("m:1") <= 50
    assert r.exists("m:2") == 0  # nothing to merge: EXPIRE on a missing key creates nothing


def _python_text(value: float) -> str:
    """What a Python user expects a float stored as: its repr, an integral value without '.0'."""
    text = repr(value)
    return text[:-2] if text.endswith(".0") else text


@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.floats(allow_nan=False), st.floats(-1e17, 1e17).map(round).map(float),
                          st.sampled_from([1e5, 2e5, -3e5, 1.5e6, 1e15, 1e16, 1e-4, 1e-5, 9.999999999999999e-05])),
                min_size=1, max_size=50))
def test_floats_are_stored_as_python_writes_them(r: redis.Redis, url: str, values: list[float]) -> None:
    """Python's repr layout (fixed notation from 1e-4 to 1e16: 100000, not 1e+05), the shortest
    digits that read back to the same value, integral values without '.0'."""
    r.flushall()
    df = pl.DataFrame({"_key": [f"f:{i}" for i in range(len(values))], "x": values}, schema={"_key": pl.String, "x": pl.Float64})
    write_hashes(df, url)
    for i, value in enumerate(values):
        assert r.hget(f"f:{i}", "x").decode() == _python_text(value), value
    back = pr.read_hashes(url, "f:*", {"x": pl.Float64}).sort("_key", maintain_order=True)
    assert dict(back.rows()) == {f"f:{i}": v for i, v in enumerate(values)}
