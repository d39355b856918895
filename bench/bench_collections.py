"""read_zset / read_set / read_list vs redis-py, with the server's own CPU time as the floor.

Loads one sorted set, one set and one list of N members each into an embedded Redis Stack (or
--url), then times in the same run:
  polars-redis read_zset / read_set / read_list (all columns, paged reads),
  redis-py ZRANGE 0 -1 WITHSCORES / SMEMBERS / LRANGE 0 -1 (one reply each: redis-py's fastest
  way) + pl.DataFrame (the hand-written baseline),
and reports each one's wall time and the server CPU seconds it caused.

Usage: python bench/bench_collections.py [--sizes 100000 1000000] [--url URL] [--markdown FILE]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import polars as pl
import redis

import polars_redis as pr

sys.path.insert(0, str(Path(__file__).parent))
from common import bench_arguments, redis_stack  # noqa: E402
from harness import comparison_rows, measure, publish, versus_redis_py_table  # noqa: E402


def load(client: redis.Redis, n: int) -> None:
    client.flushall()
    pipe = client.pipeline(transaction=False)
    for start in range(0, n, 10_000):
        chunk = range(start, min(n, start + 10_000))
        pipe.zadd("bench:zset", {f"player:{i}": (i * 7919) % 1_000_003 / 7 for i in chunk})
        pipe.sadd("bench:set", *[f"member:{i}" for i in chunk])
        pipe.rpush("bench:list", *[f"event:{i % 50_000}" for i in chunk])
        pipe.execute()


def redis_py_zset(client: redis.Redis) -> pl.DataFrame:
    pairs = client.zrange("bench:zset", 0, -1, withscores=True)
    return pl.DataFrame({
        "_key": ["bench:zset"] * len(pairs),
        "member": [m.decode() for m, _ in pairs],
        "score": [s for _, s in pairs],
    })


def redis_py_set(client: redis.Redis) -> pl.DataFrame:
    members = client.smembers("bench:set")
    return pl.DataFrame({"_key": ["bench:set"] * len(members), "member": [m.decode() for m in members]})


def redis_py_list(client: redis.Redis) -> pl.DataFrame:
    elements = client.lrange("bench:list", 0, -1)
    return pl.DataFrame({
        "_key": ["bench:list"] * len(elements),
        "element": [e.decode() for e in elements],
        "position": range(len(elements)),
    })


def main() -> None:
    args = bench_arguments([100_000, 1_000_000]).parse_args()
    with redis_stack(args.url) as url:
        client = redis.Redis.from_url(url)
        lines = versus_redis_py_table(
            "N members", f"; Polars {pl.__version__}; server and client on the same host; "
            f"1-minute load average at the start {os.getloadavg()[0]:.1f} (the machine is shared).")
        for n in args.sizes:
            load(client, n)
            cases = [
                ("sorted set, read_zset", lambda: pr.read_zset(url, "bench:zset"), lambda: redis_py_zset(client)),
                ("set, read_set", lambda: pr.read_set(url, "bench:set"), lambda: redis_py_set(client)),
                ("list, read_list", lambda: pr.read_list(url, "bench:list"), lambda: redis_py_list(client)),
            ]
            for label, ours, baseline in cases:
                wall, cpu, frame = measure(client, ours, args.repeat)
                assert frame.height == n, (label, frame.height)
                base_wall, base_cpu, base_frame = measure(client, baseline, args.repeat)
                assert base_frame.height == n
                lines += comparison_rows(n, label, wall, cpu, base_wall, base_cpu, label.split(",")[0])
                print("\n".join(lines[-2:]), flush=True)
    publish(lines, args.markdown)


if __name__ == "__main__":
    main()
