"""A slot migrated (SETSLOT IMPORTING/MIGRATING + MIGRATE) while a cluster scan runs.

SCAN runs per node, so a key moving between nodes mid-scan could be missed or read twice: the
scan must then fail clearly, never return a frame that silently lacks or repeats rows. Before and
after the resharding, scans are complete. This module runs its own cluster (it moves slots).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import polars as pl
import pytest
import redis

import polars_redis as pr
from polars_redis import _core
from polars_redis.engine.dtypes import to_descriptor

from cluster_servers import ClusterNode, LocalCluster, loaded_cluster

N_COLD = 30_000
N_HOT = 2_000
N_WIDE = 6_000  # hashes of 12 fields, read through a schema of 1: the fetch turns to HMGET
SCHEMA = {"n": pl.Int64}


@pytest.fixture(scope="module")
def resharded() -> Iterator[LocalCluster]:
    cold = {f"m:{i}": {"n": str(i)} for i in range(N_COLD)}
    hot = {f"{{hot}}:{i}": {"n": str(N_COLD + i)} for i in range(N_HOT)}
    wide = {f"{{wide}}:{i}": {"n": str(N_COLD + N_HOT + i)} | {f"pad{j}": "x" * 20 for j in range(11)}
            for i in range(N_WIDE)}
    yield from loaded_cluster(cold | hot | wide)


def owner(cluster: LocalCluster, slot: int) -> ClusterNode:
    for node in cluster.primaries:
        client = cluster.client(node.port)
        if client.execute_command("CLUSTER", "COUNTKEYSINSLOT", slot) > 0:
            return node
    raise AssertionError(f"no node holds slot {slot}")


def node_id(cluster: LocalCluster, node: ClusterNode) -> str:
    value = cluster.client(node.port).execute_command("CLUSTER", "MYID")
    return value.decode() if isinstance(value, bytes) else value


def migrate(cluster: LocalCluster, source: ClusterNode, target: ClusterNode, keys: list[str]) -> None:
    cluster.client(source.port).execute_command(
        "MIGRATE", "127.0.0.1", target.port, "", 0, 10000, "AUTH", cluster.password, "KEYS", *keys)


def begin_migration(cluster: LocalCluster, slot: int, moved_first: list[str]) -> tuple[ClusterNode, ClusterNode, str]:
    """Marks `slot` migrating from its owner to another primary and moves `moved_first` there:
    the source, the target and the target's node ID."""
    source = owner(cluster, slot)
    target = next(n for n in cluster.primaries if n is not source)
    source_id, target_id = node_id(cluster, source), node_id(cluster, target)
    cluster.client(target.port).execute_command("CLUSTER", "SETSLOT", slot, "IMPORTING", source_id)
    cluster.client(source.port).execute_command("CLUSTER", "SETSLOT", slot, "MIGRATING", target_id)
    migrate(cluster, source, target, moved_first)
    return source, target, target_id


def finish_migration_later(cluster: LocalCluster, slot: int, migration: tuple[ClusterNode, ClusterNode, str],
                           rest: list[str]) -> threading.Thread:
    """A started thread that, after a second (while a read meets ASK and keeps asking), moves
    `rest` and gives the slot to the target on every node."""
    source, target, target_id = migration

    def finish() -> None:
        time.sleep(1.0)
        migrate(cluster, source, target, rest)
        for node in cluster.primaries:
            cluster.client(node.port).execute_command("CLUSTER", "SETSLOT", slot, "NODE", target_id)

    thread = threading.Thread(target=finish)
    thread.start()
    return thread


def all_rows() -> list[int]:
    return list(range(N_COLD + N_HOT + N_WIDE))


