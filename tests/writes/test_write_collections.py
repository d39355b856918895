"""write_set / write_list / write_zset, checked with redis-py."""

from __future__ import annotations

import polars as pl
import pytest
import redis

import polars_redis as pr
from polars_redis.writers.collections import write_list, write_set, write_zset


def test_sets_grouped_by_key_with_modes(r: redis.Redis, url: str) -> None:
    df = pl.DataFrame({"_key": ["s:1", "s:2", "s:1", "s:1"], "member": [1, 2, 3, 1]})
    assert write_set(df, url, ttl=60) == 4
    assert r.smembers("s:1") == {b"1", b"3"} and r.smembers("s:2") == {b"2"}
    assert 58 <= r.ttl("s:1") <= 60
    write_set(pl.DataFrame({"_key": ["s:1"], "member": [9]}), url, if_exists="append")
    assert r.smembers("s:1") == {b"1", b"3", b"9"}
    write_set(pl.DataFrame({"_key": ["s:1"], "member": [7]}), url, if_exists="replace")
    assert r.smembers("s:1") == {b"7"}
    with pytest.raises(pr.KeyExistsError, match="s:2"):
        write_set(pl.DataFrame({"_key": ["s:2", "s:3"], "member": [1, 1]}), url, if_exists="fail")
    assert r.exists("s:3") == 0


def test_lists_keep_frame_order_and_duplicates(r: redis.Redis, url: str) -> None:
    df = pl.DataFrame({"q": ["a", "b", "a", "a"], "element": ["x", "y", "z", "x"]})
    write_list(df, url, key_column="q", key_prefix="l:")
    assert r.lrange("l:a", 0, -1) == [b"x", b"z", b"x"] and r.lrange("l:b", 0, -1) == [b"y"]
    write_list(pl.DataFrame({"q": ["a"], "element": ["w"]}), url, key_column="q", key_prefix="l:", if_exists="append")
    assert r.lrange("l:a", 0, -1) == [b"x", b"z", b"x", b"w"]
    with pytest.raises(pr.ConfigurationError, match="null"):
        write_list(pl.DataFrame({"q": ["n"], "element": [None]}, schema={"q": pl.String, "element": pl.String}),
                   url, key_column="q")


def test_zsets_and_leaderboard_round_trip(r: redis.Redis, url: str) -> None:
    df = pl.DataFrame({"_key": ["board"] * 3 + ["other"], "member": ["ann", "bob", "cy", "ann"],
                       "score": [3.5, 7.0, -1.25, 1e20]})
    write_zset(df, url)
    assert r.zrange("board", 0, -1, withscores=True) == [(b"cy", -1.25), (b"ann", 3.5), (b"bob", 7.0)]
    assert r.zscore("other", "ann") == 1e20
    write_zset(pl.DataFrame({"_key": ["board"], "member": ["ann"], "score": [100.0]}), url, if_exists="append")
    assert r.zscore("board", "ann") == 100.0 and r.zcard("board") == 3
    with pytest.raises(pr.ConfigurationError, match="numeric"):
        write_zset(pl.DataFrame({"_key": ["z"], "member": ["m"], "score": ["high"]}), url)
