"""Scan partitions (one per Redis Cluster shard) and the Ray Data and Dask adapters.

The session's 3-shard cluster is loaded once for the module through redis-py (the oracle); every
distributed read must return the rows the same scan returns on one machine (`read_*` on the same
cluster) and the values redis-py wrote, with a projection, a pushed-down filter and the replica
option. One local Ray and one Dask LocalCluster serve the whole module.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace

import polars as pl
import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import polars_redis as pr
from polars_redis.server import RedisStackServer

from cluster_servers import SLOTS, LocalCluster, wait_replicated

SCHEMA = {"name": pl.String, "age": pl.Int64, "score": pl.Float64}
N = 600


def _users() -> dict[str, dict[str, str]]:
    # Every 7th user has no age: nulls must come through every engine as nulls.
    return {
        f"user:{i}": {"name": f"n{i}", "score": f"{i / 4}", **({} if i % 7 == 0 else {"age": str(20 + i % 50)})}
        for i in range(N)
    }


USERS = _users()
EXPECTED = pl.DataFrame(
    {
        "_key": list(USERS),
        "name": [f["name"] for f in USERS.values()],
        "age": [int(f["age"]) if "age" in f else None for f in USERS.values()],
        "score": [float(f["score"]) for f in USERS.values()],
    },
    schema={"_key": pl.String, **SCHEMA},
).sort("_key")
FILTER = pl.col("age") > 50
PROJECTION = ["_key", "age"]


@pytest.fixture(scope="module")
def data(cluster: LocalCluster) -> Iterator[LocalCluster]:
    """The cluster holding USERS (hashes), one JSON document and one string per user, replicated."""
    cluster.flush()
    client = cluster.oracle()
    pipe = client.pipeline(transaction=False)
    for key, fields in USERS.items():
        pipe.hset(key, mapping=fields)
        number = key.split(":")[1]
        pipe.execute_command("JSON.SET", f"doc:{number}", "$", f'{{"name": "{fields["name"]}", "n": {number}}}')
        pipe.set(f"str:{number}", fields["name"])
        if int(number) < 30:  # a few collections, spread over the shards too
            pipe.sadd(f"set:{number}", "a", number)
            pipe.rpush(f"list:{number}", "x", number)
            pipe.zadd(f"zset:{number}", {"m": int(number) / 2})
    pipe.execute()
    client.close()
    wait_replicated(cluster)
    yield cluster


@pytest.fixture(scope="module")
def ray_session() -> Iterator[None]:
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, object_store_memory=100 * 1024 * 1024)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def dask_client() -> Iterator[object]:
    from distributed import Client, LocalCluster as DaskCluster

    with DaskCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local:
        with Client(local) as client:
            yield client


def _by_key(frames: list[pl.DataFrame]) -> pl.DataFrame:
    return pl.concat(frames, how="vertical").sort("_key")


def _shard_keys(data: LocalCluster, port: int, pattern: str) -> set[str]:
    node = data.client(port)
    if port in {n.port for n in data.replicas}:
        node.execute_command("READONLY")
    keys = {k.decode() for k in node.scan_iter(match=pattern, count=1000)}
    node.close()
    return keys


def test_one_partition_per_shard_reads_that_shards_keys(data: LocalCluster) -> None:
    parts = pr.scan_partitions(data.url, "hashes", "user:*", SCHEMA)
    # redis-py's view of the shards: each partition is one of them, and together they cover every slot.
    seed = data.client(data.primaries[0].port)
    shards = {}
    for shard in seed.execute_command("CLUSTER", "SHARDS"):
        slots = shard[b"slots"]
        ranges = [(int(slots[i]), int(slots[i + 1])) for i in range(0, len(slots), 2)]
        primary = next(n for n in shard[b"nodes"] if n[b"role"] == b"master")
        shards[int(primary[b"port"])] = ranges
    seed.close()
    assert sorted(int(p.node.rsplit(":", 1)[1]) for p in parts) == sorted(shards) == sorted(
        n.port for n in data.primaries)
    covered: list[int] = []
    for part in parts:
        ranges = shards[int(part.node.rsplit(":", 1)[1])]
        assert part.slots == ",".join(f"{a}-{b}" if a != b else str(a) for a, b in sorted(ranges))
        covered += [slot for a, b in ranges for slot in range(a, b + 1)]
        frame = part.read()
        assert set(frame["_key"]) == _shard_keys(data, int(part.node.rsplit(":", 1)[1]), "user:*")
    assert sorted(covered) == list(range(SLOTS))
    together = _by_key([p.read() for p in parts])
    assert together.equals(EXPECTED)
    assert together.equals(pr.read_hashes(data.url, "user:*", SCHEMA).sort("_key"))


def test_partitions_pickle_and_hide_the_password(data: LocalCluster) -> None:
    parts = pr.scan_partitions(data.url, "hashes", "user:*", SCHEMA, columns=PROJECTION, predicate=FILTER,
                               n_rows=5, include_ttl=True)
    for part in parts:
        copy = pickle.loads(pickle.dumps(part))
        assert copy == part
        assert copy.read().equals(part.read())
        assert data.password not in repr(part) and data.password not in str(part)
        assert copy.filter_expr() is not None and str(copy.filter_expr()) == str(FILTER)
        assert copy.output_schema() == pl.Schema({"_key": pl.String, "age": pl.Int64})


def test_projection_filter_and_row_limit_apply_per_partition(data: LocalCluster) -> None:
    parts = pr.scan_partitions(data.url, "hashes", "user:*", SCHEMA, columns=PROJECTION, predicate=FILTER)
    got = _by_key([p.read() for p in parts])
    expected = EXPECTED.filter(FILTER).select(PROJECTION)
    assert got.equals(expected) and got.height > 0
    assert got.equals(pr.scan_hashes(data.url, "user:*", SCHEMA).filter(FILTER).select(PROJECTION).collect()
                      .sort("_key"))
    limited = pr.scan_partitions(data.url, "hashes", "user:*", SCHEMA, predicate=FILTER, n_rows=3)
    frames = [p.read() for p in limited]
    assert [f.height for f in frames] == [3, 3, 3]
    assert all(f.filter(FILTER).height == 3 for f in frames)


PREDICATES = {
    "age above": lambda v: pl.col("age") > v,
    "age missing or below": lambda v: pl.col("age").is_null() | (pl.col("age") < v),
    "score between": lambda v: pl.col("score").is_between(v, v + 40),
    "key equals": lambda v: pl.col("_key") == f"user:{v}",
    "key in": lambda v: pl.col("_key").is_in([f"user:{v}", f"user:{v + 1}", "user:none"]),
}


@settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(columns=st.lists(st.sampled_from(["_key", *SCHEMA]), min_size=1, max_size=4, unique=True),
       kind=st.sampled_from(sorted(PREDICATES)), value=st.integers(0, N))
def test_partitions_together_are_the_filtered_scan(data: LocalCluster, columns: list[str], kind: str,
                                                   value: int) -> None:
    # Whatever the projection and filter (key filters become per-shard key lists), the partitions
    # together return exactly the rows redis-py wrote that pass the filter.
    predicate = PREDICATES[kind](value)
    parts = pr.scan_partitions(data.url, "hashes", "user:*", SCHEMA, columns=columns, predicate=predicate)
    got = pl.concat([p.read() for p in parts]).sort(columns)
    assert got.equals(EXPECTED.filter(predicate).select(columns).sort(columns))


@pytest.mark.parametrize("kind", ["json", "strings"])
def test_other_kinds_match_the_single_machine_read(data: LocalCluster, kind: str) -> None:
    if kind == "json":
        parts = pr.scan_partitions(data.url, "json", "doc:*", {"name": pl.String, "n": pl.Int64},
                                   predicate=pl.col("n") < 100)
        whole = pr.read_json(data.url, "doc:*", {"name": pl.String, "n": pl.Int64}).filter(pl.col("n") < 100)
        oracle = {f"doc:{i}": (f"n{i}", i) for i in range(100)}
        rows = {k: (name, n) for k, name, n in _by_key([p.read() for p in parts]).iter_rows()}
    else:
        parts = pr.scan_partitions(data.url, "strings", "str:*")
        whole = pr.read_strings(data.url, "str:*")
        oracle = {f"str:{i}": f"n{i}" for i in range(N)}
        rows = dict(_by_key([p.read() for p in parts]).iter_rows())
    assert len(parts) == 3
    assert rows == oracle
    assert _by_key([p.read() for p in parts]).equals(whole.sort("_key"))


COLLECTIONS = {
    "set": (pr.read_set, lambda i: {("a",), (str(i),)}),
    "list": (pr.read_list, lambda i: {("x",), (str(i),)}),
    "zset": (pr.read_zset, lambda i: {("m", i / 2)}),
}


@pytest.mark.parametrize("kind", sorted(COLLECTIONS))
def test_collections_match_the_single_machine_read(data: LocalCluster, kind: str) -> None:
    read, members = COLLECTIONS[kind]
    parts = pr.scan_partitions(data.url, kind, f"{kind}:*")
    assert len(parts) == 3
    got = pl.concat([p.read() for p in parts])
    whole = read(data.url, f"{kind}:*")
    assert got.sort(got.columns).equals(whole.sort(whole.columns))
    # The oracle's values (set members, list elements, zset members and scores) per key.
    values = [c for c in got.columns if c not in ("_key", "position")]
    by_key = {k: {tuple(row) for row in got.filter(pl.col("_key") == k).select(values).iter_rows()}
              for k in got["_key"].unique()}
    assert by_key == {f"{kind}:{i}": members(i) for i in range(30)}


def test_replica_partitions_read_the_replicas(data: LocalCluster) -> None:
    replica_ports = sorted(n.port for n in data.replicas)
    for read_from in ("replica", "prefer_replica"):
        parts = pr.scan_partitions(data.url, "hashes", "user:*", SCHEMA, read_from=read_from)
        assert sorted(int(p.node.rsplit(":", 1)[1]) for p in parts) == replica_ports
        for node in data.nodes:
            data.client(node.port).config_resetstat()
        assert _by_key([p.read() for p in parts]).equals(EXPECTED)

        def fetches(port: int) -> int:
            stats = data.client(port).info("commandstats")
            return sum(int(stats.get(f"cmdstat_{c}", {}).get("calls", 0)) for c in ("hgetall", "hmget", "scan"))

        assert sum(fetches(p) for p in replica_ports) >= N
        assert sum(fetches(n.port) for n in data.primaries) == 0


def test_a_moved_partition_and_a_standalone_server_are_refused(data: LocalCluster, stack: RedisStackServer) -> None:
    part = pr.scan_partitions(data.url, "hashes", "user:*", SCHEMA)[0]
    # Slots that no shard serves exactly any more (as after a resharding): an error, never a partial read.
    moved = replace(part, url=part.url.replace(f"shard_slots={part.slots.replace(',', '%2C')}", "shard_slots=0-99"))
    with pytest.raises(pr.RedisConnectionError, match="plan the partitions again") as info:
        moved.read()
    assert data.password not in str(info.value)
    with pytest.raises(pr.ConfigurationError, match="not a cluster node"):
        pr.read_hashes(stack.url + "?shard_slots=0-99", "user:*", SCHEMA)


def test_a_single_server_is_one_partition(stack: RedisStackServer) -> None:
    with redis.Redis.from_url(stack.url) as r:
        r.flushdb()
        for key, fields in USERS.items():
            r.hset(key, mapping=fields)
        parts = pr.scan_partitions(stack.url, "hashes", "user:*", predicate=FILTER)  # schema inferred once
        assert len(parts) == 1 and parts[0].node is None and parts[0].slots is None
        # Inference lists fields in the order first seen: compare by name.
        assert parts[0].read().select(EXPECTED.columns).sort("_key").equals(EXPECTED.filter(FILTER))
        r.flushdb()


def test_bad_arguments_fail_when_planning(data: LocalCluster) -> None:
    with pytest.raises(pr.ConfigurationError, match="kind"):
        pr.scan_partitions(data.url, "streams")
    with pytest.raises(pr.ConfigurationError, match="read_from"):
        pr.scan_partitions(data.url, read_from="nearest")
    with pytest.raises(pr.ConfigurationError, match="schema"):
        pr.scan_partitions(data.url, "strings", "str:*", {"a": pl.String})
    with pytest.raises(pl.exceptions.ColumnNotFoundError):
        pr.scan_partitions(data.url, "hashes", "user:*", SCHEMA, columns=["nope"])


# The engines' own native daemons (Ray's raylet and GCS, Dask's worker processes) would inherit
# the preloaded sanitizer runtime, and they are not ours to sanitize; what their tasks run,
# partition.read(), is tested in-process above under the sanitizers too.
@pytest.mark.unsanitized
def test_ray_reads_one_task_per_shard(data: LocalCluster, ray_session: None) -> None:
    import ray

    from polars_redis.ray import RedisDatasource, read_ray

    parts = pr.scan_partitions(data.url, "hashes", "user:*", SCHEMA)
    assert len(RedisDatasource(parts).get_read_tasks(8)) == 3
    # Ray's per-task row limit (Dataset.limit) reaches each partition's scan.
    limited = RedisDatasource(parts).get_read_tasks(1, per_task_row_limit=2)
    assert [table.num_rows for task in limited for table in task()] == [2, 2, 2]
    ds = read_ray(data.url, "hashes", "user:*", SCHEMA, columns=PROJECTION, predicate=FILTER)
    got = _by_key([pl.DataFrame(t) for t in ray.get(ds.to_arrow_refs())])
    assert got.equals(EXPECTED.filter(FILTER).select(PROJECTION))
    replica = read_ray(data.url, "hashes", "user:*", SCHEMA, read_from="replica")
    assert _by_key([pl.DataFrame(t) for t in ray.get(replica.to_arrow_refs())]).equals(EXPECTED)


@pytest.mark.unsanitized
def test_dask_reads_one_partition_per_shard(data: LocalCluster, dask_client: object) -> None:
    from polars_redis.dask import read_dask

    ddf = read_dask(data.url, "hashes", "user:*", SCHEMA, columns=PROJECTION, predicate=FILTER)
    assert ddf.npartitions == 3
    assert list(ddf.columns) == PROJECTION
    got = pl.from_pandas(ddf.compute()).sort("_key")
    assert got.equals(EXPECTED.filter(FILTER).select(PROJECTION))
    replica = read_dask(data.url, "hashes", "user:*", SCHEMA, read_from="replica")
    assert pl.from_pandas(replica.compute()).sort("_key").equals(EXPECTED)
    # A Dask computation over the partitions (per-shard sums, combined by Dask).
    assert int(replica["age"].sum().compute()) == EXPECTED["age"].sum()


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=os.environ.copy(),
                          timeout=300)


def test_the_engines_stay_optional() -> None:
    imported = _python("import sys, polars_redis, polars_redis.readers.partitions; "
                       "print(sorted({'ray', 'dask', 'distributed'} & set(sys.modules)))")
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == "[]"
    for engine, module in (("ray", "ray"), ("dask", "dask")):
        # sys.modules[name] = None makes `import name` raise ImportError, as when it is not installed.
        missing = _python(f"import sys; sys.modules[{module!r}] = None; import polars_redis.{engine}")
        assert missing.returncode != 0
        assert f"pip install 'polars-redis-native[{engine}]'" in missing.stderr