def test_migration_during_a_scan_never_returns_a_silent_partial_result(resharded: LocalCluster) -> None:
    cluster = resharded
    slot = _core.cluster_key_slot(b"{hot}:0")
    source = owner(cluster, slot)
    target = next(n for n in cluster.primaries if n is not source)
    source_id, target_id = node_id(cluster, source), node_id(cluster, target)
    seed = cluster.node_url(target.port, "redis+cluster")

    # Before: complete.
    df = pr.read_hashes(seed, "*", SCHEMA)
    assert sorted(df["n"].to_list()) == all_rows()

    plan = {"pattern": "*", "fields": [("n", to_descriptor("n", pl.Int64))], "batch_size": 100, "count_hint": 100,
            "include_key": True}
    scan = _core.scan_hashes(seed, plan)
    first = scan.next_batch()
    values = pl.DataFrame(first)["n"].to_list()
    hot = [f"{{hot}}:{i}" for i in range(N_HOT)]
    cluster.client(target.port).execute_command("CLUSTER", "SETSLOT", slot, "IMPORTING", source_id)
    cluster.client(source.port).execute_command("CLUSTER", "SETSLOT", slot, "MIGRATING", target_id)
    migrate(cluster, source, target, hot[: N_HOT // 2])
    batch = None
    try:
        while (batch := scan.next_batch()) is not None:
            values += pl.DataFrame(batch)["n"].to_list()
    except (pr.RedisConnectionError, pr.ResponseError) as exc:
        message = str(exc)
        assert "slot" in message or "ASK" in message or "MOVED" in message, message
    else:
        assert sorted(values) == all_rows()  # a scan that finishes must be exact
    scan.close()
    del first, batch, scan

    # During: refused with a clear message rather than risking a wrong frame.
    with pytest.raises(pr.RedisConnectionError, match="migrating"):
        pr.read_hashes(seed, "*", SCHEMA)

    # After the slot has moved: complete again, each row once, read from the new owner.
    migrate(cluster, source, target, hot[N_HOT // 2:])
    for node in cluster.primaries:
        cluster.client(node.port).execute_command("CLUSTER", "SETSLOT", slot, "NODE", target_id)
    deadline = time.monotonic() + 300  # waits on state: generous for a loaded machine
    while True:
        try:
            df = pr.read_hashes(seed, "*", SCHEMA)
            break
        except pr.RedisConnectionError:
            assert time.monotonic() < deadline
            time.sleep(0.2)
    assert sorted(df["n"].to_list()) == all_rows()
    assert cluster.client(target.port).execute_command("CLUSTER", "COUNTKEYSINSLOT", slot) == N_HOT
    oracle = redis.RedisCluster(host="127.0.0.1", port=target.port, password=cluster.password)
    assert oracle.hget("{hot}:7", "n") == str(N_COLD + 7).encode()
    oracle.close()


def test_key_lookups_follow_keys_through_a_migration(resharded: LocalCluster) -> None:
    """A read of named keys (``_key.is_in``) while their slot migrates: a key already moved answers
    ASK, and the read asks again (refreshing the topology) until the slot has settled, then
    returns every row once."""
    cluster = resharded
    slot = _core.cluster_key_slot(b"{hot}:0")
    hot = [f"{{hot}}:{i}" for i in range(N_HOT)]
    wanted = hot[::7] + ["m:1", "m:29999"]
    expected = sorted([N_COLD + i for i in range(0, N_HOT, 7)] + [1, 29999])
    seed = cluster.node_url(owner(cluster, slot).port, "redis+cluster")
    lf = pr.scan_hashes(seed, "*", SCHEMA).filter(pl.col("_key").is_in(wanted))
    assert sorted(lf.collect()["n"].to_list()) == expected

    migration = begin_migration(cluster, slot, hot[: N_HOT // 2])
    finisher = finish_migration_later(cluster, slot, migration, hot[N_HOT // 2:])
    started = time.monotonic()
    try:
        df = lf.collect()
    finally:
        finisher.join()
    assert time.monotonic() - started >= 0.9  # it did wait for the slot
    assert sorted(df["n"].to_list()) == expected  # every key once, none lost
    assert sorted(df["_key"].to_list()) == sorted(wanted)


def command_calls(cluster: LocalCluster, command: str) -> int:
    total = 0
    for node in cluster.primaries:
        stats = cluster.client(node.port).info("commandstats")
        total += stats.get(f"cmdstat_{command}", {}).get("calls", 0)
    return total


@pytest.mark.parametrize("protocol", [2, 3])  # under RESP2 only the send order tells HGETALL's replies from HMGET's
def test_wide_hash_lookups_follow_keys_through_a_migration(resharded: LocalCluster, protocol: int) -> None:
    """Lookups of wide hashes through a narrow schema while every other key of their slot has
    moved (ASK): the moved keys are asked again until the slot settles, the fetch still turns
    from HGETALL to HMGET, and every row comes back once with its own value."""
    cluster = resharded
    slot = _core.cluster_key_slot(b"{wide}:0")
    wide = [f"{{wide}}:{i}" for i in range(N_WIDE)]
    expected = sorted(N_COLD + N_HOT + i for i in range(N_WIDE))
    seed = cluster.node_url(owner(cluster, slot).port, "redis+cluster") + f"?protocol={protocol}"
    lf = pr.scan_hashes(seed, "*", SCHEMA).filter(pl.col("_key").is_in(wide))

    migration = begin_migration(cluster, slot, wide[::2])  # every other key: ASK before and after the turn
    for node in cluster.primaries:
        cluster.client(node.port).config_resetstat()
    finisher = finish_migration_later(cluster, slot, migration, wide[1::2])
    try:
        df = lf.collect()
    finally:
        finisher.join()
    assert sorted(df["n"].to_list()) == expected  # every key once, with its own value
    assert sorted(df["_key"].to_list()) == sorted(wide)
    assert df.filter(pl.col("n") != pl.col("_key").str.split(":").list.last().cast(pl.Int64) + N_COLD + N_HOT).is_empty()
    assert command_calls(cluster, "hmget") > 0, "the fetch never turned to HMGET"
    assert command_calls(cluster, "hgetall") >= 64
