"""Connection reuse and parallel fetch, with the server's own CPU time as the floor.

Two tables from one run against an embedded Redis Stack (or --url):
  1. read_hashes of N hashes x 10 fields with parallel=1, 2, 4 fetch connections, beside redis-py
     SCAN + pipelined HGETALL + pl.DataFrame (the hand-written baseline);
  2. 1,000 small scans (read_hashes of a 10-key pattern): through one Client (pooled
     connections), with pool_size=0 (a fresh connection per scan), and redis-py with its own
     connection pool.
--io-threads N starts the server with io-threads N (threaded socket reads and writes).

Usage: python bench/bench_pool.py [--sizes 100000 1000000] [--io-threads 2] [--markdown FILE]
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl
import redis

import polars_redis as pr
from polars_redis import _core
from polars_redis.engine.dtypes import to_descriptor

sys.path.insert(0, str(Path(__file__).parent))
from bench_hashes import SCHEMA, load  # noqa: E402
from common import bench_arguments, hgetall_frame, redis_stack  # noqa: E402
from harness import measure, publish, reader_row, repeat_for, versus_redis_py_table  # noqa: E402

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
    lines = versus_redis_py_table("N hashes", f"; Polars {pl.__version__}; server ({threads}) and client on the "
                                  "same host.")
    with redis_stack(args.url, extra_args=extra) as url:
        client = redis.Redis.from_url(url)
        for n in args.sizes:
            load(client, n)
            repeat = repeat_for(n, args.repeat)
            base_wall, base_cpu, base_frame = measure(client, lambda: hgetall_frame(client, "bench:*"), repeat)
            assert base_frame.height == n
            for parallel in args.parallel:
                with pr.connect(url, parallel=parallel) as c:
                    wall, cpu, frame = measure(client, lambda: pr.read_hashes(c, "bench:*", SCHEMA), repeat)
                assert frame.height == n
                lines.append(reader_row(n, f"polars-redis, parallel={parallel}", wall, cpu,
                                        f"{base_wall / wall:.1f}x faster"))
                print(lines[-1], flush=True)
            lines.append(reader_row(n, "redis-py, SCAN + HGETALL", base_wall, base_cpu, "1.0x"))
            print(lines[-1], flush=True)

        client.flushall()
        load_small = pl.DataFrame({"_key": [f"small:{i}" for i in range(10)],
                                   **{f: [str(i) for i in range(10)] for f in ("f1", "f4", "f8")}})
        pr.write_hashes(load_small, url)
        schema = {"f1": pl.Int64, "f4": pl.Int64, "f8": pl.Int64}
        lines += [
            "",
            f"{SMALL_SCANS:,} scans of a 10-key pattern (read_hashes, 3 fields), total per run:",
            "",
            "| reader, connections | wall ms | per scan µs | server CPU ms | vs the same reader, fresh |",
            "|---|---:|---:|---:|---:|",
        ]
        plan = {"pattern": "small:*", "include_key": True,
                "fields": [(name, to_descriptor(name, dtype)) for name, dtype in schema.items()]}
        results = []
        with pr.connect(url) as pooled, pr.connect(url, pool_size=0) as fresh:
            for label, read, height in (
                ("read_hashes, pooled (one Client)", lambda: pr.read_hashes(pooled, "small:*", schema), None),
                ("read_hashes, fresh connections (pool_size=0)", lambda: pr.read_hashes(fresh, "small:*", schema),
                 None),
                ("core scan only, pooled", lambda: native_scan(pooled.url, plan), 10),
                ("core scan only, fresh connections", lambda: native_scan(fresh.url, plan), 10),
                ("redis-py, its own pool", lambda: hgetall_frame(client, "small:*", key_column=False), None),
            ):
                wall, cpu, frame = measure(client, lambda: repeat_scans(read), args.repeat)
                assert (frame if height else frame.height) == 10
                results.append((label, wall, cpu))
        fresh = {"read_hashes": results[1][1], "core scan": results[3][1], "redis-py": results[1][1]}
        for label, wall, cpu in results:
            baseline = next(v for k, v in fresh.items() if label.startswith(k))
            lines.append(f"| {label} | {wall * 1e3:.1f} | {wall / SMALL_SCANS * 1e6:.0f} | {cpu * 1e3:.1f} | "
                         f"{baseline / wall:.1f}x |")
            print(lines[-1], flush=True)
    publish(lines, args.markdown)


if __name__ == "__main__":
    main()
