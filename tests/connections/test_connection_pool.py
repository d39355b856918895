"""The connection pool against a real server: reuse, bounds, idle timeout, dead and dirty
connections, and parallel fetch. The server's own counters (INFO, CLIENT LIST) are the oracle for
connections; redis-py for data."""

from __future__ import annotations

import threading
import time
import uuid

import polars as pl
import pytest
import redis

import polars_redis as pr

from conftest import named_connections
from polars_redis import _core
from polars_redis.engine.dtypes import to_descriptor


def _pooled(url: str, **options: object) -> str:
    """`url` with a pool of its own (so counts are not shared with other tests) and `options`."""
    query = "&".join(f"{k}={v}" for k, v in {"pool": uuid.uuid4().hex, **options}.items())
    return f"{url}{'&' if '?' in url else '?'}{query}"


def _load(r: redis.Redis, n: int, prefix: str = "u") -> list[int]:
    pipe = r.pipeline(transaction=False)
    for i in range(n):
        pipe.hset(f"{prefix}:{i}", mapping={"v": i, "s": f"x{i}"})
    pipe.execute()
    return list(range(n))


def _received(r: redis.Redis) -> int:
    return int(r.info("stats")["total_connections_received"])


SCHEMA = {"v": pl.Int64, "s": pl.Utf8}


def test_fifty_scans_reuse_two_connections(url: str, r: redis.Redis):
    expected = _load(r, 10)
    pooled = _pooled(url)
    assert sorted(pr.read_hashes(pooled, "u:*", SCHEMA)["v"].to_list()) == expected
    before = _received(r)
    for _ in range(50):
        assert sorted(pr.read_hashes(pooled, "u:*", SCHEMA)["v"].to_list()) == expected
    # One connection for the key source, one for the fetch pipeline, opened by the first scan;
    # the next 50 reuse them.
    assert _received(r) - before == 0
    stats = _core.pool_stats(pooled)
    assert (stats["open"], stats["idle"], stats["created"]) == (2, 2, 2)
    assert stats["reused"] >= 100


def test_writes_reuse_connections(url: str, r: redis.Redis):
    pooled = _pooled(url)
    before = _received(r)
    for i in range(50):
        assert pr.write_hashes(pl.DataFrame({"_key": [f"w:{i}"], "v": [i]}), pooled) == 1
    assert _received(r) - before <= 2  # one pooled connection (and any topology probe)
    stats = _core.pool_stats(pooled)
    assert (stats["open"], stats["idle"], stats["created"]) == (1, 1, 1)
    assert stats["reused"] >= 49
    assert [int(r.hget(f"w:{i}", "v")) for i in range(50)] == list(range(50))


