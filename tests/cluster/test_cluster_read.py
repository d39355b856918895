"""Reads from a real local Redis Cluster (3 primaries + 3 replicas).

The same data is loaded into the cluster (through redis-py's RedisCluster, the oracle) and into the
session's single-node server; every reader must return the same rows from both, and the values
redis-py reads back.
"""

from __future__ import annotations

import time

import polars as pl
import pytest
import redis
from hypothesis import given, settings
from hypothesis import strategies as st

import polars_redis as pr
from polars_redis import _core

from cluster_servers import LocalCluster, wait_replicated

N = 3000
SCHEMA = {"name": pl.String, "age": pl.Int64, "score": pl.Float64}


def user_rows(n: int = N) -> dict[str, dict[str, str]]:
    return {f"user:{i}": {"name": f"n{i}", "age": str(20 + i % 50), "score": f"{i / 4}"} for i in range(n)}


def load(client: redis.Redis | redis.RedisCluster, rows: dict[str, dict[str, str]]) -> None:
    # RedisCluster pipelines split commands by node; a plain client pipelines them all.
    pipe = client.pipeline(transaction=False)
    for key, fields in rows.items():
        pipe.hset(key, mapping=fields)
    pipe.execute()



def by_key(df: pl.DataFrame, key: str = "_key") -> pl.DataFrame:
    return df.sort(key)


def expected_users(rows: dict[str, dict[str, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "_key": list(rows),
            "name": [f["name"] for f in rows.values()],
            "age": [int(f["age"]) for f in rows.values()],
            "score": [float(f["score"]) for f in rows.values()],
        },
        schema={"_key": pl.String, **SCHEMA},
    ).sort("_key")


def test_key_slots_match_cluster_keyslot(cluster: LocalCluster) -> None:
    client = cluster.client(cluster.primaries[0].port)
    keys = [b"foo", b"user:1", b"{user1000}.following", b"foo{}{bar}", b"foo{{bar}}zap", b"a}{b}", b"{", b"}{x}", b"",
            "ключ".encode(), b"\xff\x00binary"]
    for key in keys:
        assert _core.cluster_key_slot(key) == client.execute_command("CLUSTER", "KEYSLOT", key), key


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=24) | st.text(alphabet="ab{}:", max_size=12).map(str.encode))
def test_key_slots_match_cluster_keyslot_property(cluster: LocalCluster, key: bytes) -> None:
    client = cluster.client(cluster.primaries[0].port)
    assert _core.cluster_key_slot(key) == client.execute_command("CLUSTER", "KEYSLOT", key)
    client.close()


def test_hashes_match_single_node_and_oracle(cluster: LocalCluster, oracle: redis.RedisCluster,
                                             r: redis.Redis, url: str) -> None:
    rows = user_rows()
    load(oracle, rows)
    load(r, rows)
    # The data really is spread: every primary holds some of the keys.
    for node in cluster.primaries:
        assert cluster.client(node.port).dbsize() > N // 10
    got = by_key(pr.read_hashes(cluster.url, "user:*", SCHEMA))
    single = by_key(pr.read_hashes(url, "user:*", SCHEMA))
    assert got.equals(single)
    assert got.equals(expected_users(rows))


def test_plain_url_to_a_node_is_detected(cluster: LocalCluster, oracle: redis.RedisCluster) -> None:
    rows = user_rows(500)
    load(oracle, rows)
    for node in (cluster.primaries[1], cluster.replicas[2]):
        got = by_key(pr.read_hashes(cluster.node_url(node.port), "user:*", SCHEMA))
        assert got.equals(expected_users(rows))


