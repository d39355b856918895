"""Scan budgets (max_server_share, max_commands_per_second) against real servers.

A budget changes when commands are sent, never what is read: every reader returns what redis-py
reads, with and without one. The pacing is checked from the server's own counters (INFO
commandstats): a scan can never finish sooner than its budget allows (lower bounds on wall time
only). Invalid budgets fail when the scan is built, and Ctrl-C ends a scan that is pausing.
"""

from __future__ import annotations

import math
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import polars as pl
import pytest
import redis
from polars.testing import assert_frame_equal

import polars_redis as pr
from cluster_servers import LocalCluster
from conftest import command_calls, load_hashes

BUDGETS = [{"max_server_share": 0.3}, {"max_commands_per_second": 20_000}, {"max_server_share": 0.5, "max_commands_per_second": 50_000}]


def _usec(client: redis.Redis, command: str) -> int:
    """Microseconds the server spent running `command` since the last CONFIG RESETSTAT."""
    for name, stats in client.info("commandstats").items():
        if name.lower() == f"cmdstat_{command}":
            return int(stats["usec"])
    return 0


def _hashes(r: redis.Redis) -> tuple[Callable[..., pl.DataFrame], pl.DataFrame]:
    load_hashes(r, {f"h:{i}": {"a": f"v{i}", "n": str(i)} for i in range(300)})
    keys = [k.decode() for k in r.scan_iter("h:*")]
    rows = [(k, r.hget(k, "a").decode(), int(r.hget(k, "n"))) for k in keys]
    expected = pl.DataFrame(rows, schema={"_key": pl.String, "a": pl.String, "n": pl.Int64}, orient="row")
    return lambda url, **budget: pr.read_hashes(url, "h:*", {"a": pl.String, "n": pl.Int64}, **budget), expected


def _json(r: redis.Redis) -> tuple[Callable[..., pl.DataFrame], pl.DataFrame]:
    for i in range(120):
        r.json().set(f"j:{i}", "$", {"name": f"n{i}", "age": i})
    rows = [(f"j:{i}", *(lambda d: (d["name"], d["age"]))(r.json().get(f"j:{i}"))) for i in range(120)]
    expected = pl.DataFrame(rows, schema={"_key": pl.String, "name": pl.String, "age": pl.Int64}, orient="row")
    return lambda url, **budget: pr.read_json(url, "j:*", {"name": pl.String, "age": pl.Int64}, **budget), expected


def _strings(r: redis.Redis) -> tuple[Callable[..., pl.DataFrame], pl.DataFrame]:
    r.mset({f"s:{i}": f"value {i}" for i in range(500)})
    keys = [k.decode() for k in r.scan_iter("s:*")]
    expected = pl.DataFrame({"_key": keys, "value": [v.decode() for v in r.mget(keys)]})
    return lambda url, **budget: pr.read_strings(url, "s:*", **budget), expected


def _sets(r: redis.Redis) -> tuple[Callable[..., pl.DataFrame], pl.DataFrame]:
    for i in range(40):
        r.sadd(f"set:{i}", *[f"m{j}" for j in range(i % 7 + 1)])
    rows = [(f"set:{i}", m.decode()) for i in range(40) for m in r.smembers(f"set:{i}")]
    expected = pl.DataFrame(rows, schema={"_key": pl.String, "member": pl.String}, orient="row")
    return lambda url, **budget: pr.read_set(url, "set:*", **budget), expected


def _lists(r: redis.Redis) -> tuple[Callable[..., pl.DataFrame], pl.DataFrame]:
    for i in range(40):
        r.rpush(f"list:{i}", *[f"e{j}" for j in range(i % 5 + 1)])
    rows = [(f"list:{i}", e.decode()) for i in range(40) for e in r.lrange(f"list:{i}", 0, -1)]
    expected = pl.DataFrame(rows, schema={"_key": pl.String, "element": pl.String}, orient="row")
    return lambda url, **budget: pr.read_list(url, "list:*", **budget).select("_key", "element"), expected


def _zsets(r: redis.Redis) -> tuple[Callable[..., pl.DataFrame], pl.DataFrame]:
    for i in range(40):
        r.zadd(f"z:{i}", {f"m{j}": j / 2 for j in range(i % 6 + 1)})
    rows = [(f"z:{i}", m.decode(), s) for i in range(40) for m, s in r.zrange(f"z:{i}", 0, -1, withscores=True)]
    expected = pl.DataFrame(rows, schema={"_key": pl.String, "member": pl.String, "score": pl.Float64}, orient="row")
    return lambda url, **budget: pr.read_zset(url, "z:*", **budget).select("_key", "member", "score"), expected


