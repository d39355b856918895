"""Writes to a cluster whose slots move: MOVED and ASK are followed, and no row is written twice.

A slot is migrated the way redis-cli does it (CLUSTER SETSLOT IMPORTING / MIGRATING, MIGRATE the
keys, SETSLOT NODE on every primary). redis-py's RedisCluster is the oracle, and each node's key
count shows where the rows landed. This module runs its own cluster (it moves slots).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator

import polars as pl
import pytest
import redis

import polars_redis as pr
from polars_redis import _core

from cluster_servers import ClusterNode, LocalCluster, start_cluster


@pytest.fixture(scope="module")
def moving() -> Iterator[LocalCluster]:
    cluster = start_cluster(replicas=False)
    yield cluster
    cluster.stop()


@pytest.fixture()
def oracle(moving: LocalCluster) -> Iterator[redis.RedisCluster]:
    client = moving.oracle()
    yield client
    client.close()


def slot_of(key: str) -> int:
    return _core.cluster_key_slot(key.encode())


def keys_in_slot(cluster: LocalCluster, node: ClusterNode, slot: int) -> int:
    return cluster.client(node.port).execute_command("CLUSTER", "COUNTKEYSINSLOT", slot)


class SlotMove:
    """One slot moved from its owner to another primary, step by step."""

    def __init__(self, cluster: LocalCluster, tag: str) -> None:
        self.cluster = cluster
        self.slot = slot_of(tag)
        ranges = cluster.client(cluster.primaries[0].port).execute_command("CLUSTER", "SLOTS")
        port = next(r[2][1] for r in ranges if r[0] <= self.slot <= r[1])
        self.source = next(n for n in cluster.primaries if n.port == port)
        self.target = next(n for n in cluster.primaries if n is not self.source)

    def node_id(self, node: ClusterNode) -> str:
        value = self.cluster.client(node.port).execute_command("CLUSTER", "MYID")
        return value.decode() if isinstance(value, bytes) else value

    def start(self, *, importing: bool = True) -> None:
        if importing:
            self.cluster.client(self.target.port).execute_command(
                "CLUSTER", "SETSLOT", self.slot, "IMPORTING", self.node_id(self.source))
        self.cluster.client(self.source.port).execute_command(
            "CLUSTER", "SETSLOT", self.slot, "MIGRATING", self.node_id(self.target))

    def move(self, keys: list[str]) -> None:
        self.cluster.client(self.source.port).execute_command(
            "MIGRATE", "127.0.0.1", self.target.port, "", 0, 10000, "AUTH", self.cluster.password, "KEYS", *keys)

    def finish(self) -> None:
        """The remaining keys moved, then the slot assigned to the target on every primary."""
        source = self.cluster.client(self.source.port)
        while keys := source.execute_command("CLUSTER", "GETKEYSINSLOT", self.slot, 100):
            self.move([k.decode() for k in keys])
        target_id = self.node_id(self.target)
        others = [n for n in self.cluster.primaries if n is not self.source and n is not self.target]
        for node in [self.target, self.source, *others]:
            self.cluster.client(node.port).execute_command("CLUSTER", "SETSLOT", self.slot, "NODE", target_id)
        self.cluster.wait_ok()

    def cancel(self) -> None:
        for node in (self.source, self.target):
            self.cluster.client(node.port).execute_command("CLUSTER", "SETSLOT", self.slot, "STABLE")


def test_replace_during_a_migration_follows_ask(moving: LocalCluster, oracle: redis.RedisCluster) -> None:
    move = SlotMove(moving, "{ask}")
    hot = [f"{{ask}}:{i}" for i in range(150)]
    for key in hot[:100]:
        oracle.hset(key, mapping={"stale": "x", "age": "-1"})
    move.start()
    move.move(hot[:50])  # moved: the source answers ASK; 50..99 still on the source; 100.. new: ASK
    df = pl.DataFrame({"_key": hot + [f"cold:{i}" for i in range(200)], "age": list(range(350))})

    assert pr.write_hashes(df, moving.url) == 350

    # While the slot is still migrating, the moved and the new keys are on the target.
    assert keys_in_slot(moving, move.target, move.slot) == 100
    assert keys_in_slot(moving, move.source, move.slot) == 50
    move.finish()
    check = moving.oracle()
    for i, key in enumerate(df["_key"]):
        assert check.hgetall(key) == {b"age": str(i).encode()}  # replaced: the stale field is gone
    check.close()
    assert keys_in_slot(moving, move.target, move.slot) == 150


def moved_answered(cluster: LocalCluster) -> int:
    """How many MOVED replies the primaries have sent."""
    stats = [cluster.client(node.port).info("errorstats") for node in cluster.primaries]
    return sum(int(s.get("errorstat_MOVED", {}).get("count", 0)) for s in stats)


def test_moved_rows_follow_the_topology_once_it_names_the_new_owner(moving: LocalCluster,
                                                                    oracle: redis.RedisCluster) -> None:
    move = SlotMove(moving, "{moved}")
    hot = [f"{{moved}}:{i}" for i in range(5)]
    for key in hot[:3]:
        oracle.xadd(key, {"f": "-1"})
    move.start()
    move.move(hot[:3])
    # Only the source knows the slot's new owner, until the target takes the slot a moment later
    # (SETSLOT NODE) and the cluster learns it. Meanwhile the source answers MOVED to the target,
    # and the target (which still names the source) MOVED back: the writer reads the topology
    # again each round, from the first primary, until the rows land.
    moving.client(move.source.port).execute_command("CLUSTER", "SETSLOT", move.slot, "NODE", move.node_id(move.target))
    moved_before = moved_answered(moving)

    def assign_the_slot() -> None:
        # Only once the write has been redirected (however late it starts on a loaded machine):
        # the writer keeps following MOVED meanwhile, within its 30 s of patience.
        deadline = time.monotonic() + 20
        while moved_answered(moving) == moved_before and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.1)
        move.finish()

    keys = [hot[i % 5] if i % 2 else f"other:{i % 7}" for i in range(1000)]
    df = pl.DataFrame({"_key": keys, "f": list(range(1000))})
    assigner = threading.Thread(target=assign_the_slot)
    assigner.start()
    try:
        assert pr.write_stream(df, moving.url, key_column="_key") == 1000
    finally:
        assigner.join()

    assert moved_answered(moving) > moved_before  # the rows were redirected
    for key in set(keys):
        expected = [i for i in range(1000) if keys[i] == key]
        old = [-1] if key in hot[:3] else []
        assert [int(e[1][b"f"]) for e in oracle.xrange(key)] == old + expected  # each row once, in order
    assert keys_in_slot(moving, move.target, move.slot) == 5
    assert keys_in_slot(moving, move.source, move.slot) == 0


def test_stream_rows_are_added_exactly_once_while_the_slot_moves(moving: LocalCluster,
                                                                 oracle: redis.RedisCluster) -> None:
    move = SlotMove(moving, "{xadd}")
    hot = [f"{{xadd}}:{i}" for i in range(40)]
    for key in hot[:20]:
        oracle.xadd(key, {"f": "-1"})
    move.start()  # keys 20.. are new: ASK from the first row on

    def migrate_during_the_write() -> None:
        for key in hot[:20]:
            move.move([key])  # their rows after this one are answered with ASK, later MOVED
            time.sleep(0.005)
        move.finish()

    n = 40_000
    keys = [hot[i % 40] if i % 7 else f"side:{i % 13}" for i in range(n)]
    df = pl.DataFrame({"_key": keys, "f": list(range(n))})
    mover = threading.Thread(target=migrate_during_the_write)
    mover.start()
    try:
        assert pr.write_stream(df, moving.url, key_column="_key") == n
    finally:
        mover.join()

    for key in set(keys):
        expected = [i for i in range(n) if keys[i] == key]
        old = [-1] if key in hot[:20] else []
        assert [int(e[1][b"f"]) for e in oracle.xrange(key)] == old + expected
    assert keys_in_slot(moving, move.target, move.slot) == 40


def test_append_and_fail_modes_follow_ask(moving: LocalCluster, oracle: redis.RedisCluster) -> None:
    move = SlotMove(moving, "{mode}")
    hot = [f"{{mode}}:{i}" for i in range(40)]
    for key in hot[:30]:
        oracle.hset(key, mapping={"old": "x", "n": "-1"})
    move.start()
    move.move(hot[:15])

    # append with a TTL: ASKING before each MULTI ... EXEC.
    df = pl.DataFrame({"_key": hot, "n": list(range(40))})
    assert pr.write_hashes(df, moving.url, if_exists="append", ttl=600) == 40
    assert keys_in_slot(moving, move.target, move.slot) == 25

    # fail: the check follows ASK too, and finds a key that moved to the target.
    with pytest.raises(pr.KeyExistsError, match=re.escape("'{mode}:3'")):
        pr.write_hashes(pl.DataFrame({"_key": ["{mode}:100", "{mode}:3"], "n": [1, 2]}), moving.url,
                        if_exists="fail")
    fresh = pl.DataFrame({"_key": [f"{{mode}}:{i}" for i in range(100, 120)], "n": list(range(100, 120))})
    assert pr.write_hashes(fresh, moving.url, if_exists="fail") == 20  # EVALSHA after ASKING
    assert keys_in_slot(moving, move.target, move.slot) == 45

    move.finish()
    check = moving.oracle()
    for i, key in enumerate(hot):
        assert check.hgetall(key) == ({b"old": b"x", b"n": str(i).encode()} if i < 30 else {b"n": str(i).encode()})
        assert 590 <= check.ttl(key) <= 600
    for i in range(100, 120):
        assert check.hgetall(f"{{mode}}:{i}") == {b"n": str(i).encode()}
    check.close()


def test_rows_that_keep_bouncing_fail_clearly(moving: LocalCluster, oracle: redis.RedisCluster) -> None:
    """Rows redirected back and forth fail once the redirect policy's patience (30 s, as reads) is out."""
    move = SlotMove(moving, "{bounce}")
    # The source sends new keys to a target that does not import the slot, which sends them back.
    move.start(importing=False)
    cold = [f"cold:{i}" for i in range(20)]
    assert all(slot_of(key) != move.slot for key in cold)
    df = pl.DataFrame({"_key": [f"{{bounce}}:{i}" for i in range(3)] + cold, "n": list(range(23))})
    try:
        with pytest.raises(pr.ResponseError) as failure:
            pr.write_hashes(df, moving.url)
    finally:
        move.cancel()
    message = str(failure.value)
    assert "3 row(s) of 3 key(s) ('{bounce}:0', '{bounce}:1', '{bounce}:2') were still redirected after 30 s" in message
    assert "[cluster: 20 row(s) were committed]" in message
    assert failure.value.committed_rows == 20
    assert oracle.exists(*[f"{{bounce}}:{i}" for i in range(3)]) == 0
    assert all(oracle.hget(key, "n") == str(i + 3).encode() for i, key in enumerate(cold))
