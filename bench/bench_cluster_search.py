"""RediSearch on a 3-shard Redis Cluster vs one node, with redis-py baselines, same machine, same run.

Loads the same N hashes (qty: a permutation of 0..N-1, category: 50 TAG values, price) into a
local cluster (3 primaries + 3 replicas) and a single Redis Stack node, indexes them with
create_index (one index per shard on the cluster; qty, price and category SORTABLE), then times:
  a filter selecting 1% pushed to the index (scan_hashes(search_index=...).filter(...)),
  the same filter on a full scan (no index),
  aggregate(group_by=category, count + sum),
  redis-py: FT.SEARCH NOCONTENT paged on every shard's index + pipelined HGETALL + pl.DataFrame
  (on one node: the FT.AGGREGATE cursor + HGETALL pipeline the single-node pushdown replaces),
with the server CPU each caused (per shard on the cluster).

Usage: python bench/bench_cluster_search.py [--sizes 100000 1000000] [--repeat 3] [--markdown FILE]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import polars as pl
import redis
from redis.cluster import RedisCluster
from redis.commands.search.query import Query

import polars_redis as pr

sys.path.insert(0, str(Path(__file__).parent))
from bench_cluster import cluster_and_single, cluster_arguments, row, table_head  # noqa: E402
from harness import measure_per_server, publish  # noqa: E402

SCHEMA = {"qty": pl.Int64, "price": pl.Float64, "category": pl.String}


def frame(n: int) -> pl.DataFrame:
    i = pl.int_range(n, eager=True)
    qty = (i * 7919) % n  # a permutation (7919 is prime and coprime with the sizes used)
    return pl.DataFrame({"_key": "item:" + i.cast(pl.String), "qty": qty, "price": i * 0.25,
                         "category": "cat" + (i % 50).cast(pl.String)})


def wait_indexed(clients: list[redis.Redis], n: int) -> float:
    start = time.perf_counter()
    while True:
        docs, busy = 0, False
        for client in clients:
            for name in client.execute_command("FT._LIST"):
                info = client.ft(name.decode()).info()
                docs += int(info["num_docs"])
                busy |= int(info["indexing"]) != 0
        if docs == n and not busy:
            return time.perf_counter() - start
        time.sleep(0.05)


def redis_py_cluster_search(shards: list[redis.Redis], oracle: RedisCluster, query: str) -> pl.DataFrame:
    keys: list[str] = []
    for client in shards:
        index = client.ft(client.execute_command("FT._LIST")[0].decode())
        offset = 0
        while True:
            result = index.search(Query(query).no_content().paging(offset, 10_000).dialect(2))
            keys += [doc.id for doc in result.docs]
            offset += len(result.docs)
            if not result.docs or offset >= result.total:
                break
    return fetch_rows(oracle, keys)


def fetch_rows(client: redis.Redis | RedisCluster, keys: list[Any]) -> pl.DataFrame:
    """One pipeline of HGETALL for `keys`, typed into a frame by hand (the baselines' fetch)."""
    pipe = client.pipeline(transaction=False)
    for key in keys:
        pipe.hgetall(key)
    rows = [{k.decode(): v.decode() for k, v in h.items()} for h in pipe.execute()]
    return pl.DataFrame({"qty": [int(r["qty"]) for r in rows], "price": [float(r["price"]) for r in rows],
                         "category": [r["category"] for r in rows]})


def redis_py_single_search(client: redis.Redis, query: str) -> pl.DataFrame:
    keys: list[bytes] = []
    reply, cursor = client.execute_command("FT.AGGREGATE", "idx:items", query, "LOAD", 1, "@__key", "DIALECT", 2,
                                           "WITHCURSOR", "COUNT", 1000)
    while True:
        if isinstance(reply, dict):  # RESP3
            keys += [row[b"extra_attributes"][b"__key"] for row in reply[b"results"]]
        else:
            keys += [row[1] for row in reply[1:]]
        if not cursor:
            break
        reply, cursor = client.execute_command("FT.CURSOR", "READ", "idx:items", cursor, "COUNT", 1000)
    return fetch_rows(client, keys)


def main() -> None:
    parser = cluster_arguments(__doc__.splitlines()[0])
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args()

    lines = table_head("rows in store")
    with cluster_and_single() as setups:
        cluster, single = setups.cluster, setups.single
        shard_clients, single_client, oracle = setups.shard_clients, setups.single_client, setups.oracle
        for n in args.sizes:
            df = frame(n)
            low, high = n // 3, n // 3 + n // 100  # 1% of the rows
            predicate = pl.col("qty").is_between(low, high, closed="left")
            query = f"@qty:[{low} ({high}]"
            expected = df.filter(predicate).height
            notes = []
            for setup, url, clients in (("cluster, 3 shards", cluster.url, shard_clients),
                                        ("single node", single.url, [single_client])):
                for client in clients:
                    client.flushall()
                pr.write_hashes(df, url)
                pr.create_index(url, "idx:items", SCHEMA, "item:", sortable=["qty", "price", "category"],
                                if_exists="replace")
                notes.append(f"{setup}: indexing {n:,} hashes took {wait_indexed(clients, n):.1f} s")
                lf = pr.scan_hashes(url, "item:*", SCHEMA, search_index="idx:items")
                pushed = measure_per_server(clients, lambda lf=lf: lf.filter(predicate).collect(), args.repeat)
                scan = pr.scan_hashes(url, "item:*", SCHEMA)
                full = measure_per_server(clients, lambda scan=scan: scan.filter(predicate).collect(),
                                          max(1, args.repeat // 2))
                grouped = measure_per_server(clients, lambda url=url: pr.aggregate(
                    url, "idx:items", "*", group_by=["category"], reduce={"n": ("count",), "total": ("sum", "price")}),
                    args.repeat)
                if setup.startswith("cluster"):
                    base = measure_per_server(clients, lambda: redis_py_cluster_search(shard_clients, oracle, query),
                                              args.repeat)
                else:
                    base = measure_per_server(clients, lambda: redis_py_single_search(single_client, query),
                                              args.repeat)
                assert pushed[2].height == full[2].height == base[2].height == expected
                assert grouped[2].height == 50 and grouped[2]["n"].sum() == n
                lines += [
                    row(n, setup, "polars-redis, 1% filter pushed to the index", pushed[0], pushed[1], base[0]),
                    row(n, setup, "redis-py, the same query + HGETALL pipeline", base[0], base[1], None),
                    row(n, setup, "polars-redis, 1% filter on a full scan", full[0], full[1], None).replace(
                        "| 1.0x |", "| - |"),
                    row(n, setup, "polars-redis, aggregate count + sum by category", grouped[0], grouped[1],
                        None).replace("| 1.0x |", "| - |"),
                ]
            lines += ["", *notes, ""]
    publish(lines, args.markdown)


if __name__ == "__main__":
    main()
