"""read_hashes on a 3-shard Redis Cluster vs one node, with redis-py + hiredis and valkey-glide, same run.

Starts a local cluster (3 primaries + 3 replicas, tests/cluster_servers.py) and a single Redis
Stack node, loads the same N hashes x 10 fields into both (with write_hashes, timed too), then
times, interleaved in one run, on the cluster and on the single node:
  polars-redis read_hashes (on the cluster, all shards concurrently),
  redis-py + hiredis: SCAN COUNT 1000 on every primary (RedisCluster, one node after the other),
  each round's HGETALLs in one pipeline (the cluster pipeline routes them), pl.DataFrame with the
  schema (bench_hashes.typed),
  valkey-glide (sync): its cluster scan (ClusterScanCursor) with one non-atomic ClusterBatch of
  HGETALL per round (on the single node: SCAN + Batch, as bench_hashes.py),
with each one's wall time and the server CPU seconds it caused (per shard on the cluster). Every
frame is checked equal to polars-redis's.

Usage: python bench/bench_cluster.py [--sizes 100000 1000000] [--repeat 3] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import polars as pl
import redis

import polars_redis as pr
from polars_redis.server import RedisStackServer

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))
from cluster_servers import start_cluster  # noqa: E402
from bench_hashes import glide_read, redis_py_read, typed  # noqa: E402
from common import (  # noqa: E402
    baseline_versions, cluster_scan_chunks, glide_client, glide_cluster_batch, glide_cluster_client,
    glide_cluster_scan_chunks, hgetall_replies, hiredis_client, hiredis_cluster_client,
)
from harness import machine_description, measure_per_server, publish, redis_py_label, timed_runs  # noqa: E402

SCHEMA = {
    "f0": pl.String, "f1": pl.Int64, "f2": pl.Float64, "f3": pl.String, "f4": pl.Int64,
    "f5": pl.Boolean, "f6": pl.String, "f7": pl.Float64, "f8": pl.Int64, "f9": pl.String,
}
FIELDS = list(SCHEMA)


def frame(n: int) -> pl.DataFrame:
    i = pl.int_range(n, eager=True)
    return pl.DataFrame({
        "_key": "bench:" + i.cast(pl.String),
        "f0": "name-" + i.cast(pl.String), "f1": i, "f2": i * 0.5, "f3": "city-" + (i % 100).cast(pl.String),
        "f4": i % 1000, "f5": (i % 2) == 1, "f6": "user" + i.cast(pl.String) + "@example.com", "f7": i / 7,
        "f8": -i, "f9": pl.Series(["some longer text value for the benchmark"] * n),
    })


def row(n: int, setup: str, reader: str, wall: float, cpus: list[float], baseline: float | None) -> str:
    per_shard = " / ".join(f"{c * 1e3:.0f}" for c in cpus)
    versus = f"{baseline / wall:.1f}x" if baseline else "1.0x"
    return (f"| {n:,} | {setup} | {reader} | {wall * 1e3:.0f} | {sum(cpus) * 1e3:.0f} | {per_shard} | "
            f"{wall / max(cpus):.2f} | {versus} |")


def table_head(rows_label: str) -> list[str]:
    """The machine line and the header of a table of row() lines."""
    return [
        f"Machine: {machine_description()}; cluster: 3 primaries + 3 replicas on the same machine.",
        "",
        f"| {rows_label} | setup | reader | wall ms | server CPU ms | CPU ms per shard | wall / busiest shard CPU | vs redis-py |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]


class Setups:
    """A local cluster (3 primaries + 3 replicas) and a single Redis Stack node, with a client
    on each shard's primary, one on the node, and a RedisCluster client (the oracle)."""

    def __init__(self, cluster: Any, single: RedisStackServer) -> None:
        self.cluster, self.single = cluster, single
        self.shard_clients = [cluster.client(n.port) for n in cluster.primaries]
        self.single_client = redis.Redis.from_url(single.url)
        self.oracle = cluster.oracle()


@contextmanager
def cluster_and_single() -> Iterator[Setups]:
    cluster = start_cluster()
    single = RedisStackServer().start()
    try:
        yield Setups(cluster, single)
    finally:
        single.stop()
        cluster.stop()


