"""Writes to a real local Redis Cluster, checked key by key with redis-py's RedisCluster."""

from __future__ import annotations

import polars as pl
import pytest
import redis

import polars_redis as pr
from polars_redis import _core

from cluster_servers import LocalCluster
from committed_rows import committed_rows

N = 2000


def users(n: int = N) -> pl.DataFrame:
    return pl.DataFrame({"_key": [f"u:{i}" for i in range(n)], "name": [f"n{i}" for i in range(n)],
                         "age": list(range(n))})


def node_sizes(cluster: LocalCluster) -> list[int]:
    return [cluster.client(n.port).dbsize() for n in cluster.primaries]


def test_write_hashes_routes_every_key_to_its_node(cluster: LocalCluster, oracle: redis.RedisCluster) -> None:
    df = users()
    assert pr.write_hashes(df, cluster.url) == N
    sizes = node_sizes(cluster)
    assert sum(sizes) == N and min(sizes) > N // 10  # spread over every primary
    for i in range(0, N, 7):
        assert oracle.hgetall(f"u:{i}") == {b"name": f"n{i}".encode(), b"age": str(i).encode()}
    # The keys each node holds are exactly those whose slot it serves.
    for node in cluster.primaries:
        client = cluster.client(node.port)
        for key in client.scan_iter(count=1000):
            assert client.execute_command("CLUSTER", "COUNTKEYSINSLOT", _core.cluster_key_slot(key)) >= 1


def test_generated_keys_and_ttl(cluster: LocalCluster, oracle: redis.RedisCluster) -> None:
    df = users(500).drop("_key")
    assert pr.write_hashes(df, cluster.url, key_column=None, key_prefix="gen:", ttl=600) == 500
    for i in range(500):
        assert oracle.hget(f"gen:{i}", "name") == f"n{i}".encode()
        assert 590 <= oracle.ttl(f"gen:{i}") <= 600


def test_fail_mode_is_all_or_nothing_across_nodes(cluster: LocalCluster, oracle: redis.RedisCluster) -> None:
    df = users(300)
    # One existing key, on whichever node serves it: nothing may be written anywhere.
    oracle.hset("u:250", mapping={"name": "old"})
    with pytest.raises(pr.KeyExistsError, match="u:250"):
        pr.write_hashes(df, cluster.url, if_exists="fail")
    assert sum(node_sizes(cluster)) == 1
    assert oracle.hgetall("u:250") == {b"name": b"old"}
    oracle.delete("u:250")
    assert pr.write_hashes(df, cluster.url, if_exists="fail") == 300
    assert sum(node_sizes(cluster)) == 300
    assert oracle.hget("u:299", "age") == b"299"


def test_replace_and_append_keep_their_per_key_semantics(cluster: LocalCluster, oracle: redis.RedisCluster) -> None:
    oracle.hset("u:1", mapping={"stale": "x", "name": "old"})
    df = users(3)
    pr.write_hashes(df, cluster.url, if_exists="replace")
    assert oracle.hgetall("u:1") == {b"name": b"n1", b"age": b"1"}
    oracle.hset("u:2", mapping={"extra": "kept"})
    pr.write_hashes(pl.DataFrame({"_key": ["u:2"], "age": [42]}), cluster.url, if_exists="append")
    assert oracle.hgetall("u:2") == {b"extra": b"kept", b"name": b"n2", b"age": b"42"}


