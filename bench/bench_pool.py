"""Connection reuse and parallel fetch, with the server's own CPU time as the floor.

Two tables from one run against an embedded Redis Stack (or --url), each contender interleaved
with the others and its frame checked equal to ours:
  1. read_hashes of N hashes x 10 fields with parallel=1, 2, 4 fetch connections, beside the
     peers a user would pick: redis-py + hiredis and valkey-glide (sync), SCAN COUNT 1000 TYPE hash
     with one pipeline / batch of HGETALL per round and a pl.DataFrame with the schema (as in
     bench_hashes.py), on one connection: SCAN's cursor is one sequence, so a hand-written read
     has no natural split over threads (a user would have to SCAN first and then share out the
     keys, which these clients leave to the user);
  2. 1,000 small scans (a 10-key pattern, 3 fields): each reader through one client (read_hashes
     and the core scan alone through one pooled Client, redis-py + hiredis through one Redis and
     its connection pool, glide through one client) and with a new connection per scan
     (pool_size=0; a new redis-py Redis or glide client per scan, closed after it).
--io-threads N starts the server with io-threads N (threaded socket reads and writes).

Usage: python bench/bench_pool.py [--sizes 100000 1000000] [--repeat 3] [--io-threads 2] [--markdown FILE]
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import ExitStack, closing
from functools import partial
from pathlib import Path
from typing import Any

import polars as pl
import redis

import polars_redis as pr
from polars_redis import _core
from polars_redis.engine.dtypes import to_descriptor

sys.path.insert(0, str(Path(__file__).parent))
from bench_hashes import FIELDS, SCHEMA, glide_read, load, redis_py_read  # noqa: E402
from common import (  # noqa: E402
    bench_arguments, glide_client, glide_hash_frames, hashes_frame, hiredis_client, redis_py_hash_frames, redis_stack,
)
from harness import (  # noqa: E402
    compared_rows, comparison_table_start, measure_interleaved, publish, redis_py_label,
)

SMALL_SCANS = 1000


def native_scan(url: str, plan: dict) -> int:
    """The core scan alone (no Polars collect): what the connection cost is a part of."""
    scan = _core.scan_hashes(url, plan)
    rows = 0
    while (batch := scan.next_batch()) is not None:
        rows += batch.num_rows
    scan.close()
    return rows


def repeat_scans(read) -> pl.DataFrame:
    frame = None
    for _ in range(SMALL_SCANS):
        frame = read()
    return frame


def main() -> None:
    parser = bench_arguments([100_000, 1_000_000], markdown_help="write the result tables to this file")
    parser.add_argument("--parallel", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--io-threads", type=int, default=0)
    args = parser.parse_args()

    extra = ("--io-threads", str(args.io_threads), "--io-threads-do-reads", "yes") if args.io_threads else ()
    threads = f"io-threads {args.io_threads}" if args.io_threads else "io-threads 1 (default)"
    lines = comparison_table_start("N hashes", args.repeat)
    lines[0] += f" Server: {threads}."
    with redis_stack(args.url, extra_args=extra) as url, closing(glide_client(url)) as glide, ExitStack() as stack:
        client = redis.Redis.from_url(url)
        text_client = hiredis_client(url, decode_responses=True)
        parallel = [(p, stack.enter_context(pr.connect(url, parallel=p))) for p in args.parallel]
        for n in args.sizes:
            load(client, n)
            lines += compared_rows(client, f"{n:,}", [
                *((f"polars-redis, parallel={p}", lambda c=c: pr.read_hashes(c, "bench:*", SCHEMA))
                  for p, c in parallel),
                (f"{redis_py_label()}, one connection: SCAN + HGETALL pipeline per 1000 keys",
                 lambda: redis_py_read(text_client, FIELDS)),
                ("valkey-glide, one client: SCAN + HGETALL batch per 1000 keys", lambda: glide_read(glide, FIELDS)),
            ], args.repeat, n, lambda frame: frame.select("_key", *FIELDS).sort("_key"))

        client.flushall()
        load_small = pl.DataFrame({"_key": [f"small:{i}" for i in range(10)],
                                   **{f: [str(i) for i in range(10)] for f in ("f1", "f4", "f8")}})
        pr.write_hashes(load_small, url)
        lines += small_scans(client, url, text_client, glide, args.repeat)
    publish(lines, args.markdown)


def small_scans(client: redis.Redis, url: str, text_client: redis.Redis, glide: Any, repeat: int) -> list[str]:
    """The table of SMALL_SCANS 10-key reads, each reader through one client and through a new
    connection (client) per scan, interleaved; every frame checked equal to read_hashes'."""
    schema = {"f1": pl.Int64, "f4": pl.Int64, "f8": pl.Int64}
    plan = {"pattern": "small:*", "include_key": True,
            "fields": [(name, to_descriptor(name, dtype)) for name, dtype in schema.items()]}

    def redis_py(c: redis.Redis) -> pl.DataFrame:
        return hashes_frame(redis_py_hash_frames(c, "small:*", schema))

    def glide_scan(c: Any) -> pl.DataFrame:
        return hashes_frame(glide_hash_frames(c, "small:*", schema))

    def fresh_redis_py() -> pl.DataFrame:
        with hiredis_client(url, decode_responses=True) as c:
            return redis_py(c)

    def fresh_glide() -> pl.DataFrame:
        with closing(glide_client(url)) as c:
            return glide_scan(c)

    with pr.connect(url) as pooled, pr.connect(url, pool_size=0) as fresh:
        readers = [
            ("read_hashes", "pooled (one Client)", lambda: pr.read_hashes(pooled, "small:*", schema),
             "fresh connections (pool_size=0)", lambda: pr.read_hashes(fresh, "small:*", schema)),
            ("core scan only", "pooled", lambda: native_scan(pooled.url, plan),
             "fresh connections", lambda: native_scan(fresh.url, plan)),
            (f"{redis_py_label()}, SCAN + HGETALL pipeline", "one client (its pool)", lambda: redis_py(text_client),
             "a new client per scan", fresh_redis_py),
            ("valkey-glide, SCAN + HGETALL batch", "one client", lambda: glide_scan(glide),
             "a new client per scan", fresh_glide),
        ]
        contenders: list[tuple[str, Callable[[], Any]]] = [(f"{reader}, {how}", partial(repeat_scans, read))
                      for reader, pooled_how, pooled_read, fresh_how, fresh_read in readers
                      for how, read in ((pooled_how, pooled_read), (fresh_how, fresh_read))]
        results = measure_interleaved(client, contenders, repeat)
    first = results[0].value.sort("_key")
    for result in results:
        value = result.value
        assert value == 10 if isinstance(value, int) else value.sort("_key").equals(first), result.label
    lines = [
        "",
        f"{SMALL_SCANS:,} scans of a 10-key pattern (3 fields), total per run, medians of {repeat} interleaved runs:",
        "",
        "| reader, connections | wall ms | per scan µs | server CPU ms | vs the same reader, fresh |",
        "|---|---:|---:|---:|---:|",
    ]
    for i, result in enumerate(results):
        fresh_wall = results[i | 1].wall  # each reader's pooled row is followed by its fresh one
        lines.append(f"| {result.label} | {result.wall * 1e3:.1f} | {result.wall / SMALL_SCANS * 1e6:.0f} | "
                     f"{result.cpu * 1e3:.1f} | {fresh_wall / result.wall:.1f}x |")
        print(lines[-1], flush=True)
    return lines


if __name__ == "__main__":
    main()
