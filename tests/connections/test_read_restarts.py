"""Every reader restarts when it cannot reach the server before its first batch (the URL's
``retries``), and a write never does. The server is held with CLIENT PAUSE for 1.5 s while the
client's socket timeout is 1 s: the first attempt times out, the restart is answered once the
pause ends. Results are compared with what redis-py loaded."""

from __future__ import annotations

import time
from collections.abc import Callable

import polars as pl
import pytest
import redis

import polars_redis as pr

PAUSE_MS = 1500


def _load(r: redis.Redis) -> None:
    r.set("s:1", "one")
    r.json().set("j:1", "$", {"n": 7})
    r.sadd("set:1", "a")
    r.rpush("list:1", "x", "y")
    r.zadd("z:1", {"m": 2.5})
    r.xadd("st:1", {"f": "v"}, id="1-1")
    r.ts().add("ts:1", 1000, 4.5)


# (reader, the rows as lists that redis-py's loaded data gives)
READS: list[tuple[str, Callable[[pr.Client], pl.DataFrame], dict[str, list]]] = [
    ("strings", lambda c: pr.read_strings(c, "s:*"), {"_key": ["s:1"], "value": ["one"]}),
    ("json", lambda c: pr.read_json(c, "j:*", {"n": pl.Int64}), {"_key": ["j:1"], "n": [7]}),
    ("set", lambda c: pr.read_set(c, "set:*"), {"_key": ["set:1"], "member": ["a"]}),
    ("list", lambda c: pr.read_list(c, "list:*").sort("position"), {"element": ["x", "y"], "position": [0, 1]}),
    ("zset", lambda c: pr.read_zset(c, "z:*"), {"member": ["m"], "score": [2.5]}),
    ("stream", lambda c: pr.read_stream(c, "st:1", {"f": pl.String}), {"_id": ["1-1"], "f": ["v"]}),
    ("timeseries", lambda c: pr.read_timeseries(c, "ts:1"), {"value": [4.5]}),
]


@pytest.mark.parametrize(("read", "expected"), [case[1:] for case in READS], ids=[case[0] for case in READS])
def test_every_reader_restarts_after_a_timeout_before_its_first_batch(url: str, r: redis.Redis, read, expected):
    _load(r)
    with pr.connect(url, socket_timeout=1.0, retries=1) as c:
        read(c)  # connections and the cluster check are in place before the pause
        started = time.monotonic()
        r.client_pause(PAUSE_MS)
        frame = read(c)
        # Nothing is answered before the pause ends; however late the read starts on a loaded
        # machine, a second attempt (if any) starts after 1 s and is answered within its timeout.
        assert time.monotonic() - started >= PAUSE_MS / 1000
    for column, values in expected.items():
        assert frame[column].to_list() == values
    time.sleep(PAUSE_MS / 1000)


def test_without_retries_the_timeout_is_raised(url: str, r: redis.Redis):
    _load(r)
    with pr.connect(url, socket_timeout=1.0, retries=0) as c:
        pr.read_stream(c, "st:1", {"f": pl.String})
        # Long enough that the read times out even if it starts late on a loaded machine.
        r.client_pause(3 * PAUSE_MS)
        with pytest.raises(pr.RedisTimeoutError):
            pr.read_stream(c, "st:1", {"f": pl.String})
    time.sleep(3 * PAUSE_MS / 1000)
