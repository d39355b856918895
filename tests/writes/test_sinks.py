"""sink_hashes / sink_json / sink_strings: LazyFrames written batch by batch."""

from __future__ import annotations

import polars as pl
import pytest
import redis

import polars_redis as pr
from polars_redis.writers.sinks import sink_hashes, sink_json, sink_strings


def _lazy(n: int) -> pl.LazyFrame:
    return pl.LazyFrame({"id": range(n)}).with_columns(
        (pl.col("id") * 2).alias("double"), pl.format("name-{}", pl.col("id")).alias("name")
    )


def test_sink_hashes_keys_continue_across_batches(r: redis.Redis, url: str) -> None:
    assert sink_hashes(_lazy(2500), url, key_column=None, key_prefix="row:", batch_size=1000) == 2500
    assert r.dbsize() == 2500
    assert r.hgetall("row:2499") == {b"id": b"2499", b"double": b"4998", b"name": b"name-2499"}
    back = pr.read_hashes(url, "row:*", {"id": pl.Int64, "double": pl.Int64, "name": pl.String})
    assert back.drop("_key").sort("id").equals(_lazy(2500).collect())


def test_sink_fail_checks_every_key_before_writing(r: redis.Redis, url: str) -> None:
    r.hset("u:1999", "x", "old")
    with pytest.raises(pr.KeyExistsError, match="u:1999"):
        sink_hashes(_lazy(2500), url, key_column="id", key_prefix="u:", if_exists="fail", batch_size=500)
    assert r.dbsize() == 1  # the first batches were not written either
    r.flushall()
    assert sink_hashes(_lazy(2500), url, key_column="id", key_prefix="u:", if_exists="fail", batch_size=500) == 2500


def test_sink_json_and_strings(r: redis.Redis, url: str) -> None:
    assert sink_json(_lazy(1200), url, key_column="id", key_prefix="doc:", batch_size=256, ttl=100) == 1200
    assert r.json().get("doc:7") == {"double": 14, "name": "name-7"}
    assert 98 <= r.ttl("doc:7") <= 100
    lf = _lazy(300).select(pl.format("s:{}", pl.col("id")).alias("_key"), pl.col("name").alias("value"))
    assert sink_strings(lf, url, batch_size=64) == 300
    assert r.get("s:299") == b"name-299"
    with pytest.raises(pr.ConfigurationError, match="LazyFrame"):
        sink_hashes(_lazy(3).collect(), url)  # type: ignore[arg-type]
