"""read_hashes vs redis-py, with the server's own CPU time as the floor.

Loads N hashes x 10 fields into an embedded Redis Stack (or --url), then times in the same run:
  polars-redis read_hashes (all 10 fields; 2 projected fields),
  redis-py SCAN + pipelined HGETALL / HMGET + pl.DataFrame (the hand-written baseline),
and reports each one's wall time and the server CPU seconds it caused.

Usage: python bench/bench_hashes.py [--sizes 10000 100000 1000000] [--url URL] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polars as pl
import redis

import polars_redis as pr
from polars_redis.server import RedisStackServer

sys.path.insert(0, str(Path(__file__).parent))
from common import comparison_rows, machine_description, measure, publish  # noqa: E402

FIELDS = [f"f{i}" for i in range(10)]
SCHEMA = {
    "f0": pl.String, "f1": pl.Int64, "f2": pl.Float64, "f3": pl.String, "f4": pl.Int64,
    "f5": pl.Boolean, "f6": pl.String, "f7": pl.Float64, "f8": pl.Int64, "f9": pl.String,
}


def load(client: redis.Redis, n: int) -> None:
    client.flushall()
    pipe = client.pipeline(transaction=False)
    for i in range(n):
        pipe.hset(f"bench:{i}", mapping={
            "f0": f"name-{i}", "f1": str(i), "f2": str(i * 0.5), "f3": f"city-{i % 100}", "f4": str(i % 1000),
            "f5": "true" if i % 2 else "false", "f6": f"user{i}@example.com", "f7": str(i / 7),
            "f8": str(-i), "f9": "some longer text value for the benchmark",
        })
        if i % 10_000 == 9_999:
            pipe.execute()
    pipe.execute()


def redis_py_all(client: redis.Redis) -> pl.DataFrame:
    keys = list(client.scan_iter(match="bench:*", count=1000))
    pipe = client.pipeline(transaction=False)
    for key in keys:
        pipe.hgetall(key)
    rows = [{k.decode(): v.decode() for k, v in h.items()} for h in pipe.execute()]
    return pl.DataFrame(rows).with_columns(pl.Series("_key", [k.decode() for k in keys]))


def redis_py_two(client: redis.Redis) -> pl.DataFrame:
    keys = list(client.scan_iter(match="bench:*", count=1000))
    pipe = client.pipeline(transaction=False)
    for key in keys:
        pipe.hmget(key, "f0", "f1")
    values = pipe.execute()
    return pl.DataFrame({"f0": [v[0].decode() for v in values], "f1": [int(v[1]) for v in values]})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--url")
    parser.add_argument("--markdown", type=Path, help="write the result table to this file")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    server = None if args.url else RedisStackServer().start()
    url = args.url or server.url
    client = redis.Redis.from_url(url)
    lines = [
        f"Machine: {machine_description()}; Polars {pl.__version__}; server and client on the same host.",
        "",
        "| N hashes | reader | wall ms | server CPU ms | wall / server CPU | vs redis-py |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    try:
        for n in args.sizes:
            load(client, n)
            repeat = args.repeat if n <= 100_000 else max(1, args.repeat - 1)
            cases = [
                ("all 10 fields", lambda: pr.read_hashes(url, "bench:*", SCHEMA), lambda: redis_py_all(client)),
                ("2 projected fields", lambda: pr.scan_hashes(url, "bench:*", SCHEMA).select("f0", "f1").collect(),
                 lambda: redis_py_two(client)),
            ]
            for label, ours, baseline in cases:
                wall, cpu, frame = measure(client, ours, repeat)
                assert frame.height == n, (label, frame.height)
                base_wall, base_cpu, base_frame = measure(client, baseline, repeat)
                assert base_frame.height == n
                lines += comparison_rows(n, label, wall, cpu, base_wall, base_cpu)
                print("\n".join(lines[-2:]), flush=True)
    finally:
        if server is not None:
            server.stop()
    publish(lines, args.markdown)


if __name__ == "__main__":
    main()