def cluster_arguments(description: str) -> argparse.ArgumentParser:
    """The options both cluster benches take; a bench adds its own."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--repeat", type=int, default=3)
    return parser


def hash_frame(chunks: Iterator[list[Any]], fetch: Callable[[list[Any]], list[dict[str, str]]]) -> pl.DataFrame:
    """The rows of every chunk of keys (`fetch`: the chunk's HGETALL replies as text), as a frame
    typed by SCHEMA the way bench_hashes.py's baselines type theirs."""
    keys: list[Any] = []
    replies: list[dict[str, str]] = []
    for chunk in chunks:
        keys += chunk
        replies += fetch(chunk)
    return typed({"_key": keys, **{f: [reply[f] for reply in replies] for f in FIELDS}}, FIELDS)


def glide_cluster_read(client: Any) -> pl.DataFrame:
    """valkey-glide on the cluster: cluster scan, one ClusterBatch of HGETALL per round."""
    from glide_sync import ObjectType

    def fetch(keys: list[str]) -> list[dict[str, str]]:
        replies = glide_cluster_batch(client, lambda batch: [batch.hgetall(key) for key in keys])
        return [{k.decode(): v.decode() for k, v in reply.items()} for reply in replies]

    chunks = ([key.decode() for key in keys] for keys in glide_cluster_scan_chunks(client, "bench:*", ObjectType.HASH))
    return hash_frame(chunks, fetch)


def interleaved_per_server(clients: list[redis.Redis], contenders: list[tuple[str, Callable[[], Any]]],
                           repeat: int) -> list[tuple[str, float, list[float], Any]]:
    """Every contender once per round, `repeat` rounds (a slow spell of the shared machine hits
    them all): each one's label, median wall, median server CPU per client and last result."""
    walls: list[list[float]] = [[] for _ in contenders]
    cpus: list[list[list[float]]] = [[] for _ in contenders]
    values: list[Any] = [None] * len(contenders)
    for _ in range(repeat):
        for i, (_, work) in enumerate(contenders):
            run_walls, run_cpus, values[i] = timed_runs(clients, work, 1)
            walls[i] += run_walls
            cpus[i] += run_cpus
    return [(label, statistics.median(walls[i]), [statistics.median(c) for c in zip(*cpus[i])], values[i])
            for i, (label, _) in enumerate(contenders)]


def comparable(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select("_key", *FIELDS).sort("_key")


def main() -> None:
    parser = cluster_arguments(__doc__.splitlines()[0])
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args()

    lines = table_head("rows")
    lines[0] += f" Polars {pl.__version__}; {baseline_versions()}; medians of {args.repeat} interleaved runs."
    with cluster_and_single() as setups:
        cluster, single = setups.cluster, setups.single
        shard_clients, single_client = setups.shard_clients, setups.single_client
        seed = cluster.primaries[0].port
        with (closing(glide_cluster_client("127.0.0.1", seed, cluster.password)) as glide_cluster,
              closing(glide_client(single.url)) as glide_single,
              closing(hiredis_cluster_client("127.0.0.1", seed, cluster.password,
                                             decode_responses=True)) as cluster_text):
            single_text = hiredis_client(single.url, decode_responses=True)
            setups_contenders = {
                "cluster, 3 shards": (shard_clients, [
                    ("polars-redis read_hashes", lambda: pr.read_hashes(cluster.url, "bench:*", SCHEMA)),
                    (f"{redis_py_label()}: SCAN per primary + pipelined HGETALL + pl.DataFrame",
                     lambda: hash_frame(cluster_scan_chunks(cluster_text, "bench:*", "hash"),
                                        lambda keys: hgetall_replies(cluster_text, keys))),
                    ("valkey-glide: cluster scan + ClusterBatch of HGETALL + pl.DataFrame",
                     lambda: glide_cluster_read(glide_cluster)),
                ]),
                "single node": ([single_client], [
                    ("polars-redis read_hashes", lambda: pr.read_hashes(single.url, "bench:*", SCHEMA)),
                    (f"{redis_py_label()}: SCAN + pipelined HGETALL + pl.DataFrame",
                     lambda: redis_py_read(single_text, FIELDS)),
                    ("valkey-glide: SCAN + Batch of HGETALL + pl.DataFrame", lambda: glide_read(glide_single, FIELDS)),
                ]),
            }
            for n in args.sizes:
                df = frame(n)
                cluster.flush()
                single_client.flushall()
                load_cluster, load_cluster_cpu, _ = measure_per_server(
                    shard_clients, lambda: pr.write_hashes(df, cluster.url), 1)
                load_single, load_single_cpu, _ = measure_per_server(
                    [single_client], lambda: pr.write_hashes(df, single.url), 1)
                for setup, (clients, contenders) in setups_contenders.items():
                    results = interleaved_per_server(clients, contenders, args.repeat)
                    ours = comparable(results[0][3])
                    base_wall = results[1][1]
                    for label, wall, cpus, value in results:
                        assert value.height == n, (setup, label, value.height)
                        assert comparable(value).equals(ours), (setup, label)
                        lines.append(row(n, setup, label, wall, cpus, None if label == results[1][0] else base_wall))
                        print(lines[-1], flush=True)
                lines += [
                    row(n, "cluster, 3 shards", "polars-redis write_hashes (load)", load_cluster, load_cluster_cpu,
                        None).replace("| 1.0x |", "| - |"),
                    row(n, "single node", "polars-redis write_hashes (load)", load_single, load_single_cpu, None)
                    .replace("| 1.0x |", "| - |"),
                ]
    publish(lines, args.markdown)


if __name__ == "__main__":
    main()