def test_pool_keeps_at_most_pool_size_idle(url: str, r: redis.Redis):
    expected = _load(r, 2000)
    pooled = _pooled(url, pool_size=2, client_name="pr-bounded")
    results: list[list[int]] = []
    start = threading.Barrier(6)

    def read() -> None:
        start.wait()
        results.append(sorted(pr.read_hashes(pooled, "u:*", SCHEMA)["v"].to_list()))

    threads = [threading.Thread(target=read) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 6
    stats = _core.pool_stats(pooled)
    assert stats["created"] > 2  # concurrent scans opened more than the pool keeps
    assert stats["idle"] == stats["open"] == 2
    assert named_connections(r, "pr-bounded", 2) == 2


def test_pool_size_zero_keeps_nothing(url: str, r: redis.Redis):
    _load(r, 5)
    pooled = _pooled(url, pool_size=0, client_name="pr-none")
    for _ in range(3):
        assert pr.read_hashes(pooled, "u:*", SCHEMA).height == 5
    assert _core.pool_stats(pooled)["created"] == 6
    assert _core.pool_stats(pooled)["idle"] == 0
    assert named_connections(r, "pr-none", 0) == 0


def test_idle_timeout_closes_idle_connections(url: str, r: redis.Redis):
    _load(r, 5)
    pooled = _pooled(url, pool_idle_timeout=0.3, client_name="pr-idle")
    assert pr.read_hashes(pooled, "u:*", SCHEMA).height == 5
    assert named_connections(r, "pr-idle", 2) == 2
    time.sleep(0.5)
    # Expiry runs on the next pool operation (no background thread).
    assert _core.pool_stats(pooled)["idle"] == 0
    assert named_connections(r, "pr-idle", 0) == 0
    assert pr.read_hashes(pooled, "u:*", SCHEMA).height == 5
    assert _core.pool_stats(pooled)["created"] == 4  # two expired, two new


def test_killed_connections_are_detected_and_replaced(url: str, r: redis.Redis):
    expected = _load(r, 20)
    pooled = _pooled(url, retries=0, client_name="pr-killed")  # no retry: the liveness check does it
    assert sorted(pr.read_hashes(pooled, "u:*", SCHEMA)["v"].to_list()) == expected
    for entry in r.client_list():
        if entry["name"] == "pr-killed":
            r.client_kill_filter(_id=entry["id"])
    assert named_connections(r, "pr-killed", 0) == 0
    assert sorted(pr.read_hashes(pooled, "u:*", SCHEMA)["v"].to_list()) == expected
    stats = _core.pool_stats(pooled)
    assert stats["created"] == 4
    assert stats["open"] == stats["idle"] == 2


def test_failed_scan_discards_its_connections(url: str, r: redis.Redis):
    _load(r, 3000)
    r.hset("u:1500", "v", "not a number")
    pooled = _pooled(url, client_name="pr-failed")
    with pytest.raises(pr.SchemaError, match="not a number"):
        pr.read_hashes(pooled, "u:*", SCHEMA)
    stats = _core.pool_stats(pooled)
    assert stats["open"] == stats["idle"] == 0
    assert named_connections(r, "pr-failed", 0) == 0
    r.hset("u:1500", "v", "1500")
    assert sorted(pr.read_hashes(pooled, "u:*", SCHEMA)["v"].to_list()) == list(range(3000))


def test_scan_stopped_early_never_leaks_replies(url: str, r: redis.Redis):
    expected = _load(r, 20000)
    pooled = _pooled(url)
    # batch_bytes=1: batches of 100 rows, so the scan is still fetching when the consumer stops.
    plan = {"pattern": "u:*", "include_key": True, "batch_size": 100, "batch_bytes": 1,
            "fields": [(name, to_descriptor(name, dtype)) for name, dtype in SCHEMA.items()]}
    for _ in range(3):
        # The consumer stops after one batch while hundreds of fetches are in flight.
        scan = _core.scan_hashes(pooled, plan)
        first = pl.DataFrame(scan.next_batch())
        assert first.height == 100
        assert all(int(r.hget(k, "v")) == v for k, v in zip(first["_key"], first["v"]))
        scan.close()  # joins the scan's thread: its connections are back or closed now
        stats = _core.pool_stats(pooled)
        assert stats["open"] == stats["idle"]
        # Had a connection with replies still coming gone back to the pool, this scan would
        # read them as its own and mismatch keys and values.
        full = pr.read_hashes(pooled, "u:*", SCHEMA)
        assert sorted(full["v"].to_list()) == expected
        assert all(k == f"u:{v}" for k, v in zip(full["_key"], full["v"]))
    assert _core.pool_stats(pooled)["created"] > 2  # the half-read connections were closed
    # The same through Polars: head() after a filter stops the source early.
    head = pr.scan_hashes(pooled, "u:*", SCHEMA).filter(pl.col("v") >= 0).head(5).collect()
    assert all(int(r.hget(k, "v")) == v for k, v in zip(head["_key"], head["v"]))
    full = pr.read_hashes(pooled, "u:*", SCHEMA)
    assert all(k == f"u:{v}" for k, v in zip(full["_key"], full["v"]))


def test_session_changing_raw_commands_are_not_pooled(url: str, r: redis.Redis):
    r.set("k", "db0")
    redis.Redis.from_url(url.rsplit("/", 1)[0] + "/4").set("k", "db4")
    pooled = _pooled(url)
    assert _core.commands(pooled, [["SELECT", "4"], ["GET", "k"]]) == ["OK", "db4"]
    assert _core.command(pooled, ["GET", "k"]) == "db0"
    assert _core.pool_stats(pooled)["created"] == 2
    redis.Redis.from_url(url.rsplit("/", 1)[0] + "/4").flushdb()


def test_close_pool_opens_fresh_connections(url: str, r: redis.Redis):
    _load(r, 5)
    pooled = _pooled(url, client_name="pr-closed")
    pr.read_hashes(pooled, "u:*", SCHEMA)
    _core.close_pool(pooled)
    assert _core.pool_stats(pooled) == {"open": 0, "idle": 0, "created": 0, "reused": 0}
    assert named_connections(r, "pr-closed", 0) == 0
    assert pr.read_hashes(pooled, "u:*", SCHEMA).height == 5
    assert _core.pool_stats(pooled)["created"] == 2


@pytest.mark.parametrize("parallel", [2, 3, 4])
def test_parallel_fetch_matches_one_connection(url: str, r: redis.Redis, parallel: int):
    keys = [f"u:{i}" for i in range(5000)][::-1]
    _load(r, 5000)

    def read(target: str) -> pl.DataFrame:
        # A key list (pushed down from is_in) fixes the order the keys are fetched in.
        lf = pr.scan_hashes(target, "u:*", SCHEMA, include_row_index=True)
        return lf.filter(pl.col("_key").is_in(keys)).collect()

    spread = read(_pooled(url, parallel=parallel))
    assert spread["_key"].to_list() == keys
    assert spread["v"].to_list() == [int(r.hget(k, "v")) for k in keys]
    assert spread["s"].to_list() == [r.hget(k, "s").decode() for k in keys]
    assert spread["_index"].to_list() == list(range(5000))
    assert spread.equals(read(_pooled(url, parallel=1)))
    assert pr.scan_hashes(_pooled(url, parallel=parallel), "u:*", SCHEMA).head(7).collect().height == 7


def test_parallel_spreads_commands_over_connections(url: str, r: redis.Redis):
    _load(r, 4000)
    pooled = _pooled(url, parallel=4, client_name="pr-parallel")
    assert pr.read_hashes(pooled, "u:*", SCHEMA).height == 4000
    assert _core.pool_stats(pooled)["created"] == 5  # the key source and four fetch lanes
    last = sorted(e["cmd"] for e in r.client_list() if e["name"] == "pr-parallel")
    assert last == ["hgetall"] * 4 + ["scan"]  # each lane's last command, and the key source's


def test_parallel_fetch_for_other_readers(url: str, r: redis.Redis):
    for i in range(500):
        r.set(f"s:{i}", str(i))
        r.sadd(f"set:{i}", *[f"m{j}" for j in range(i % 7 + 1)])
    strings = pr.read_strings(_pooled(url, parallel=3), "s:*", value_type=pl.Int64)
    assert sorted(strings["value"].to_list()) == list(range(500))
    sets = pr.read_set(_pooled(url, parallel=3), "set:*")
    assert sets.height == sum(i % 7 + 1 for i in range(500))
    assert all(m.encode() in r.smembers(k) for k, m in zip(sets["_key"], sets["member"]))


def test_tls_connections_are_reused(tmp_path):
    # A TLS connection has more state than a socket (session tickets, close notices): the
    # liveness check must still accept an idle one.
    from debian_redis import DebianRedis, free_port, make_certificates

    certs = make_certificates(tmp_path / "certs")
    port = free_port()
    server = DebianRedis(tmp_path, "--tls-port", str(port), "--tls-cert-file", str(certs["server.crt"]),
                         "--tls-key-file", str(certs["server.key"]), "--tls-ca-cert-file", str(certs["ca.crt"]),
                         "--tls-auth-clients", "optional")
    try:
        server.wait_until_listening(port)
        oracle = redis.Redis(port=server.port)
        oracle.hset("t:1", "v", "41")
        with pr.connect(f"rediss://127.0.0.1:{port}", ssl_ca_certs=str(certs["ca.crt"])) as c:
            for _ in range(5):
                assert pr.read_hashes(c, "t:*", {"v": pl.Int64})["v"].to_list() == [41]
            stats = c.pool_stats()
            assert (stats["open"], stats["idle"], stats["created"]) == (2, 2, 2)
            assert stats["reused"] >= 8
    finally:
        server.stop()
