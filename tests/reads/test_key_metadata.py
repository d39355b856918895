"""Memory usage (and TTL) columns of scan_hashes, the metadata shared by key-per-row readers."""

from __future__ import annotations


import polars as pl
import pytest
import redis

import polars_redis as pr
from background import deleting, in_background
from conftest import command_calls, load_hashes

SCHEMA = {"name": pl.String, "n": pl.Int64}


def _hashes(n: int) -> dict[str, dict[str, str]]:
    # Sizes differ from hash to hash (and some outgrow a listpack) so a value landing on the wrong
    # row would show.
    rows = {}
    for i in range(n):
        fields = {"name": "x" * (i % 97), "n": str(i)}
        if i % 50 == 0:
            fields.update({f"extra{j}": str(j) for j in range(200)})  # hashtable encoding
        rows[f"h:{i}"] = fields
    return rows


def _load(r: redis.Redis, n: int) -> None:
    """_hashes(n), with the server's hash tables settled: a hashtable-encoded hash may be left
    half-way through growing (incremental rehashing), and every field lookup, such as the read's
    own HMGET, moves it on, which changes what MEMORY USAGE estimates from its first fields. A
    few hundred lookups per such hash finish the growth before anything is measured."""
    load_hashes(r, _hashes(n))
    pipe = r.pipeline(transaction=False)
    for i in range(0, n, 50):
        for _ in range(300):
            pipe.hexists(f"h:{i}", "n")
    pipe.execute()


def test_memory_usage_matches_redis_py(r: redis.Redis, url: str) -> None:
    _load(r, 600)
    df = pr.read_hashes(url, "h:*", SCHEMA, include_memory_usage=True)
    assert df.columns == ["_key", "name", "n", "_memory"]
    assert df.schema["_memory"] == pl.Int64
    assert dict(zip(df["_key"], df["_memory"])) == {k: r.memory_usage(k) for k in _hashes(600)}
    assert dict(zip(df["_key"], df["n"])) == {k: int(v["n"]) for k, v in _hashes(600).items()}


def test_memory_usage_with_ttl_and_projection(r: redis.Redis, url: str) -> None:
    _load(r, 200)
    for i in range(0, 200, 4):
        r.expire(f"h:{i}", 2000 + i)
    lf = pr.scan_hashes(url, "h:*", SCHEMA, include_ttl=True, include_memory_usage=True, memory_column_name="bytes")
    assert lf.collect_schema().names() == ["_key", "name", "n", "_ttl", "bytes"]
    # Projected field (HMGET) and all fields (HGETALL) both carry both metadata columns.
    for frame in (lf.select("_key", "n", "_ttl", "bytes").collect(), lf.collect()):
        assert dict(zip(frame["_key"], frame["bytes"])) == {k: r.memory_usage(k) for k in _hashes(200)}
        for key, ttl in zip(frame["_key"], frame["_ttl"]):
            oracle = r.ttl(key)
            assert oracle - 2 <= ttl <= oracle


def test_memory_only_projection_fetches_no_fields(r: redis.Redis, url: str) -> None:
    _load(r, 150)
    r.config_resetstat()
    df = pr.scan_hashes(url, "h:*", SCHEMA, include_memory_usage=True).select("_key", "_memory").collect()
    assert command_calls(r, "hmget") + command_calls(r, "hgetall") + command_calls(r, "ttl") == 0
    assert command_calls(r, "memory|usage") == 150
    assert dict(zip(df["_key"], df["_memory"])) == {k: r.memory_usage(k) for k in _hashes(150)}


def test_unselected_memory_column_is_not_fetched(r: redis.Redis, url: str) -> None:
    _load(r, 100)
    r.config_resetstat()
    df = pr.scan_hashes(url, "h:*", SCHEMA, include_memory_usage=True).select("_key", "n").collect()
    assert df.height == 100
    assert command_calls(r, "memory|usage") == 0


def test_hash_with_no_projected_field_still_has_its_memory(r: redis.Redis, url: str) -> None:
    load_hashes(r, {"h:1": {"other": "x"}, "h:2": {"name": "b"}})
    df = pr.scan_hashes(url, "h:*", SCHEMA, include_memory_usage=True).select("_key", "n", "_memory").collect()
    assert df.sort("_key").to_dicts() == [
        {"_key": "h:1", "n": None, "_memory": r.memory_usage("h:1")},
        {"_key": "h:2", "n": None, "_memory": r.memory_usage("h:2")},
    ]


def test_memory_column_name_collision(url: str) -> None:
    with pytest.raises(pr.ConfigurationError, match="name"):
        pr.scan_hashes(url, "h:*", SCHEMA, include_memory_usage=True, memory_column_name="name")


def test_keys_deleted_during_a_metadata_scan_never_become_rows(r: redis.Redis, url: str) -> None:
    rows = {f"h:{i}": {"name": f"n{i}", "n": str(i)} for i in range(20_000)}
    load_hashes(r, rows)
    with in_background(deleting(url, "h:", 20_000)):
        memory_only = pr.scan_hashes(url, "h:*", SCHEMA, include_memory_usage=True).select("_key", "_memory").collect()
        with_fields = pr.read_hashes(url, "h:*", SCHEMA, include_ttl=True, include_memory_usage=True)
    # A vanished key answers TTL -2 / MEMORY USAGE nil: it must not show up as a row.
    assert memory_only["_memory"].null_count() == 0 and (memory_only["_memory"] > 0).all()
    assert (with_fields["_ttl"] == -1).all() and (with_fields["_memory"] > 0).all()
    for key, name in zip(with_fields["_key"], with_fields["name"]):
        assert rows[key]["name"] == name