def _stream(r: redis.Redis) -> tuple[Callable[..., pl.DataFrame], pl.DataFrame]:
    for key in ("st:a", "st:b"):
        for i in range(700):
            r.xadd(key, {"n": str(i)})
    rows = [(key, entry_id.decode(), int(fields[b"n"])) for key in ("st:a", "st:b") for entry_id, fields in r.xrange(key)]
    expected = pl.DataFrame(rows, schema={"_key": pl.String, "_id": pl.String, "n": pl.Int64}, orient="row")
    return (lambda url, **budget: pr.read_stream(url, ["st:a", "st:b"], {"n": pl.Int64}, page_size=100,
                                                 include_timestamp=False, **budget)), expected


READERS = {"hashes": _hashes, "json": _json, "strings": _strings, "sets": _sets, "lists": _lists, "zsets": _zsets,
           "stream": _stream}


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort(frame.columns)


@pytest.mark.parametrize("reader", list(READERS))
def test_a_budget_changes_nothing_that_is_read(r: redis.Redis, url: str, reader: str) -> None:
    read, expected = READERS[reader](r)
    assert_frame_equal(_sorted(read(url)), _sorted(expected))
    for budget in BUDGETS:
        assert_frame_equal(_sorted(read(url, **budget)), _sorted(expected), check_row_order=True)


def test_a_budget_keeps_n_rows_and_order_of_a_key_list(r: redis.Redis, url: str) -> None:
    load_hashes(r, {f"h:{i}": {"n": str(i)} for i in range(200)})
    keys = [f"h:{i}" for i in range(199, -1, -3)]
    lf = pr.scan_hashes(url, "h:*", {"n": pl.Int64}, max_server_share=0.2)
    got = lf.filter(pl.col("_key").is_in(keys)).head(25).collect()
    assert got.height == 25
    assert set(got["_key"]) <= set(keys)
    assert all(int(r.hget(k, "n")) == n for k, n in got.iter_rows())


def test_cluster_reads_are_paced_per_shard_and_complete(cluster: LocalCluster, oracle: redis.RedisCluster) -> None:
    rows = {f"user:{i}": {"name": f"n{i}", "age": str(i)} for i in range(600)}
    pipe = oracle.pipeline(transaction=False)
    for key, fields in rows.items():
        pipe.hset(key, mapping=fields)
    pipe.execute()
    got = pr.read_hashes(cluster.url, "user:*", {"name": pl.String, "age": pl.Int64}, max_server_share=0.4)
    expected = sorted((key, oracle.hget(key, "name").decode(), int(oracle.hget(key, "age"))) for key in rows)
    assert sorted(got.rows()) == expected


def test_a_command_rate_is_never_exceeded(r: redis.Redis, url: str) -> None:
    # Each burst of c commands is followed by nothing until c / rate after its start, so every
    # burst but the last takes at least c / rate: the scan takes at least (all - last) / rate.
    rate = 2000.0
    load_hashes(r, {f"h:{i}": {"n": str(i)} for i in range(400)})
    r.config_resetstat()
    start = time.perf_counter()
    got = pr.read_hashes(url, "h:*", {"n": pl.Int64}, max_commands_per_second=rate)
    elapsed = time.perf_counter() - start
    assert got.height == 400
    commands = command_calls(r, "HGETALL") + command_calls(r, "SCAN")
    last_burst = rate * 0.01 + 1  # a 10 ms slice of fetches and one SCAN
    assert commands >= 400
    assert elapsed >= (commands - last_burst) / rate, (elapsed, commands)


def test_a_command_rate_paces_stream_pages(r: redis.Redis, url: str) -> None:
    for i in range(2000):
        r.xadd("st", {"n": str(i)})
    rate = 200.0
    r.config_resetstat()
    start = time.perf_counter()
    got = pr.read_stream(url, "st", {"n": pl.Int64}, page_size=50, max_commands_per_second=rate)
    elapsed = time.perf_counter() - start
    assert got["n"].to_list() == [int(fields[b"n"]) for _, fields in r.xrange("st")]
    commands = command_calls(r, "XRANGE") + command_calls(r, "XREVRANGE") + command_calls(r, "XLEN")
    assert commands >= 40
    assert elapsed >= (commands - rate * 0.01 - 2) / rate, (elapsed, commands)


def test_a_server_share_leaves_the_server_idle_in_proportion(r: redis.Redis, url: str) -> None:
    # Hashes dear to read (500 fields): the server's own time for the scan dominates. The pacer
    # counts a burst busy from its first send to its last reply, which contains the server's time
    # for the burst's commands, and pauses busy * (1 - share) / share after every burst but the
    # last: the scan takes at least (server time - the last burst's) / share. A burst has at most
    # 32 keys (the first window; later ones aim at 0.2 ms, a handful of these keys), and the
    # keys cost the same, so the last burst has at most 32 / N of the fetch time.
    share, n = 0.2, 150
    load_hashes(r, {f"big:{i}": {f"f{j}": f"value {i} {j}" for j in range(500)} for i in range(n)})
    r.config_resetstat()
    start = time.perf_counter()
    got = pr.read_hashes(url, "big:*", {"f0": pl.String, "f499": pl.String}, max_server_share=share)
    elapsed = time.perf_counter() - start
    assert got.height == n
    fetch = _usec(r, "hmget") + _usec(r, "hgetall")
    server = (fetch * (1 - 32 / n)) / 1e6
    assert server > 0
    assert elapsed >= server / share, (elapsed, fetch, server)


