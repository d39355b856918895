"""RediSearch and streams on a real local Redis Cluster (3 primaries + 3 replicas).

Open-source Redis has no search coordinator: create_index makes one index per shard, searches
and aggregations run on every shard and are merged. Expected values are computed from the rows
the test wrote, and the data is read back through redis-py's cluster client (the oracle).
"""

from __future__ import annotations

import struct
import time
from collections.abc import Iterator

import polars as pl
import pytest
import redis

import polars_redis as pr
from polars_redis import _core

from cluster_servers import LocalCluster

N = 3000
CITIES = ["Oslo", "Rome", "Lima"]
SCHEMA = {"name": pl.String, "age": pl.Int64, "city": pl.String, "score": pl.Float64}


def rows() -> dict[str, dict[str, str]]:
    return {f"user:{i}": {"name": f"n{i}", "age": str(20 + i % 50), "city": CITIES[i % 3], "score": str(i / 4)}
            for i in range(N)}


def drop_indexes(cluster: LocalCluster) -> None:
    for node in cluster.primaries:
        client = cluster.client(node.port)
        for name in client.execute_command("FT._LIST"):
            client.execute_command("FT.DROPINDEX", name)
        client.close()


def wait_indexed(cluster: LocalCluster, expected: int) -> None:
    deadline = time.monotonic() + 300  # waits on state: generous for a loaded machine
    while True:
        total = 0
        for node in cluster.primaries:
            client = cluster.client(node.port)
            for name in client.execute_command("FT._LIST"):
                info = client.ft(name.decode()).info()
                total += int(info["num_docs"]) if not int(info["indexing"]) else -10**9
            client.close()
        if total == expected:
            return
        assert time.monotonic() < deadline, f"indexed {total} of {expected}"
        time.sleep(0.05)


@pytest.fixture()
def users(cluster: LocalCluster) -> Iterator[dict[str, dict[str, str]]]:
    cluster.flush()
    drop_indexes(cluster)
    data = rows()
    cluster.load_hashes(data)
    pr.create_index(cluster.url, "idx:u", SCHEMA, "user:", sortable=["age", "city", "score", "name"])
    wait_indexed(cluster, N)
    yield data
    drop_indexes(cluster)


def expected_frame(data: dict[str, dict[str, str]]) -> pl.DataFrame:
    return pl.DataFrame([{"_key": k, "name": v["name"], "age": int(v["age"]), "city": v["city"],
                          "score": float(v["score"])} for k, v in data.items()])


def test_create_index_makes_one_index_per_shard(cluster: LocalCluster, users: dict) -> None:
    names = []
    for node in cluster.primaries:
        client = cluster.client(node.port)
        listed = [n.decode() for n in client.execute_command("FT._LIST")]
        client.close()
        assert len(listed) == 1, listed
        # Each shard's name hashes to a slot that shard serves (else the node would refuse it).
        slot = _core.cluster_key_slot(listed[0].encode())
        owner = cluster.client(node.port).execute_command("CLUSTER", "COUNTKEYSINSLOT", slot)
        assert owner >= 0
        names.append(listed[0])
    assert "idx:u" in names and all(n == "idx:u" or (n.startswith("{") and n.endswith("}idx:u")) for n in names)
    assert pr.infer_schema_from_index(cluster.url, "idx:u") == {"name": pl.String, "age": pl.Float64,
                                                               "city": pl.String, "score": pl.Float64}
    with pytest.raises(pr.ResponseError, match="already exists"):
        pr.create_index(cluster.url, "idx:u", {"age": pl.Int64}, "user:")
    pr.create_index(cluster.url, "idx:u", {"age": pl.Int64}, "user:", if_exists="skip")
    assert "city" in pr.infer_schema_from_index(cluster.url, "idx:u")
    pr.create_index(cluster.url, "idx:u", {"age": pl.Int64}, "user:", if_exists="replace", sortable=["age"])
    assert pr.infer_schema_from_index(cluster.url, "idx:u") == {"age": pl.Float64}


@pytest.mark.parametrize("predicate", [
    pl.col("age") > 65,
    pl.col("city") == "Rome",
    (pl.col("age").is_between(30, 32)) & (pl.col("city") != "Lima"),
])
def test_pushdown_filter_reads_every_shard(cluster: LocalCluster, users: dict, predicate: pl.Expr) -> None:
    lf = pr.scan_hashes(cluster.url, "user:*", SCHEMA, search_index="idx:u")
    before = {node.port: _ft_search_calls(cluster, node.port) for node in cluster.primaries}
    got = lf.filter(predicate).collect().sort("_key")
    expected = expected_frame(users).filter(predicate).sort("_key")
    assert got.select(expected.columns).equals(expected)
    # Every shard answered its part of the query.
    assert all(_ft_search_calls(cluster, node.port) > before[node.port] for node in cluster.primaries)


