"""write_json and write_strings against a real server, checked with redis-py."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import polars as pl
import pytest
import redis

import polars_redis as pr
from polars_redis.writers.writes import write_json, write_strings


def test_json_documents_are_nested_and_typed(r: redis.Redis, url: str) -> None:
    df = pl.DataFrame({
        "_key": ["doc:1", "doc:2"],
        "n": [1, None], "x": [0.5, 2.0], "ok": [True, False], "name": ['quote " and \\', "é"],
        "tags": [["a", "b"], []], "address": [{"city": "Paris", "zip": 75001}, None],
        "day": [date(2024, 1, 2), date(1969, 12, 31)],
        "at": pl.Series([datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)] * 2),
        "price": pl.Series([Decimal("1.10"), Decimal("-3.00")], dtype=pl.Decimal(6, 2)),
    })
    assert write_json(df, url) == 2
    assert r.json().get("doc:1") == {
        "n": 1, "x": 0.5, "ok": True, "name": 'quote " and \\', "tags": ["a", "b"],
        "address": {"city": "Paris", "zip": 75001}, "day": "2024-01-02", "at": "2024-01-02T03:04:05Z", "price": 1.1,
    }
    assert r.json().get("doc:2") == {
        "n": None, "x": 2.0, "ok": False, "name": "é", "tags": [], "address": None, "day": "1969-12-31",
        "at": "2024-01-02T03:04:05Z", "price": -3.0,
    }


def test_json_modes(r: redis.Redis, url: str) -> None:
    r.json().set("j:1", "$", {"keep": 1, "n": 0})
    write_json(pl.DataFrame({"_key": ["j:1"], "n": [5], "gone": pl.Series([None], dtype=pl.Int64)}), url, if_exists="append")
    assert r.json().get("j:1") == {"keep": 1, "n": 5}  # merged; the null cell did not delete anything
    write_json(pl.DataFrame({"_key": ["j:1"], "n": [6]}), url, if_exists="replace", ttl=60)
    assert r.json().get("j:1") == {"n": 6} and 58 <= r.ttl("j:1") <= 60
    with pytest.raises(pr.KeyExistsError, match="j:1"):
        write_json(pl.DataFrame({"_key": ["j:0", "j:1"], "n": [1, 2]}), url, if_exists="fail")
    assert r.exists("j:0") == 0


def test_json_rejects_values_json_cannot_hold(r: redis.Redis, url: str) -> None:
    with pytest.raises(pr.ConfigurationError, match="inf"):
        write_json(pl.DataFrame({"_key": ["bad"], "x": [float("inf")]}), url)


def test_strings_spec_example_and_modes(r: redis.Redis, url: str) -> None:
    df = pl.DataFrame({"_key": ["result:1", "result:2", "result:3"], "value": [100, 200, 300]})
    assert write_strings(df, url, ttl=3600) == 3
    assert r.mget("result:1", "result:2", "result:3") == [b"100", b"200", b"300"]
    assert 3598 <= r.ttl("result:2") <= 3600
    write_strings(pl.DataFrame({"_key": ["result:1"], "value": [7]}), url, if_exists="append")
    assert r.get("result:1") == b"7" and r.ttl("result:1") > 3000  # append keeps the TTL
    write_strings(pl.DataFrame({"_key": ["result:1"], "value": [8]}), url, if_exists="replace")
    assert r.get("result:1") == b"8" and r.ttl("result:1") == -1  # replace resets it
    with pytest.raises(pr.KeyExistsError):
        write_strings(pl.DataFrame({"_key": ["result:3"], "value": [1]}), url, if_exists="fail")


def test_strings_of_every_type_read_back(r: redis.Redis, url: str) -> None:
    df = pl.DataFrame({"id": [1, 2, 3], "flag": [True, None, False], "extra": ["ignored"] * 3})
    assert write_strings(df, url, key_column="id", key_prefix="flag:", value_column="flag") == 3
    assert r.get("flag:1") == b"true" and r.exists("flag:2") == 0 and r.get("flag:3") == b"false"
    assert r.exists("extra") == 0
    with pytest.raises(pr.ConfigurationError, match="value_column"):
        write_strings(df, url, value_column="nope")
