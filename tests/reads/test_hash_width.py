"""A schema naming a few fields of much wider hashes: the read starts with HGETALL and, once a
sample of replies shows the hashes hold many more fields than the schema, reads the rest by HMGET
of the schema's fields. The rows must be the same whichever command fetched them; redis-py's
HGETALL of every key is the oracle."""

from __future__ import annotations

import random

import polars as pl
import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import polars_redis as pr

SCHEMA_FIELDS = ["a", "b", "c", "d"]
N_MANY = 3000
SWITCH = "then HMGET <key> <schema fields> once the first 64 hashes average 2x the schema's fields"


def load(r: redis.Redis, n: int, extra_fields: int, rng: random.Random, present: float = 0.8,
         ttl_every: int = 0) -> None:
    """`n` hashes w:<i>: each schema field with probability `present`, plus about `extra_fields`
    fields of no interest (some hashes hold none of the schema's fields); every `ttl_every`-th
    key gets a TTL."""
    pipe = r.pipeline(transaction=False)
    for i in range(n):
        fields = {name: f"{name}{i}" for name in SCHEMA_FIELDS if rng.random() < present}
        width = max(0, extra_fields + rng.randint(-2, 2))
        fields |= {f"x{j}": "v" * rng.randint(0, 20) for j in range(width)}
        fields = fields or {"x": "only"}
        pipe.hset(f"w:{i}", mapping=fields)
        if ttl_every and i % ttl_every == 0:
            pipe.expire(f"w:{i}", 100_000)
    pipe.execute()


def oracle(r: redis.Redis, schema: list[str], ttl: bool = False) -> pl.DataFrame:
    """The expected frame from redis-py: every w:* hash's schema fields (null when absent)."""
    rows = []
    for key in r.scan_iter(match="w:*", count=1000):
        values = r.hgetall(key)
        row = {"_key": key.decode(), **{name: values.get(name.encode()) for name in schema}}
        row = {name: value.decode() if isinstance(value, bytes) else value for name, value in row.items()}
        if ttl:
            row["_ttl"] = r.ttl(key) > 0
        rows.append(row)
    frame_schema = {"_key": pl.String, **{name: pl.String for name in schema}} | ({"_ttl": pl.Boolean} if ttl else {})
    return pl.DataFrame(rows, schema=frame_schema, orient="row").sort("_key")


def calls(r: redis.Redis, command: str) -> int:
    return int(r.info("commandstats").get(f"cmdstat_{command}", {}).get("calls", 0))


def read(url: str, schema: list[str], **options: object) -> pl.DataFrame:
    df = pr.read_hashes(url, "w:*", {name: pl.String for name in schema}, **options)
    if options.get("include_ttl"):
        df = df.with_columns(pl.col("_ttl") > 0)
    return df.sort("_key")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=st.integers(1, 2500), extra_fields=st.integers(0, 40), schema_size=st.integers(1, 4),
       present=st.floats(0.0, 1.0), ttl=st.booleans(), seed=st.integers(0, 2**32 - 1))
def test_rows_equal_the_oracle_whatever_the_width(r: redis.Redis, url: str, n: int, extra_fields: int,
                                                   schema_size: int, present: float, ttl: bool,
                                                   seed: int) -> None:
    r.flushall()
    rng = random.Random(seed)
    load(r, n, extra_fields, rng, present, ttl_every=3 if ttl else 0)
    schema = rng.sample(SCHEMA_FIELDS, schema_size)
    got = read(url, schema, include_ttl=ttl)
    assert got.equals(oracle(r, schema, ttl)), (n, extra_fields, schema)


def test_wide_hashes_are_read_by_hmget_after_the_sample(r: redis.Redis, url: str) -> None:
    load(r, N_MANY, extra_fields=30, rng=random.Random(1))
    r.config_resetstat()
    got = read(url, ["a", "b"])
    # HGETALL for the sample alone: the scan waits for its replies before fetching more.
    assert (calls(r, "hgetall"), calls(r, "hmget")) == (64, N_MANY - 64)
    assert got.equals(oracle(r, ["a", "b"]))


@pytest.mark.parametrize("n", [65, 200, 1000])
def test_a_small_read_of_wide_hashes_turns_to_hmget_too(r: redis.Redis, url: str, n: int) -> None:
    r.flushall()
    load(r, n, extra_fields=30, rng=random.Random(n))
    r.config_resetstat()
    got = read(url, ["a", "b"])
    assert (calls(r, "hgetall"), calls(r, "hmget")) == (64, n - 64)
    assert got.equals(oracle(r, ["a", "b"]))


def test_hashes_about_as_wide_as_the_schema_stay_with_hgetall(r: redis.Redis, url: str) -> None:
    load(r, N_MANY, extra_fields=1, rng=random.Random(2), present=1.0)  # 4 + about 1 fields, 4 wanted
    r.config_resetstat()
    got = read(url, SCHEMA_FIELDS)
    assert (calls(r, "hgetall"), calls(r, "hmget")) == (N_MANY, 0)
    assert got.equals(oracle(r, SCHEMA_FIELDS))


def test_a_projection_of_wide_hashes_is_hmget_from_the_start(r: redis.Redis, url: str) -> None:
    load(r, 200, extra_fields=30, rng=random.Random(3))
    r.config_resetstat()
    got = pr.scan_hashes(url, "w:*", {name: pl.String for name in SCHEMA_FIELDS}).select("_key", "b").collect()
    assert (calls(r, "hgetall"), calls(r, "hmget")) == (0, 200)
    assert got.sort("_key").equals(oracle(r, ["b"]))


@pytest.mark.parametrize("ttl", [False, True])
def test_snapshot_reads_of_wide_hashes_equal_the_oracle(r: redis.Redis, url: str, ttl: bool) -> None:
    load(r, N_MANY, extra_fields=30, rng=random.Random(4), ttl_every=3 if ttl else 0)
    previous = r.config_get("repl-diskless-sync-delay")["repl-diskless-sync-delay"]
    r.config_set("repl-diskless-sync-delay", 0)  # the transfer at once
    try:
        got = read(url, ["c", "a"], snapshot=True, include_ttl=ttl)
    finally:
        r.config_set("repl-diskless-sync-delay", previous)
    assert got.equals(oracle(r, ["c", "a"], ttl))


def test_explain_names_the_switch(url: str) -> None:
    lines = pr.explain(pr.scan_hashes(url, "w:*", {"a": pl.String})).splitlines()
    assert "  fetch:  HGETALL <key>" in lines
    assert f"  fetch:  {SWITCH}" in lines, lines