def _ft_search_calls(cluster: LocalCluster, port: int) -> int:
    stats = cluster.client(port).info("commandstats")
    return int(stats.get("cmdstat_FT.SEARCH", {}).get("calls", 0))


def test_search_hashes_with_limit_and_sort(cluster: LocalCluster, users: dict) -> None:
    expected = expected_frame(users)
    got = pr.search_hashes(cluster.url, "idx:u", "@city:{Rome}", SCHEMA).collect()
    assert sorted(got["_key"].to_list()) == sorted(expected.filter(pl.col("city") == "Rome")["_key"].to_list())

    top = pr.search_hashes(cluster.url, "idx:u", "@city:{Rome}", SCHEMA, sort_by=("score", True), limit=7).collect()
    want = expected.filter(pl.col("city") == "Rome").sort("score", descending=True).head(7)
    assert top["_key"].to_list() == want["_key"].to_list()  # the global top 7, in order

    ascending = pr.search_hashes(cluster.url, "idx:u", "@age:[60 62]", SCHEMA, sort_by="score").collect()
    want = expected.filter(pl.col("age").is_between(60, 62)).sort("score")
    assert ascending["_key"].to_list() == want["_key"].to_list()

    limited = pr.search_hashes(cluster.url, "idx:u", "*", SCHEMA, limit=10).collect()
    assert limited.height == 10 and set(limited["_key"]) <= set(users)


def test_sorting_needs_sortable_attributes(cluster: LocalCluster, users: dict) -> None:
    pr.create_index(cluster.url, "idx:plain", {"score": pl.Float64}, "user:")
    # Polars 1.x wraps an error raised in a lazy collect in ComputeError.
    with pytest.raises((pr.ConfigurationError, pl.exceptions.ComputeError), match="SORTABLE"):
        pr.search_hashes(cluster.url, "idx:plain", "*", {"score": pl.Float64}, sort_by="score", limit=3).collect()


def test_aggregate_combines_the_shards_groups(cluster: LocalCluster, users: dict) -> None:
    got = pr.aggregate(cluster.url, "idx:u", "@age:[30 +inf]", group_by=["city"],
                       reduce={"n": ("count",), "total": ("sum", "score"), "mean": ("avg", "age"),
                               "ages": ("count_distinct", "age"), "low": ("min", "score"), "high": ("max", "age"),
                               "best": ("first_value", "name", "BY", "score", "DESC")},
                       sort_by=("total", True))
    frame = expected_frame(users).filter(pl.col("age") >= 30).with_columns(pl.col("city").str.to_lowercase())
    want = (frame.group_by("city").agg(n=pl.len(), total=pl.col("score").sum(), mean=pl.col("age").mean(),
                                       ages=pl.col("age").n_unique(), low=pl.col("score").min(),
                                       high=pl.col("age").max(), best=pl.col("name").sort_by("score").last())
            .sort("total", descending=True))
    assert got.schema == pl.Schema({"city": pl.String, "n": pl.Int64, "total": pl.Float64, "mean": pl.Float64,
                                    "ages": pl.Int64, "low": pl.Float64, "high": pl.Float64, "best": pl.String})
    assert got["city"].to_list() == want["city"].to_list()  # SORTABLE tags are normalized (lower case)
    assert got["n"].to_list() == want["n"].to_list()
    assert got["total"].to_list() == pytest.approx(want["total"].to_list())
    assert got["mean"].to_list() == pytest.approx(want["mean"].to_list())
    assert got["ages"].to_list() == want["ages"].to_list()
    assert got["low"].to_list() == want["low"].to_list()
    assert got["high"].to_list() == [float(v) for v in want["high"].to_list()]
    assert got["best"].to_list() == want["best"].to_list()

    overall = pr.aggregate(cluster.url, "idx:u", "*", reduce={"n": ("count",), "top": ("max", "score")})
    assert overall.rows() == [(N, (N - 1) / 4)]
    rows_only = pr.aggregate(cluster.url, "idx:u", "@age:[68 +inf]", load=["score"], sort_by=("score", True), limit=4)
    assert rows_only["score"].to_list() == sorted((float(v["score"]) for v in users.values() if int(v["age"]) >= 68),
                                                  reverse=True)[:4]
    with pytest.raises(pr.ConfigurationError, match="QUANTILE"):
        pr.aggregate(cluster.url, "idx:u", group_by=["city"], reduce={"q": ("quantile", "score", 0.5)})


