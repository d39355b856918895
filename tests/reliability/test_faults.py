"""Faults against a real server of the test's own: killed or paused mid-scan and mid-write, out of
memory during a write. Every case ends in a clear error within the configured timeout; a scan never
returns a partial frame as if it were complete, and a write says how many rows it committed."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import polars as pl
import pytest
import redis

import polars_redis as pr
from committed_rows import CommittedRows, committed_rows
from debian_redis import DebianRedis

SCHEMA = {"a": pl.String, "n": pl.Int64}


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[DebianRedis]:
    instance = DebianRedis(tmp_path)
    instance.wait_until_listening(instance.port)
    yield instance
    if instance.process.poll() is None:
        os.kill(instance.process.pid, signal.SIGCONT)
        instance.stop()


def _url(server: DebianRedis, timeout: float = 1.0) -> str:
    return f"redis://127.0.0.1:{server.port}/0?socket_timeout={timeout}&connect_timeout={timeout}"


def _load(server: DebianRedis, n: int) -> None:
    client = redis.Redis(port=server.port)
    pipe = client.pipeline(transaction=False)
    for i in range(n):
        pipe.hset(f"h:{i}", mapping={"a": "x" * 50, "n": str(i)})
        if i % 5000 == 4999:
            pipe.execute()
    pipe.execute()


def _signal_once(server: DebianRedis, signum: int, started: Callable[[redis.Redis], bool]) -> threading.Thread:
    """A thread that sends `signum` to the server as soon as `started` sees the work under way:
    the fault lands mid-way whatever the machine's speed (a timer could fire after the end)."""
    watcher = redis.Redis(port=server.port)

    def run() -> None:
        deadline = time.monotonic() + 60  # never outlive the test, should the work fail at once
        while not started(watcher) and time.monotonic() < deadline:
            time.sleep(0.001)
        os.kill(server.process.pid, signum)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _fetching(client: redis.Redis) -> bool:
    return int(client.info("stats")["keyspace_hits"]) > 0


# Reads under faults are paced (200,000 hashes at most 50,000 commands a second: at least 4 s),
# so that they are still running when the fault lands.
PACED = 50_000


def test_server_killed_mid_scan_is_a_connection_error(server: DebianRedis) -> None:
    _load(server, 200_000)
    url = _url(server, timeout=5.0)
    killer = _signal_once(server, signal.SIGKILL, _fetching)
    started = time.monotonic()
    with pytest.raises(pr.RedisConnectionError, match=f"127.0.0.1:{server.port}"):
        pr.read_hashes(url, "h:*", SCHEMA, batch_size=1000, max_commands_per_second=PACED)
    killer.join()
    assert time.monotonic() - started < 5.0  # a dead peer is noticed at once, not at the timeout


def test_lazy_scan_killed_mid_way_never_returns_a_frame(server: DebianRedis) -> None:
    _load(server, 200_000)
    lf = pr.scan_hashes(_url(server, timeout=5.0), "h:*", SCHEMA, batch_size=1000, max_commands_per_second=PACED)
    killer = _signal_once(server, signal.SIGKILL, _fetching)
    with pytest.raises((pr.RedisConnectionError, pl.exceptions.ComputeError)):
        lf.select(pl.col("a").count()).collect()
    killer.join()


def test_server_paused_mid_scan_times_out(server: DebianRedis) -> None:
    _load(server, 200_000)
    pauser = _signal_once(server, signal.SIGSTOP, _fetching)
    started = time.monotonic()
    with pytest.raises(pr.RedisTimeoutError, match=f"127.0.0.1:{server.port}"):
        pr.read_hashes(_url(server, timeout=1.0), "h:*", SCHEMA, batch_size=1000, max_commands_per_second=PACED)
    elapsed = time.monotonic() - started
    pauser.join()
    assert 1.0 <= elapsed < 6.0, elapsed


def test_server_paused_mid_write_times_out_and_reports_committed_rows(server: DebianRedis) -> None:
    n = 300_000
    df = pl.DataFrame({"_key": [f"w:{i}" for i in range(n)], "a": ["v"] * n})
    pauser = _signal_once(server, signal.SIGSTOP, lambda client: client.dbsize() > 0)  # rows are landing
    started = time.monotonic()
    with pytest.raises(pr.RedisTimeoutError) as info:
        pr.write_hashes(df, _url(server, timeout=1.0))
    pauser.join()
    assert time.monotonic() - started < 10.0
    committed = committed_rows(str(info.value))
    os.kill(server.process.pid, signal.SIGCONT)
    client = redis.Redis(port=server.port)
    assert 0 <= committed.total < n and committed.total == info.value.committed_rows
    _assert_reported_rows_written(client, "w", committed, b"v")


def test_out_of_memory_during_a_write_is_clear_and_reports_committed_rows(server: DebianRedis) -> None:
    client = redis.Redis(port=server.port)
    client.config_set("maxmemory", str(8 * 1024 * 1024))
    client.config_set("maxmemory-policy", "noeviction")
    n = 200_000
    df = pl.DataFrame({"_key": [f"m:{i}" for i in range(n)], "a": ["x" * 200] * n})
    with pytest.raises(pr.ResponseError, match="OOM") as info:
        pr.write_hashes(df, _url(server, timeout=5.0))
    committed = committed_rows(str(info.value))
    assert 0 < committed.total < n and committed.total == info.value.committed_rows
    _assert_reported_rows_written(client, "m", committed, b"x" * 200)
    if committed.complete:  # a refused reply wrote nothing: every row outside the ranges is absent
        absent = [i for i in range(0, n, 97) if i not in committed]
        assert absent and not any(client.exists(f"m:{i}") for i in absent)


def _assert_reported_rows_written(client: redis.Redis, prefix: str, committed: CommittedRows, value: bytes) -> None:
    """Nothing reported written is missing: each listed range's ends and a sample in between."""
    if committed.complete:
        assert committed.listed() == committed.total
    for rows in committed.ranges:
        for i in {rows[0], rows[-1], *rows[::499]}:
            assert client.hget(f"{prefix}:{i}", "a") == value, (i, committed.ranges)
