"""read_hashes on a 3-shard Redis Cluster vs one node, with redis-py baselines, same machine, same run.

Starts a local cluster (3 primaries + 3 replicas, tests/cluster_servers.py) and a single Redis
Stack node, loads the same N hashes x 10 fields into both (with write_hashes, timed too), then
times in one run:
  polars-redis read_hashes on the cluster (all shards concurrently) and on the single node,
  redis-py: RedisCluster SCAN per node + pipelined HGETALL + pl.DataFrame, and the same on one node,
with each one's wall time and the server CPU seconds it caused (per shard on the cluster).

Usage: python bench/bench_cluster.py [--sizes 100000 1000000] [--repeat 3] [--baseline-repeat 1]
       [--markdown FILE]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import polars as pl
import redis

import polars_redis as pr
from polars_redis.server import RedisStackServer

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))
from cluster_servers import start_cluster  # noqa: E402
from common import hgetall_frame  # noqa: E402
from harness import machine_description, measure_per_server, publish  # noqa: E402

SCHEMA = {
    "f0": pl.String, "f1": pl.Int64, "f2": pl.Float64, "f3": pl.String, "f4": pl.Int64,
    "f5": pl.Boolean, "f6": pl.String, "f7": pl.Float64, "f8": pl.Int64, "f9": pl.String,
}


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


def main() -> None:
    parser = cluster_arguments(__doc__.splitlines()[0])
    parser.add_argument("--baseline-repeat", type=int, help="runs of the (slow) redis-py baselines; default --repeat")
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args()

    lines = table_head("rows")
    with cluster_and_single() as setups:
        cluster, single = setups.cluster, setups.single
        shard_clients, single_client = setups.shard_clients, setups.single_client
        for n in args.sizes:
            df = frame(n)
            cluster.flush()
            single_client.flushall()
            load_cluster, load_cluster_cpu, _ = measure_per_server(
                shard_clients, lambda: pr.write_hashes(df, cluster.url), 1)
            load_single, load_single_cpu, _ = measure_per_server(
                [single_client], lambda: pr.write_hashes(df, single.url), 1)
            results = {}
            for setup, url, clients in (("cluster, 3 shards", cluster.url, shard_clients),
                                        ("single node", single.url, [single_client])):
                wall, cpus, got = measure_per_server(
                    clients, lambda url=url: pr.read_hashes(url, "bench:*", SCHEMA), args.repeat)
                assert got.height == n
                results[setup] = (wall, cpus)
            base_repeat = args.baseline_repeat or args.repeat
            base_cluster = measure_per_server(shard_clients, lambda: hgetall_frame(setups.oracle, "bench:*"),
                                              base_repeat)
            base_single = measure_per_server([single_client], lambda: hgetall_frame(single_client, "bench:*"),
                                             base_repeat)
            assert base_cluster[2].height == n and base_single[2].height == n
            lines += [
                row(n, "cluster, 3 shards", "polars-redis read_hashes", *results["cluster, 3 shards"], base_cluster[0]),
                row(n, "cluster, 3 shards", "redis-py + pl.DataFrame", base_cluster[0], base_cluster[1], None),
                row(n, "single node", "polars-redis read_hashes", *results["single node"], base_single[0]),
                row(n, "single node", "redis-py + pl.DataFrame", base_single[0], base_single[1], None),
                row(n, "cluster, 3 shards", "polars-redis write_hashes (load)", load_cluster, load_cluster_cpu, None)
                .replace("| 1.0x |", "| - |"),
                row(n, "single node", "polars-redis write_hashes (load)", load_single, load_single_cpu, None)
                .replace("| 1.0x |", "| - |"),
            ]
    publish(lines, args.markdown)


if __name__ == "__main__":
    main()
