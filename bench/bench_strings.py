"""read_strings vs redis-py + hiredis, valkey-glide and the raw C++ loop, with the server's CPU time.

Loads N string keys into an embedded Redis Stack (or --url), then times, interleaved in the same run:
  polars-redis read_strings (String values; Int64 counters),
  redis-py + hiredis: SCAN ... TYPE string COUNT 1000, one MGET per SCAN round + pl.DataFrame with
  a schema (the idiomatic fastest redis-py), and the same with COUNT 2000 (read_strings' default),
  valkey-glide (sync): the same shape (COUNT 1000),
  the raw C++ loop (bench/raw_loop): one connection, SCAN then one MGET per round into plain buffers,
  with COUNT 1000 (the floor the ratios use) and 2000,
and reports each one's wall time, server CPU and socket reads / writes. Then, on the last data set,
the server CPU per key of SCAN with and without TYPE string, and of MGET: the floor's parts.

Usage: python bench/bench_strings.py [--sizes 100000 1000000] [--url URL] [--markdown FILE]
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import polars as pl
import redis

import polars_redis as pr

sys.path.insert(0, str(Path(__file__).parent))
from common import (  # noqa: E402
    baseline_clients, bench_arguments, glide_scan_chunks, in_pipelines, raw_loop, scan_chunks,
)
from harness import compared_rows, comparison_table_start, measure, publish  # noqa: E402


def load(client: redis.Redis, n: int, value: Callable[[int], str]) -> None:
    client.flushall()
    for pipe, start in in_pipelines(client, range(0, n, 1000), every=50):
        pipe.mset({f"bench:{i}": value(i) for i in range(start, min(n, start + 1000))})


def cached_text(i: int) -> str:
    return f"cached page fragment {i} for user {i % 977}"  # ~40 bytes


def counter(i: int) -> str:
    return str(i * 37 % 100_003)


def frame(keys: list, values: list, dtype: pl.DataType) -> pl.DataFrame:
    """Text keys and values -> the frame read_strings returns (a key deleted since SCAN is dropped)."""
    text = pl.DataFrame({"_key": keys, "value": values}, schema={"_key": pl.String, "value": pl.String})
    return text.drop_nulls("value").with_columns(pl.col("value").cast(dtype))


def redis_py(client: redis.Redis, dtype: pl.DataType, count: int = 1000) -> pl.DataFrame:
    """What a user writes by hand: SCAN the keys (COUNT `count`), one MGET per SCAN round, build
    a frame."""
    keys, values = [], []
    for chunk in scan_chunks(client, "bench:*", "STRING", count):
        keys.extend(chunk)
        values.extend(client.mget(chunk))
    return frame(keys, values, dtype)


def glide_read(client, dtype: pl.DataType) -> pl.DataFrame:
    from glide_sync import ObjectType

    keys, values = [], []
    for chunk in glide_scan_chunks(client, "bench:*", ObjectType.STRING):
        keys.extend(k.decode() for k in chunk)
        values.extend(None if v is None else v.decode() for v in client.mget(chunk))
    return frame(keys, values, dtype)


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

    def scan_then_mget(mget_first: bool) -> Callable[[], int]:
        """One pipeline per round holding the MGET of the keys the last SCAN (COUNT 2000) found
        and the next SCAN, the MGET first or second: the same commands, only their order differs."""
        def run() -> int:
            cursor, found, fetched = 0, [], 0
            while True:
                pipe = client.pipeline(transaction=False)
                if found and mget_first:
                    pipe.mget(found)
                pipe.scan(cursor, match="bench:*", count=2000, _type="STRING")
                if found and not mget_first:
                    pipe.mget(found)
                replies = pipe.execute()
                fetched += len(found)
                cursor, found = replies[1] if found and mget_first else replies[0]
                if cursor == 0:
                    return fetched + (len(client.mget(found)) if found else 0)
        return run

    parts = [("SCAN MATCH COUNT 1000", scan()), ("SCAN MATCH COUNT 1000 TYPE string", scan(_type="STRING")),
             ("MGET, 16 keys each", mget(16)), ("MGET, 256 keys each", mget(256)),
             ("MGET, 1000 keys each", mget(1000)),
             ("MGET of the last SCAN's keys, then the next SCAN (TYPE string, COUNT 2000)", scan_then_mget(True)),
             ("the next SCAN, then MGET of the last SCAN's keys (the same commands)", scan_then_mget(False))]
    lines = ["", f"Server CPU per key over {n:,} string keys (best of {repeat}):", "",
             "| command | server CPU us / key |", "|---|---:|"]
    for label, work in parts:
        cpus = [measure(client, work, 1)[1] for _ in range(repeat)]
        lines.append(f"| {label} | {min(cpus) * 1e6 / n:.2f} |")
    return lines


def main() -> None:
    parser = bench_arguments([100_000, 1_000_000])
    parser.add_argument("--no-costs", action="store_true", help="skip the per-command server cost table")
    args = parser.parse_args()
    lines = comparison_table_start("N keys", args.repeat)
    cases = [("String values", cached_text, pl.String()), ("Int64 counters", counter, pl.Int64())]
    with baseline_clients(args.url, decode_responses=True) as (url, client, text_client, glide):
        for n in args.sizes:
            for label, value, dtype in cases:
                load(client, n, value)
                lines += compared_rows(client, f"{n:,}", [
                    (f"polars-redis, {label}", lambda d=dtype: pr.read_strings(url, "bench:*", value_type=d)),
                    ("redis-py + hiredis", lambda d=dtype: redis_py(text_client, d)),
                    ("redis-py + hiredis, SCAN COUNT 2000 as ours",
                     lambda d=dtype: redis_py(text_client, d, count=2000)),
                    ("valkey-glide", lambda d=dtype: glide_read(glide, d)),
                    ("raw loop (C++), SCAN COUNT 1000", raw_loop(url, "bench:*", "string", "mget")),
                    # our default COUNT: the floor for the same number of SCAN round trips
                    ("raw loop (C++), SCAN COUNT 2000", raw_loop(url, "bench:*", "string", "mget", count=2000)),
                ], args.repeat, n, lambda frame: frame.sort("_key"))
        if not args.no_costs:
            lines.extend(server_costs(client, args.sizes[-1], args.repeat))
    publish(lines, args.markdown)


if __name__ == "__main__":
    main()
