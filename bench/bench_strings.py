"""read_strings vs redis-py, with the server's own CPU time as the floor.

Loads N string keys into an embedded Redis Stack (or --url), then times in the same run:
  polars-redis read_strings (String values; Int64 counters),
  redis-py SCAN ... TYPE string + pipelined MGET (1000 keys each) + pl.DataFrame (the hand-written
  baseline),
and reports each one's wall time and the server CPU seconds it caused. Then, on the last data set,
the server CPU per key of SCAN with and without TYPE string, and of MGET: the floor's parts.

Usage: python bench/bench_strings.py [--sizes 100000 1000000] [--url URL] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import polars as pl
import redis

import polars_redis as pr
from polars_redis.server import RedisStackServer

sys.path.insert(0, str(Path(__file__).parent))
from common import comparison_rows, machine_description, measure, publish  # noqa: E402

MGET_CHUNK = 1000


def load(client: redis.Redis, n: int, value: Callable[[int], str]) -> None:
    client.flushall()
    pipe = client.pipeline(transaction=False)
    for start in range(0, n, 1000):
        pipe.mset({f"bench:{i}": value(i) for i in range(start, min(n, start + 1000))})
        if start % 50_000 == 49_000:
            pipe.execute()
    pipe.execute()


def cached_text(i: int) -> str:
    return f"cached page fragment {i} for user {i % 977}"  # ~40 bytes


def counter(i: int) -> str:
    return str(i * 37 % 100_003)


def redis_py(client: redis.Redis, convert: Callable[[str], object], dtype: pl.DataType) -> pl.DataFrame:
    """What a user writes by hand: SCAN the keys, MGET them in pipelined chunks, build a frame."""
    keys = list(client.scan_iter(match="bench:*", count=1000, _type="STRING"))
    pipe = client.pipeline(transaction=False)
    for start in range(0, len(keys), MGET_CHUNK):
        pipe.mget(keys[start:start + MGET_CHUNK])
    found_keys, values = [], []
    for start, chunk in zip(range(0, len(keys), MGET_CHUNK), pipe.execute()):
        for key, value in zip(keys[start:start + MGET_CHUNK], chunk):
            if value is not None:  # deleted since SCAN
                found_keys.append(key)
                values.append(convert(value))
    return pl.DataFrame({"_key": found_keys, "value": values}, schema={"_key": pl.String, "value": dtype})


def server_costs(client: redis.Redis, n: int, repeat: int) -> list[str]:
    """Server CPU microseconds per key of each part of a string read (best of `repeat`)."""
    def scan(**kwargs: object) -> Callable[[], int]:
        return lambda: sum(1 for _ in client.scan_iter(match="bench:*", count=1000, **kwargs))

    keys = list(client.scan_iter(match="bench:*", count=1000))

    def mget(group: int) -> Callable[[], None]:
        def run() -> None:
            pipe = client.pipeline(transaction=False)
            for start in range(0, len(keys), group):
                pipe.mget(keys[start:start + group])
            pipe.execute()
        return run

    parts = [("SCAN MATCH COUNT 1000", scan()), ("SCAN MATCH COUNT 1000 TYPE string", scan(_type="STRING")),
             ("MGET, 16 keys each", mget(16)), ("MGET, 256 keys each", mget(256))]
    lines = ["", f"Server CPU per key over {n:,} string keys (best of {repeat}):", "",
             "| command | server CPU us / key |", "|---|---:|"]
    for label, work in parts:
        cpus = [measure(client, work, 1)[1] for _ in range(repeat)]
        lines.append(f"| {label} | {min(cpus) * 1e6 / n:.2f} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--url")
    parser.add_argument("--markdown", type=Path, help="write the result table to this file")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    server = None if args.url else RedisStackServer().start()
    url = args.url or server.url
    client = redis.Redis.from_url(url)
    text_client = redis.Redis.from_url(url, decode_responses=True)
    lines = [
        f"Machine: {machine_description()}; Polars {pl.__version__}; server and client on the same host.",
        "",
        "| N keys | reader | wall ms | server CPU ms | wall / server CPU | vs redis-py |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    cases = [
        ("String values", cached_text, pl.String(), str),
        ("Int64 counters", counter, pl.Int64(), int),
    ]
    try:
        for n in args.sizes:
            repeat = args.repeat if n <= 100_000 else max(1, args.repeat - 1)
            for label, value, dtype, convert in cases:
                load(client, n, value)
                wall, cpu, frame = measure(client, lambda: pr.read_strings(url, "bench:*", value_type=dtype), repeat)
                assert frame.height == n, (label, frame.height)
                base_wall, base_cpu, base_frame = measure(
                    client, lambda: redis_py(text_client, convert, dtype), repeat)
                assert base_frame.height == n
                assert frame.sort("_key").equals(base_frame.sort("_key"))
                lines += comparison_rows(n, label, wall, cpu, base_wall, base_cpu)
                print("\n".join(lines[-2:]), flush=True)
        lines.extend(server_costs(client, args.sizes[-1], args.repeat))
    finally:
        if server is not None:
            server.stop()
    publish(lines, args.markdown)


if __name__ == "__main__":
    main()
