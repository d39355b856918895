"""A primary SIGKILLed during a cluster scan: a clear error naming the node, never a partial frame.

This module runs its own cluster (it kills nodes), separate from the session's.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import polars as pl
import pytest

import polars_redis as pr
from polars_redis import _core
from polars_redis.engine.dtypes import to_descriptor

from cluster_servers import ClusterNode, LocalCluster, loaded_cluster

N = 60_000
SCHEMA = {"name": pl.String, "n": pl.Int64}


@pytest.fixture(scope="module")
def doomed() -> Iterator[LocalCluster]:
    yield from loaded_cluster({f"row:{i}": {"name": f"r{i}", "n": str(i)} for i in range(N)})


def seed(cluster: LocalCluster) -> str:
    alive = next(n for n in cluster.primaries if n.alive)
    return cluster.node_url(alive.port, "redis+cluster")


def kill(node: ClusterNode) -> None:
    node.process.kill()
    node.process.wait()


def wait_failover(cluster: LocalCluster, victim: ClusterNode, timeout: float = 30.0) -> None:
    """Until the victim's replica is a primary and every live node reports cluster_state:ok."""
    replica = cluster.replicas[cluster.primaries.index(victim)]
    client = cluster.client(replica.port)
    deadline = time.monotonic() + timeout
    while client.info("replication")["role"] != "master":
        assert time.monotonic() < deadline, "no failover"
        time.sleep(0.1)
    client.close()
    cluster.wait_ok(timeout)


def test_kill_during_native_scan_raises_naming_the_node(doomed: LocalCluster) -> None:
    victim = doomed.primaries[1]
    plan = {"pattern": "row:*", "fields": [("name", to_descriptor("name", pl.String))], "batch_size": 100,
            "count_hint": 100, "include_key": True}
    scan = _core.scan_hashes(seed(doomed), plan)
    first = scan.next_batch()
    assert first is not None and first.num_rows > 0
    kill(victim)
    rows = first.num_rows
    batch = None
    with pytest.raises(pr.RedisConnectionError) as info:
        while (batch := scan.next_batch()) is not None:
            rows += batch.num_rows
    message = str(info.value)
    assert f"127.0.0.1:{victim.port}" in message
    assert rows < N
    scan.close()
    # The traceback would keep the native objects alive past the session (nanobind reports them).
    del info, first, batch, scan
    # After the replica took over, a new scan reads every row again (the topology is read afresh).
    wait_failover(doomed, victim)
    df = pr.read_hashes(seed(doomed), "row:*", SCHEMA)
    assert df.height == N
    assert sorted(df["n"].to_list()) == list(range(N))


def test_kill_during_collect_never_returns_a_partial_frame(doomed: LocalCluster) -> None:
    victim = next(n for n in doomed.primaries if n.alive)
    url = doomed.node_url(next(n for n in doomed.nodes if n.alive and n is not victim).port)
    outcome: dict[str, object] = {}

    def read() -> None:
        try:
            outcome["frame"] = pr.read_hashes(url, "row:*", SCHEMA, batch_size=50, count_hint=50)
        except pr.RedisError as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=read)
    thread.start()
    time.sleep(0.3)
    kill(victim)
    thread.join(timeout=120)
    assert not thread.is_alive()
    if "frame" in outcome:
        frame = outcome["frame"]
        assert isinstance(frame, pl.DataFrame)
        assert frame.height == N  # finished before the kill: complete
    else:
        error = outcome["error"]
        assert isinstance(error, (pr.RedisConnectionError, pr.RedisTimeoutError))
        assert f"127.0.0.1:{victim.port}" in str(error)