@pytest.mark.parametrize("option", ["read_from_replicas=true", "read_from=replica", "plain:read_from=prefer_replica"])
def test_read_from_replicas(cluster: LocalCluster, oracle: redis.RedisCluster, option: str) -> None:
    rows = user_rows(1000)
    load(oracle, rows)
    wait_replicated(cluster)
    for node in cluster.nodes:
        cluster.client(node.port).config_resetstat()
    # read_from (the name outside Cluster too) and read_from_replicas mean the same on a cluster,
    # also through a plain URL to one of its nodes.
    base = cluster.url.replace("redis+cluster://", "redis://") if option.startswith("plain:") else cluster.url
    got = by_key(pr.read_hashes(base + "?" + option.removeprefix("plain:"), "user:*", SCHEMA))
    assert got.equals(expected_users(rows))

    def calls(port: int, command: str) -> int:
        stats = cluster.client(port).info("commandstats")
        return int(stats.get(f"cmdstat_{command}", {}).get("calls", 0))

    # Every key was fetched by a replica; no primary served a fetch or a SCAN.
    assert sum(calls(n.port, "hgetall") + calls(n.port, "hmget") for n in cluster.replicas) >= len(rows)
    for node in cluster.primaries:
        assert calls(node.port, "hgetall") + calls(node.port, "hmget") + calls(node.port, "scan") == 0


def test_row_index_is_dense_over_the_merged_output(oracle: redis.RedisCluster, cluster: LocalCluster) -> None:
    load(oracle, user_rows())
    df = pr.read_hashes(cluster.url, "user:*", SCHEMA, include_row_index=True, row_index_offset=5, batch_size=64)
    assert df.columns[0] == "_index"
    assert df["_index"].dtype == pl.UInt32
    assert df["_index"].to_list() == list(range(5, 5 + N))
    assert df["_key"].n_unique() == N
    # Numbered up to UInt32's maximum exactly; one row more is a clear error, not a wrapped number.
    top = 2**32 - N
    df = pr.read_hashes(cluster.url, "user:*", SCHEMA, include_row_index=True, row_index_offset=top, batch_size=64)
    assert df["_index"].to_list() == list(range(top, 2**32))
    with pytest.raises(pr.ConfigurationError, match="row index column '_index' overflows UInt32"):
        pr.read_hashes(cluster.url, "user:*", SCHEMA, include_row_index=True, row_index_offset=top + 1, batch_size=64)