def test_other_writers(cluster: LocalCluster, oracle: redis.RedisCluster) -> None:
    n = 300
    keys = [f"k:{i}" for i in range(n)]
    pr.write_json(pl.DataFrame({"_key": keys, "v": list(range(n))}), cluster.url)
    pr.write_strings(pl.DataFrame({"_key": [f"s:{i}" for i in range(n)], "value": [f"x{i}" for i in range(n)]}),
                     cluster.url)
    members = pl.DataFrame({"_key": [f"set:{i % 30}" for i in range(n)], "member": [f"m{i}" for i in range(n)]})
    pr.write_set(members, cluster.url)
    pr.write_list(members.rename({"member": "element", "_key": "_key"}).with_columns(
        pl.col("_key").str.replace("set:", "list:")), cluster.url)
    pr.write_zset(members.with_columns(pl.col("_key").str.replace("set:", "z:"),
                                       score=pl.int_range(n).cast(pl.Float64)), cluster.url)
    pr.write_stream(pl.DataFrame({"_key": [f"st:{i % 10}" for i in range(n)], "f": list(range(n))}), cluster.url,
                    key_column="_key")
    pr.write_timeseries(pl.DataFrame({"_key": [f"ts:{i % 10}" for i in range(n)], "_ts": list(range(1, n + 1)),
                                      "value": [float(i) for i in range(n)]}), cluster.url, key_column="_key")
    for i in range(n):
        assert oracle.json().get(f"k:{i}") == {"v": i}
        assert oracle.get(f"s:{i}") == f"x{i}".encode()
    for g in range(30):
        expected = [f"m{i}".encode() for i in range(g, n, 30)]
        assert oracle.smembers(f"set:{g}") == set(expected)
        assert oracle.lrange(f"list:{g}", 0, -1) == expected
        assert oracle.zrange(f"z:{g}", 0, -1) == expected
    for g in range(10):
        entries = oracle.xrange(f"st:{g}")
        assert [int(e[1][b"f"]) for e in entries] == list(range(g, n, 10))
        samples = oracle.ts().range(f"ts:{g}", "-", "+")
        assert samples == [(i + 1, float(i)) for i in range(g, n, 10)]


def test_sink_fail_mode_checks_every_node_first(cluster: LocalCluster, oracle: redis.RedisCluster) -> None:
    lf = users(400).lazy()
    oracle.hset("u:5", mapping={"name": "old"})
    with pytest.raises(pr.KeyExistsError):
        pr.sink_hashes(lf, cluster.url, if_exists="fail", batch_size=64)
    assert sum(node_sizes(cluster)) == 1
    oracle.delete("u:5")
    assert pr.sink_hashes(lf, cluster.url, if_exists="fail", batch_size=64) == 400
    assert sum(node_sizes(cluster)) == 400


def test_round_trip_matches_single_node(cluster: LocalCluster, oracle: redis.RedisCluster, r: redis.Redis,
                                        url: str) -> None:
    df = users()
    pr.write_hashes(df, cluster.url)
    pr.write_hashes(df, url)
    schema = {"name": pl.String, "age": pl.Int64}
    got = pr.read_hashes(cluster.url, "u:*", schema).sort("_key")
    assert got.equals(pr.read_hashes(url, "u:*", schema).sort("_key"))
    assert got.equals(df.sort("_key"))


def test_errors_number_rows_in_the_whole_frame(cluster: LocalCluster, oracle: redis.RedisCluster) -> None:
    """A node's failure names the row by its number in the frame, and every row committed."""
    oracle.set("w:25", "a string")
    n = 300
    df = pl.DataFrame({"_key": [f"w:{i}" for i in range(n)], "a": list(range(n))})
    with pytest.raises(pr.ResponseError) as info:
        pr.write_hashes(df, cluster.url, if_exists="append")
    message = str(info.value)
    assert message.startswith("row 25: writing 'w:25' failed: WRONGTYPE"), message
    node = oracle.get_node_from_key("w:25")
    assert f"(cluster node {node.host}:{node.port})" in message
    assert info.value.committed_rows == n - 1
    assert "[cluster: " in message
    # The failing node's own report lists its committed rows by their frame numbers.
    committed = committed_rows(message)
    listed = [row for r in committed.ranges for row in r]
    assert listed and 25 not in listed
    for row in listed:
        assert oracle.get_node_from_key(f"w:{row}") == node
        assert oracle.hget(f"w:{row}", "a") == str(row).encode()
    assert sum(oracle.type(f"w:{i}") == b"hash" for i in range(n)) == n - 1


def test_sink_generated_keys_keep_counting_across_batches(cluster: LocalCluster, oracle: redis.RedisCluster) -> None:
    """Generated keys (prefix + row number) are routed by the number the whole write gives the row."""
    lf = users(300).drop("_key").lazy()
    oracle.hset("g:150", mapping={"name": "old"})
    with pytest.raises(pr.KeyExistsError, match="'g:150'"):
        pr.sink_hashes(lf, cluster.url, key_column=None, key_prefix="g:", if_exists="fail", batch_size=64)
    assert sum(node_sizes(cluster)) == 1
    oracle.delete("g:150")
    assert pr.sink_hashes(lf, cluster.url, key_column=None, key_prefix="g:", if_exists="fail", batch_size=64) == 300
    assert sum(node_sizes(cluster)) == 300
    for i in range(300):
        assert oracle.hget(f"g:{i}", "age") == str(i).encode()