CHILD = r"""
import sys
import polars as pl
import polars_redis as pr

print("reading", flush=True)
try:
    try:
        pr.read_hashes(sys.argv[1], "slow:*", {"n": pl.Int64}, max_commands_per_second=2)
        print("finished", flush=True)
    except (KeyboardInterrupt, pl.exceptions.ComputeError) as exc:
        # Polars 1.x wraps an exception raised in a lazy source in a ComputeError.
        print("interrupted" if "KeyboardInterrupt" in repr(exc) or isinstance(exc, KeyboardInterrupt) else repr(exc),
              flush=True)
except KeyboardInterrupt:
    print("interrupted", flush=True)  # Polars 2.x may raise a second one for the same Ctrl-C
"""


def test_ctrl_c_ends_a_paused_scan(r: redis.Redis, url: str) -> None:
    load_hashes(r, {f"slow:{i}": {"n": str(i)} for i in range(200)})  # 100 s at 2 commands a second
    child = subprocess.Popen([sys.executable, "-c", CHILD, url], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
    assert child.stdout is not None
    assert child.stdout.readline() == "reading\n"
    deadline = time.monotonic() + 300  # waits on state: the scan has sent its first commands
    while command_calls(r, "HGETALL") == 0:
        assert time.monotonic() < deadline and child.poll() is None
        time.sleep(0.05)
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=60)  # without interruption: 100 s
    assert "interrupted" in out and "finished" not in out, out + err
    assert "terminate called" not in err


def test_explain_states_the_budget(url: str) -> None:
    schema = {"a": pl.String}
    plain = pr.explain(pr.scan_hashes(url, "h:*", schema))
    assert "budget" not in plain
    shared = pr.explain(pr.scan_hashes(url, "h:*", schema, max_server_share=0.25))
    assert "budget: at most 25% of the server's time" in shared
    assert "COUNT 64 " in shared and "COUNT 500 " in plain  # shorter SCAN calls under a share
    rated = pr.explain(pr.scan_set(url, "s:*", max_commands_per_second=500))
    assert "at most 500 commands per second" in rated
    stream = pr.explain(pr.scan_stream(url, "st", schema, max_server_share=0.5, max_commands_per_second=100))
    assert "50% of the server's time" in stream and "100 commands per second" in stream
    unbounded = pr.explain(pr.scan_hashes(url, "h:*", schema, max_server_share=1.0))
    assert "budget" not in unbounded


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("max_server_share", 0, "max_server_share must be in (0, 1]"),
        ("max_server_share", -0.5, "max_server_share must be in (0, 1]"),
        ("max_server_share", 1.5, "max_server_share must be in (0, 1]"),
        ("max_server_share", math.nan, "max_server_share must be in (0, 1]"),
        ("max_server_share", "0.5", "max_server_share must be a number or None, got '0.5'"),
        ("max_server_share", True, "max_server_share must be a number or None, got True"),
        ("max_commands_per_second", 0, "max_commands_per_second must be a finite number above 0"),
        ("max_commands_per_second", -10, "max_commands_per_second must be a finite number above 0"),
        ("max_commands_per_second", math.inf, "max_commands_per_second must be a finite number above 0"),
    ],
)
def test_invalid_budgets_fail_when_the_scan_is_built(url: str, option: str, value: Any, message: str) -> None:
    builders: list[Callable[..., object]] = [
        lambda **kw: pr.scan_hashes(url, "h:*", {"a": pl.String}, **kw),
        lambda **kw: pr.scan_json(url, "j:*", {"a": pl.String}, **kw),
        lambda **kw: pr.scan_strings(url, "s:*", **kw),
        lambda **kw: pr.scan_set(url, "s:*", **kw),
        lambda **kw: pr.scan_list(url, "l:*", **kw),
        lambda **kw: pr.scan_zset(url, "z:*", **kw),
        lambda **kw: pr.scan_stream(url, "st", {"a": pl.String}, **kw),
        lambda **kw: pr.search_hashes(url, "idx", "*", {"a": pl.String}, **kw),
        lambda **kw: pr.search_json(url, "idx", "*", {"a": pl.String}, **kw),
    ]
    for build in builders:
        with pytest.raises(pr.ConfigurationError) as error:
            build(**{option: value})
        assert message in str(error.value)


def test_a_budget_with_a_snapshot_read_is_refused(url: str) -> None:
    with pytest.raises(pr.ConfigurationError, match="snapshot read .* cannot be paced"):
        pr.scan_hashes(url, "h:*", {"a": pl.String}, snapshot=True, max_server_share=0.5)
    with pytest.raises(pr.ConfigurationError, match="max_commands_per_second paces"):
        pr.scan_stream(url, "st", {"a": pl.String}, snapshot=True, max_commands_per_second=10)