def test_head_and_key_list(oracle: redis.RedisCluster, cluster: LocalCluster) -> None:
    rows = user_rows()
    load(oracle, rows)
    lf = pr.scan_hashes(cluster.url, "user:*", SCHEMA)
    head = lf.head(25).collect()
    assert head.height == 25
    assert head["_key"].n_unique() == 25
    assert set(head["_key"]) <= set(rows)
    # Keys on every shard, plus one that does not exist: fetched from their owners, nothing else.
    wanted = ["user:1", "user:2", "user:3", "user:17", "user:2999", "user:missing"]
    assert len({_core.cluster_key_slot(k.encode()) // 5462 for k in wanted}) == 3
    got = by_key(lf.filter(pl.col("_key").is_in(wanted)).collect())
    assert got.equals(expected_users({k: rows[k] for k in wanted if k in rows}))
    # The same through replicas, and a limited scan keeps a dense row index.
    wait_replicated(cluster)
    replicas = pr.scan_hashes(cluster.url + "?read_from_replicas=true", "user:*", SCHEMA)
    assert by_key(replicas.filter(pl.col("_key").is_in(wanted)).collect()).equals(got)
    indexed = pr.scan_hashes(cluster.url, "user:*", SCHEMA, include_row_index=True, batch_size=10).head(25).collect()
    assert indexed["_index"].to_list() == list(range(25))


def test_empty_cluster_scan_has_the_columns(oracle: redis.RedisCluster, cluster: LocalCluster) -> None:
    df = pr.read_hashes(cluster.url, "nothing:*", SCHEMA, include_row_index=True)
    assert df.height == 0
    assert df.schema == pl.Schema({"_index": pl.UInt32, "_key": pl.String, **SCHEMA})


def test_ttl_and_memory_columns(oracle: redis.RedisCluster, cluster: LocalCluster) -> None:
    rows = user_rows(300)
    load(oracle, rows)
    for i in range(0, 300, 3):
        oracle.expire(f"user:{i}", 1000 + i)
    df = pr.read_hashes(cluster.url, "user:*", SCHEMA, include_ttl=True, include_memory_usage=True)
    assert df.height == 300
    for key, ttl, memory in df.select("_key", "_ttl", "_memory").iter_rows():
        expected_ttl = oracle.ttl(key)
        # The oracle asks after our read, so its TTL can only be lower (by the seconds that passed).
        assert ttl == expected_ttl or (expected_ttl > 0 and 0 <= ttl - expected_ttl <= 2)
        assert memory == oracle.memory_usage(key)


def test_json_strings_and_collections_match_single_node(oracle: redis.RedisCluster, cluster: LocalCluster,
                                                        r: redis.Redis, url: str) -> None:
    for client in (oracle, r):
        pipe = client.pipeline(transaction=False)
        for i in range(400):
            pipe.json().set(f"doc:{i}", "$", {"title": f"t{i}", "n": i, "tags": [i, i + 1]})
            pipe.set(f"str:{i}", str(i * 3))
            pipe.sadd(f"set:{i % 40}", f"m{i}")
            pipe.rpush(f"list:{i % 30}", f"e{i}")
            pipe.zadd(f"zset:{i % 20}", {f"z{i}": i / 2})
        pipe.execute()
    single_node_cluster_pairs = [
        (lambda u: pr.read_json(u, "doc:*", {"title": pl.String, "n": pl.Int64}), "_key"),
        (lambda u: pr.read_strings(u, "str:*", value_type=pl.Int64), "_key"),
        (lambda u: pr.read_set(u, "set:*"), ["_key", "member"]),
        (lambda u: pr.read_list(u, "list:*"), ["_key", "position"]),
        (lambda u: pr.read_zset(u, "zset:*"), ["_key", "member"]),
    ]
    for read, order in single_node_cluster_pairs:
        got = read(cluster.url).sort(order)
        single = read(url).sort(order)
        assert got.height > 0
        assert got.equals(single), (got, single)
    # And against the oracle directly, for one of them.
    strings = pr.read_strings(cluster.url, "str:*", value_type=pl.Int64)
    assert dict(strings.iter_rows()) == {f"str:{i}": int(oracle.get(f"str:{i}")) for i in range(400)}


def test_db_other_than_zero_is_refused(cluster: LocalCluster) -> None:
    seed = cluster.node_url(cluster.primaries[0].port, "redis+cluster").removesuffix("/0") + "/1"
    with pytest.raises(pr.ConfigurationError, match="only database 0"):
        pr.read_hashes(seed, "user:*", SCHEMA)


def test_wrong_password_names_no_secret(cluster: LocalCluster) -> None:
    bad = f"redis+cluster://:nope-secret@127.0.0.1:{cluster.primaries[0].port}/0"
    with pytest.raises(pr.AuthenticationError) as info:
        pr.read_hashes(bad, "user:*", SCHEMA)
    assert "nope-secret" not in str(info.value)


def test_an_index_on_one_node_only_is_refused_clearly(cluster: LocalCluster, oracle: redis.RedisCluster) -> None:
    load(oracle, user_rows(100))
    # Without a coordinator the index name is a key: created by hand, the index lives on the node
    # serving its slot and covers that node's keys only (create_index makes one on every shard).
    home = next(n for n in cluster.primaries if n.port == oracle.get_node_from_key("users_idx").port)
    client = cluster.client(home.port)
    client.execute_command("FT.CREATE", "users_idx", "ON", "HASH", "PREFIX", 1, "user:", "SCHEMA", "age", "NUMERIC")
    # Pushdown skips an index that is still indexing (the scan then filters in Polars).
    while str(client.ft("users_idx").info()["indexing"]) not in ("0", "b'0'"):
        time.sleep(0.05)
    try:
        lf = pr.scan_hashes(cluster.node_url(home.port, "redis+cluster"), "user:*", SCHEMA, search_index="users_idx")
        # Polars 1.x wraps an error raised in a lazy collect in ComputeError.
        with pytest.raises((pr.ConfigurationError, pl.exceptions.ComputeError), match="must exist on every shard"):
            lf.filter(pl.col("age") >= 65).collect()
    finally:
        client.execute_command("FT.DROPINDEX", "users_idx")


def test_timeseries_are_read_from_every_shard(cluster: LocalCluster, oracle: redis.RedisCluster,
                                              r: redis.Redis, url: str) -> None:
    for client in (oracle, r):
        for s in range(12):
            client.ts().create(f"ts:{s}", labels={"kind": "temp", "site": f"s{s % 3}"})
            pipe = client.pipeline(transaction=False)
            for t in range(1, 201):
                pipe.ts().add(f"ts:{s}", t * 1000, float(s * 1000 + t))
            pipe.execute()
    # Series on every primary.
    assert len({_core.cluster_key_slot(f"ts:{s}".encode()) * 3 // 16384 for s in range(12)}) == 3
    for s in (0, 5, 11):
        got = pr.read_timeseries(cluster.url, f"ts:{s}")
        assert got.equals(pr.read_timeseries(url, f"ts:{s}"))
        assert got["value"].to_list() == [float(s * 1000 + t) for t in range(1, 201)]
    got = pr.read_timeseries_multi(cluster.url, ["kind=temp"], with_labels=True).sort("_key", "_ts")
    single = pr.read_timeseries_multi(url, ["kind=temp"], with_labels=True).sort("_key", "_ts")
    assert got.height == 12 * 200
    assert got.equals(single)
    assert got.filter(pl.col("_key") == "ts:7")["site"].unique().to_list() == ["s1"]
    # A group's series span shards: reduced over every shard, as one server reduces them.
    for reducer in ("max", "avg", "range", "count", "std.s", "var.p"):
        for options in ({}, {"aggregation": "sum", "bucket_size_ms": 20_000}):
            got = pr.read_timeseries_multi(cluster.url, ["kind=temp"], group_by="site", reducer=reducer, **options)
            single = pr.read_timeseries_multi(url, ["kind=temp"], group_by="site", reducer=reducer, **options)
            assert got.columns == single.columns == ["_ts", "value", "_key", "site"]
            got, single = got.sort("_key", "_ts"), single.sort("_key", "_ts")
            assert got.drop("value").equals(single.drop("value")), reducer
            assert got["value"].to_list() == pytest.approx(single["value"].to_list()), reducer
    maxima = pr.read_timeseries_multi(cluster.url, ["kind=temp"], group_by="site", reducer="max").sort("_key", "_ts")
    # site s0 holds series 0, 3, 6, 9: the largest is 9 (values s*1000 + t).
    assert maxima.filter(pl.col("_key") == "site=s0")["value"].to_list() == [9000.0 + t for t in range(1, 201)]
    assert pr.read_timeseries_multi(cluster.url, ["kind=temp"], group_by="site", reducer="sum").head(5).height == 5


def test_schema_inference_samples_a_shard_with_keys(cluster: LocalCluster, oracle: redis.RedisCluster) -> None:
    # Keys on one shard only (one hash tag), seeded through a replica of another shard.
    rows = {f"{{tag}}:{i}": {"name": f"n{i}", "age": str(i)} for i in range(50)}
    load(oracle, rows)
    oracle.json().set("{tag}:doc", "$", {"a": 1, "b": "x"})
    home = oracle.get_node_from_key("{tag}").port
    other = next(i for i, n in enumerate(cluster.primaries) if n.port != home)
    seed = cluster.node_url(cluster.replicas[other].port)
    assert pr.infer_hash_schema(seed, "{tag}:*") == {"name": pl.String, "age": pl.Int64}
    assert pr.infer_json_schema(seed, "{tag}:doc") == {"a": pl.Int64, "b": pl.String}
    df = pr.read_hashes(seed, "{tag}:*")
    assert df.sort("age").equals(pl.DataFrame({"_key": [f"{{tag}}:{i}" for i in range(50)],
                                               "name": [f"n{i}" for i in range(50)], "age": list(range(50))}))


def test_connect_client_on_a_cluster(cluster: LocalCluster, oracle: redis.RedisCluster) -> None:
    rows = user_rows(200)
    load(oracle, rows)
    with pr.connect(cluster.url) as client:
        got = by_key(pr.read_hashes(client, "user:*", SCHEMA))
        assert got.equals(expected_users(rows))
        df = pl.DataFrame({"_key": ["c:1", "c:2", "c:3"], "v": [1, 2, 3]})
        assert pr.write_hashes(df, client) == 3
    assert [oracle.hget(f"c:{i}", "v") for i in (1, 2, 3)] == [b"1", b"2", b"3"]
