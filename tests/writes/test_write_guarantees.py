"""The write modes' guarantees under concurrency and failure, observed with redis-py."""

from __future__ import annotations

import threading
import time

import polars as pl
import pytest
import redis

import polars_redis as pr
from polars_redis.writers.writes import write_hashes

from committed_rows import committed_rows

ROWS = 20_000


def test_fail_mode_against_a_concurrent_writer(r: redis.Redis, url: str) -> None:
    """Another client creates some target keys while we write with if_exists='fail': each batch is
    all ours or untouched, and we stop at the first batch that found a foreign key."""
    df = pl.DataFrame({"_key": [f"c:{i:05d}" for i in range(ROWS)], "owner": ["us"] * ROWS})
    started = threading.Event()

    def intrude() -> None:
        other = redis.Redis.from_url(url)
        started.wait()
        for i in range(ROWS - 1, 0, -997):  # from the end, so later batches are the ones hit
            other.hset(f"c:{i:05d}", "intruder", "1")  # a field of its own: never hides our owner field

    thread = threading.Thread(target=intrude)
    thread.start()
    started.set()
    try:
        write_hashes(df, url, if_exists="fail", batch_size=200)
        outcome = "completed"
    except pr.KeyExistsError as exc:
        outcome = str(exc)
    thread.join()
    owners = {k.decode(): r.hget(k, "owner") for k in r.scan_iter(match="c:*", count=5000)}
    for start in range(0, ROWS, 200):
        batch = [f"c:{i:05d}" for i in range(start, start + 200)]
        ours = [key for key in batch if owners.get(key) == b"us"]
        assert len(ours) in (0, len(batch)), f"batch at {start} half-written"
    if "nothing was written" in outcome:  # the intruder beat the up-front check
        assert b"us" not in owners.values()
    elif outcome != "completed":  # it beat a batch's atomic check: that batch and later ones are not ours
        assert "created by another client during the write" in outcome
    else:
        # The intruder came too late for every batch: it only touched finished keys.
        assert sum(v == b"us" for v in owners.values()) == ROWS


@pytest.mark.parametrize("mode", ["replace", "append"])
def test_connection_killed_mid_write_reports_committed_rows(r: redis.Redis, url: str, mode: str) -> None:
    """append: most keys are created by RESTORE, the existing ones merged after their BUSYKEY
    (later than the rows after them): the committed count and ranges must still be exact."""
    n = 200_000
    df = pl.DataFrame({"_key": [f"k:{i}" for i in range(n)], "a": ["new"] * n, "b": ["new"] * n})
    for i in range(0, n, 1000):  # old values, with two fields, under every key
        r.hset(f"k:{i}", mapping={"a": "old", "b": "old"})

    def kill() -> None:  # once rows are landing: mid-way whatever the machine's speed
        killer = redis.Redis.from_url(url)
        preloaded = killer.dbsize()
        deadline = time.monotonic() + 60
        while killer.dbsize() <= preloaded and time.monotonic() < deadline:
            time.sleep(0.001)
        killer.client_kill_filter(_type="normal", skipme=True)

    thread = threading.Thread(target=kill)
    thread.start()
    with pytest.raises(pr.RedisError) as info:
        write_hashes(df, url, if_exists=mode)
    thread.join()
    message = str(info.value)
    assert "committed" in message and "fully written or untouched" in message
    committed = committed_rows(message)
    assert 0 <= committed.total < n and committed.total == info.value.committed_rows
    assert not committed.complete or committed.listed() == committed.total
    # Every key is fully old or fully new (the transaction per key), and every committed row is new.
    for i in range(0, n, 1000):
        h = r.hgetall(f"k:{i}")
        assert h in ({b"a": b"old", b"b": b"old"}, {b"a": b"new", b"b": b"new"}, {}), h
    for rows in committed.ranges:
        for i in rows:
            assert r.hget(f"k:{i}", "a") == b"new"