def test_missing_index_on_a_shard_is_named(cluster: LocalCluster, users: dict) -> None:
    with pytest.raises((pr.ConfigurationError, pl.exceptions.ComputeError), match="no index 'idx:nope' on cluster node"):
        pr.search_hashes(cluster.url, "idx:nope", "*", SCHEMA).collect()
    with pytest.raises(pr.ConfigurationError, match="no index 'idx:nope' on cluster node"):
        pr.read_search_hashes(cluster.url, "idx:nope", "*", SCHEMA)  # the eager reader re-raises ours


def test_knn_over_every_shard(cluster: LocalCluster) -> None:
    cluster.flush()
    drop_indexes(cluster)
    oracle = cluster.oracle()
    vectors = {f"doc:{i}": [float(i % 17), float(i % 5), 1.0] for i in range(300)}
    for key, vector in vectors.items():
        oracle.hset(key, mapping={"v": struct.pack("<3f", *vector), "n": str(len(key))})
    oracle.close()
    pr.create_index(cluster.url, "idx:v", {"n": pl.Int64}, "doc:",
                    vectors={"v": {"dim": 3, "distance": "L2", "type": "FLOAT32"}})
    wait_indexed(cluster, 300)
    query = [3.2, 1.1, 1.0]
    got = pr.search_hashes(cluster.url, "idx:v", "*", {"n": pl.Int64}, knn=("v", query, 5)).collect()
    distance = {k: sum((a - b) ** 2 for a, b in zip(v, query)) for k, v in vectors.items()}
    best = sorted(distance.values())[:5]
    assert got["_distance"].to_list() == pytest.approx(best, rel=1e-4)  # in order, nearest first
    assert all(distance[k] == pytest.approx(d, rel=1e-4) for k, d in zip(got["_key"], got["_distance"]))
    drop_indexes(cluster)


def test_streams_are_read_on_their_nodes(cluster: LocalCluster) -> None:
    cluster.flush()
    oracle = cluster.oracle()
    keys = [f"events:{i}" for i in range(8)]  # spread over the shards
    assert len({_core.cluster_key_slot(k.encode()) // 5462 for k in keys}) > 1
    for n, key in enumerate(keys):
        for j in range(50 + n):
            oracle.xadd(key, {"n": str(j)})
    df = pr.read_stream(cluster.url, keys, {"n": pl.Int64})
    assert df["_key"].to_list() == [k for n, k in enumerate(keys) for _ in range(50 + n)]  # key order kept
    assert df["n"].to_list() == [j for n in range(len(keys)) for j in range(50 + n)]
    assert pr.read_stream(cluster.url, keys, {"n": pl.Int64}, count=3).height == 3 * len(keys)

    key = keys[3]
    assert pr.create_stream_group(cluster.url, key, "g", "0")
    batch = pr.read_stream_group(cluster.url, key, "g", "c1", {"n": pl.Int64}, count=10)
    assert batch["n"].to_list() == list(range(10))
    assert pr.ack_stream(cluster.url, key, "g", batch["_id"]) == 10
    pending = oracle.xpending(key, "g")
    assert pending["pending"] == 0
    oracle.close()


def test_cli_progress_counts_every_shard(cluster: LocalCluster, users: dict) -> None:
    from polars_redis.cli.export import expected_keys

    with pr.connect(cluster.url) as client:
        assert expected_keys(client, None) == N
        assert expected_keys(client, "idx:u") == N


def test_redis_cluster_oracle_agrees_on_a_sample(cluster: LocalCluster, users: dict) -> None:
    oracle = redis.RedisCluster(host="127.0.0.1", port=cluster.primaries[0].port, password=cluster.password)
    df = pr.search_hashes(cluster.url, "idx:u", "@age:[69 69]", SCHEMA).collect()
    for key, name in zip(df["_key"], df["name"]):
        assert oracle.hget(key, "name").decode() == name
    oracle.close()


def test_explain_shows_the_per_shard_work(cluster: LocalCluster, users: dict) -> None:
    lf = pr.scan_hashes(cluster.url, "user:*", SCHEMA, search_index="idx:u")
    text = pr.explain(lf.filter(pl.col("age") > 65))
    assert "on every shard, with its own copy of index idx:u: FT.SEARCH" in text
    assert "NOCONTENT" in text and "@age:[(65 +inf]" in text
    assert "on every shard at once: SCAN" in pr.explain(lf)
    assert "split by hash slot" in pr.explain(lf.filter(pl.col("_key") == "user:1"))
    assert cluster.password not in text
