"""A server without Redis Stack's modules (Debian's redis-server): every function that needs a
module says which one, instead of failing obscurely or, worse, finding nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
import redis

import polars_redis as pr
from debian_redis import DebianRedis


@pytest.fixture(scope="module")
def plain_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = DebianRedis(Path(tmp_path_factory.mktemp("plain")))
    server.wait_until_listening(server.port)
    redis.Redis(port=server.port).hset("user:1", "a", "1")
    yield f"redis://127.0.0.1:{server.port}"
    server.stop()


CALLS = {
    "read_json": (lambda url: pr.read_json(url, "j:*", {"a": pl.Int64}), "RedisJSON"),
    "infer_json_schema": (lambda url: pr.infer_json_schema(url, "j:*"), "RedisJSON"),
    "write_json": (lambda url: pr.write_json(pl.DataFrame({"_key": ["j:2"], "a": [1]}), url), "RedisJSON"),
    "read_timeseries": (lambda url: pr.read_timeseries(url, "ts"), "RedisTimeSeries"),
    "read_timeseries_multi": (lambda url: pr.read_timeseries_multi(url, ["a=b"]), "RedisTimeSeries"),
    "write_timeseries": (lambda url: pr.write_timeseries(pl.DataFrame({"_ts": [1], "value": [1.0]}), url, key="ts"),
                         "RedisTimeSeries"),
    "search_index pushdown": (lambda url: pr.scan_hashes(url, "user:*", {"a": pl.Int64}, search_index="idx")
                              .filter(pl.col("a") > 0).collect(), "RediSearch"),
    "create_index": (lambda url: pr.create_index(url, "idx", {"a": pl.Int64}, "user:"), "RediSearch"),
    "aggregate": (lambda url: pr.aggregate(url, "idx", group_by=["a"], reduce={"n": ("count",)}), "RediSearch"),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_missing_module_is_named(plain_url: str, name: str) -> None:
    call, module = CALLS[name]
    with pytest.raises((pr.RedisError, pl.exceptions.ComputeError), match=module):
        call(plain_url)
