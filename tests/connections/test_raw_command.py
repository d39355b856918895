"""_core.command / _core.commands: raw commands with replies converted to Python values,
checked against what redis-py stored and reads."""

from __future__ import annotations

import pytest
import redis

import polars_redis as pr
from polars_redis import _core


def test_reply_types_convert_to_python(r: redis.Redis, url: str) -> None:
    r.set("s", "text")
    r.set("b", b"\xff\x00raw")
    r.rpush("l", "a", "b")
    r.hset("h", mapping={"f1": "v1", "f2": "v2"})
    r.sadd("set", "x")
    assert _core.command(url, ["GET", "s"]) == "text"
    assert _core.command(url, ["GET", "b"]) == b"\xff\x00raw"  # not UTF-8: bytes
    assert _core.command(url, ["GET", "missing"]) is None
    assert _core.command(url, ["STRLEN", "s"]) == 4
    assert _core.command(url, ["LRANGE", "l", "0", "-1"]) == ["a", "b"]
    assert _core.command(url, ["HGETALL", "h"]) == {"f1": "v1", "f2": "v2"}  # RESP3 map
    assert _core.command(url, ["SMEMBERS", "set"]) == ["x"]  # RESP3 set
    assert _core.command(url, ["PING"]) == "PONG"
    r.zadd("z", {"m": 1.5})
    assert _core.command(url, ["ZSCORE", "z", "m"]) == 1.5  # RESP3 double
    assert _core.command(url, ["EXISTS", "s", "l"]) == 2


def test_booleans_and_big_numbers(url: str) -> None:
    assert _core.command(url, ["EVAL", "return redis.setresp(3) or true", "0"]) is True
    big = _core.command(url, ["EVAL", "redis.setresp(3); return {big_number='123456789012345678901234567890'}", "0"])
    assert big == 123456789012345678901234567890


def test_bytes_arguments_are_sent_verbatim(r: redis.Redis, url: str) -> None:
    blob = bytes(range(256))
    assert _core.command(url, [b"SET", b"k\x00", blob]) == "OK"
    assert r.get(b"k\x00") == blob


def test_resp2_connection(r: redis.Redis, url: str) -> None:
    r.hset("h", mapping={"a": "1"})
    assert _core.command(url + "?protocol=2", ["HGETALL", "h"]) == ["a", "1"]


def test_error_reply_names_the_command(url: str) -> None:
    with pytest.raises(pr.ResponseError, match=r"^GET failed: ERR wrong number of arguments"):
        _core.command(url, ["get"])
    with pytest.raises(pr.ResponseError, match=r"FT\.INFO failed on index 'idx:none'"):
        _core.command(url, ["FT.INFO", "idx:none"])


def test_search_commands(r: redis.Redis, url: str) -> None:
    r.hset("p:1", mapping={"name": "ann", "age": "30"})
    assert _core.command(url, ["FT.CREATE", "idx:p", "ON", "HASH", "PREFIX", "1", "p:", "SCHEMA",
                               "name", "TEXT", "age", "NUMERIC"]) == "OK"
    assert "idx:p" in _core.command(url, ["FT._LIST"])
    info = _core.command(url, ["FT.INFO", "idx:p"])
    assert info["index_name"] == "idx:p"
    assert _core.command(url, ["FT.EXPLAIN", "idx:p", "@age:[10 40]"]).startswith("NUMERIC")
    oracle = redis.Redis.from_url(url, decode_responses=True)
    ((name, value),) = oracle.execute_command("FT.CONFIG", "GET", "MAXEXPANSIONS").items()  # redis-py's reading
    oracle.close()
    assert _core.command(url, ["FT.CONFIG", "GET", "MAXEXPANSIONS"]) == {name: value}  # RESP3: a map
    assert _core.command(url + "?protocol=2", ["FT.CONFIG", "GET", "MAXEXPANSIONS"]) == [[name, value]]


def test_pipelined_commands(r: redis.Redis, url: str) -> None:
    replies = _core.commands(url, [["SET", "a", "1"], ["INCR", "a"], ["GET", "a"], [b"ECHO", b"\xfe"]])
    assert replies == ["OK", 2, "2", b"\xfe"]
    assert r.get("a") == b"2"
    assert _core.commands(url, []) == []
    with pytest.raises(pr.ResponseError, match=r"command 2 of 3: .*INCR failed"):
        _core.commands(url, [["SET", "s", "x"], ["INCR", "s"], ["GET", "s"]])


def test_wrong_password_is_not_shown(url: str) -> None:
    bad = url.replace("redis://:", "redis://:wrongsecret")
    with pytest.raises(pr.AuthenticationError) as error:
        _core.command(bad, ["PING"])
    assert "wrongsecret" not in str(error.value)
