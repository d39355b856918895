"""Guarded writes (`fail`, and `append` with a TTL) go in batches of at most `batch_size` rows and
256 keys, each under WATCH and all-or-nothing; a batch's transaction travels with the next
batch's WATCH. Observed with redis-py: what a failing batch leaves, in which order rows count."""

from __future__ import annotations

import threading

import polars as pl
import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import polars_redis as pr
from polars_redis.writers.writes import write_hashes

from committed_rows import committed_rows

MAX_KEYS_PER_BATCH = 256  # documented in docs/writes.md


def batch_starts(stores: list[bool], batch_size: int) -> list[int]:
    """The first row of every batch: a batch closes at `batch_size` rows or 256 keys (rows with
    nothing to store have no key)."""
    starts, rows, keys = [], 0, 0
    for i, has_key in enumerate(stores):
        if rows == 0:
            starts.append(i)
        rows += 1
        keys += has_key
        if rows >= batch_size or keys >= MAX_KEYS_PER_BATCH:
            rows = keys = 0
    return starts


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    n=st.integers(1, 1300),
    batch_size=st.sampled_from([1, 7, 100, 300, 1000]),
    empty_every=st.sampled_from([0, 2, 5, 97]),
    wrong_type_at=st.one_of(st.none(), st.floats(0, 1)),
)
def test_append_with_ttl_commits_whole_batches_in_order(r: redis.Redis, url: str, n: int, batch_size: int,
                                                        empty_every: int, wrong_type_at: float | None) -> None:
    """A key of the wrong type fails its batch; every batch before it is written (merged, with
    the TTL), it and every later one untouched, and the error counts exactly the rows before."""
    r.flushall()
    values = [None if empty_every and i % empty_every == 1 else f"v{i}" for i in range(n)]
    stores = [v is not None for v in values]
    for i in range(0, n, 3):  # existing hashes to merge into, with a field of their own
        r.hset(f"g:{i}", mapping={"old": "1"})
    bad = None
    if wrong_type_at is not None:
        bad = min(int(wrong_type_at * n), n - 1)
        if not stores[bad]:
            values[bad], stores[bad] = "v", True
        r.delete(f"g:{bad}")
        r.set(f"g:{bad}", "a string")
    df = pl.DataFrame({"_key": [f"g:{i}" for i in range(n)], "a": values}, schema={"_key": pl.String, "a": pl.String})
    before = {i: r.hgetall(f"g:{i}") for i in range(n) if i != bad}

    if bad is None:
        assert write_hashes(df, url, if_exists="append", ttl=500, batch_size=batch_size) == n
        written_end = n
    else:
        with pytest.raises(pr.RedisError) as info:
            write_hashes(df, url, if_exists="append", ttl=500, batch_size=batch_size)
        failing_batch = max(s for s in batch_starts(stores, batch_size) if s <= bad)
        assert f"g:{bad}" in str(info.value) and "WRONGTYPE" in str(info.value)
        assert info.value.committed_rows == failing_batch
        committed = committed_rows(str(info.value))
        assert committed.total == failing_batch
        if failing_batch:
            assert committed.ranges == [range(0, failing_batch)]
        written_end = failing_batch
        assert r.get(f"g:{bad}") == b"a string"
    for i in range(n):
        if i == bad:
            continue
        stored = r.hgetall(f"g:{i}")
        if i < written_end and stores[i]:
            assert stored == {**before[i], b"a": values[i].encode()}, i
            assert 0 < r.ttl(f"g:{i}") <= 500, i
        else:  # later batches, and rows with nothing to store: as they were
            assert stored == before[i], i
            assert r.ttl(f"g:{i}") == (-1 if before[i] else -2), i


def test_append_with_ttl_redoes_batches_another_client_changed(r: redis.Redis, url: str) -> None:
    """Another client keeps changing keys being written: aborted transactions are redone, and
    every row ends up merged with its TTL, the other client's fields kept."""
    n = 20_000
    for i in range(n):
        if i % 2 == 0:
            r.hset(f"h:{i}", "theirs", "0")
    stop = threading.Event()
    touched: set[int] = set()

    def meddle() -> None:
        other = redis.Redis.from_url(url)
        i = 0
        while not stop.is_set():
            key = (i * 7919) % n // 2 * 2
            other.hset(f"h:{key}", "theirs", "1")
            touched.add(key)
            i += 1

    thread = threading.Thread(target=meddle)
    thread.start()
    batches = -(-n // MAX_KEYS_PER_BATCH)
    redone = False
    try:
        df = pl.DataFrame({"_key": [f"h:{i}" for i in range(n)], "ours": [str(i) for i in range(n)]})
        for _ in range(5):  # until a transaction was aborted and redone (the same merge again is harmless)
            r.config_resetstat()
            assert write_hashes(df, url, if_exists="append", ttl=900) == n
            if redone := r.info("commandstats")["cmdstat_exec"]["calls"] > batches:
                break
    finally:
        stop.set()
        thread.join()
    assert touched and redone, "the other client never made a transaction abort"
    for i in range(n):
        stored = r.hgetall(f"h:{i}")
        assert stored.get(b"ours") == str(i).encode(), i
        assert (b"theirs" in stored) == (i % 2 == 0), i
        assert 0 < r.ttl(f"h:{i}") <= 900, i


def test_fail_mode_connection_killed_mid_write(r: redis.Redis, url: str) -> None:
    """Batches in flight when the connection dies: the committed count and ranges are exact,
    and every batch is all or nothing."""
    n = 200_000
    df = pl.DataFrame({"_key": [f"f:{i}" for i in range(n)], "a": ["ours"] * n})

    def kill() -> None:
        killer = redis.Redis.from_url(url)
        while not any(True for _ in killer.scan_iter(match="f:*", count=100)):
            pass
        killer.client_kill_filter(_type="normal", skipme=True)

    thread = threading.Thread(target=kill)
    thread.start()
    with pytest.raises(pr.RedisError) as info:
        write_hashes(df, url, if_exists="fail")
    thread.join()
    committed = committed_rows(str(info.value))
    assert committed.total == info.value.committed_rows and 0 <= committed.total < n
    written = {int(k.decode()[2:]) for k in r.scan_iter(match="f:*", count=10_000)}
    assert set(range(committed.total)) <= written  # rows count in order: the first `total` ones
    starts = batch_starts([True] * n, 1000)
    for start in starts:
        batch = set(range(start, min(start + MAX_KEYS_PER_BATCH, n)))
        assert not (batch & written) or batch <= written, f"batch at {start} half-written"


@settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=st.sampled_from([2, 300, 20_000, 40_000]), first=st.floats(0, 1), second=st.floats(0, 1))
def test_fail_refuses_a_frame_holding_a_key_twice(r: redis.Redis, url: str, n: int, first: float,
                                                  second: float) -> None:
    """Wherever the repeat sits (long frames are validated in two halves at once, the keys
    probed in order), if_exists='fail' names the key and writes nothing."""
    r.flushall()
    i = min(int(first * n), n - 2)
    j = min(i + 1 + int(second * (n - i - 1)), n - 1)
    keys = [f"d:{k}" for k in range(n)]
    keys[j] = keys[i]
    df = pl.DataFrame({"_key": keys, "n": list(range(n))})
    with pytest.raises(pr.ConfigurationError) as info:
        write_hashes(df, url, if_exists="fail")
    assert f"key 'd:{i}' appears twice" in str(info.value) and "nothing was written" in str(info.value)
    assert r.dbsize() == 0
