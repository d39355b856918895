"""read_hashes vs redis-py + hiredis, valkey-glide and the raw C++ loop, with the server's CPU time.

Loads N hashes x 10 fields into an embedded Redis Stack (or --url), then times, interleaved in the
same run:
  polars-redis read_hashes (all 10 fields: HGETALL; 2 projected fields: HMGET),
  redis-py + hiredis: SCAN COUNT 1000, each round's keys fetched in one pipeline, columns built in
  Python, pl.DataFrame with a schema (the idiomatic fastest redis-py),
  valkey-glide (sync): the same shape with a non-atomic Batch,
  the raw C++ loop (bench/raw_loop): one connection, SCAN then the round's fetches pipelined into
  plain buffers: the client-side floor,
and reports each one's wall time, the server CPU and socket reads / writes it caused. The frames
of polars-redis, redis-py and glide are checked to be identical.

Usage: python bench/bench_hashes.py [--sizes 100000 1000000] [--url URL] [--markdown FILE]
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl
import redis

import polars_redis as pr

sys.path.insert(0, str(Path(__file__).parent))
from common import (  # noqa: E402
    baseline_clients, bench_arguments, glide_batch, glide_scan_chunks, in_pipelines, raw_loop, scan_chunks,
)
from harness import compared_rows, comparison_table_start, publish  # noqa: E402

FIELDS = [f"f{i}" for i in range(10)]
SCHEMA = {
    "f0": pl.String, "f1": pl.Int64, "f2": pl.Float64, "f3": pl.String, "f4": pl.Int64,
    "f5": pl.Boolean, "f6": pl.String, "f7": pl.Float64, "f8": pl.Int64, "f9": pl.String,
}
PROJECTED = ["f0", "f1"]


def load(client: redis.Redis, n: int) -> None:
    client.flushall()
    for pipe, i in in_pipelines(client, range(n)):
        pipe.hset(f"bench:{i}", mapping={
            "f0": f"name-{i}", "f1": str(i), "f2": str(i * 0.5), "f3": f"city-{i % 100}", "f4": str(i % 1000),
            "f5": "true" if i % 2 else "false", "f6": f"user{i}@example.com", "f7": str(i / 7),
            "f8": str(-i), "f9": "some longer text value for the benchmark",
        })


def typed(columns: dict[str, list], fields: list[str]) -> pl.DataFrame:
    """Text columns -> the schema's dtypes, as a user would write it."""
    frame = pl.DataFrame(columns, schema={"_key": pl.String, **{f: pl.String for f in fields}})
    return frame.with_columns(
        *(pl.col(f) == "true" if SCHEMA[f] == pl.Boolean else pl.col(f).cast(SCHEMA[f]) for f in fields))


def redis_py_read(client: redis.Redis, fields: list[str]) -> pl.DataFrame:
    """SCAN, one pipeline of HGETALL (or HMGET) per SCAN round, columns, pl.DataFrame."""
    columns: dict[str, list] = {"_key": [], **{f: [] for f in fields}}
    for keys in scan_chunks(client, "bench:*", "hash"):
        pipe = client.pipeline(transaction=False)
        for key in keys:
            pipe.hgetall(key) if fields == FIELDS else pipe.hmget(key, fields)
        columns["_key"].extend(keys)
        for reply in pipe.execute():
            values = [reply.get(f) for f in fields] if isinstance(reply, dict) else reply
            for f, v in zip(fields, values):
                columns[f].append(v)
    return typed(columns, fields)


def glide_read(client, fields: list[str]) -> pl.DataFrame:
    """The same shape with valkey-glide: a non-atomic Batch per SCAN round."""
    columns: dict[str, list] = {"_key": [], **{f: [] for f in fields}}
    encoded = [f.encode() for f in fields]
    for keys in glide_scan_chunks(client, "bench:*", _hash_type()):
        replies = glide_batch(client, lambda b: [b.hgetall(k) if fields == FIELDS else b.hmget(k, fields) for k in keys])
        columns["_key"].extend(k.decode() for k in keys)
        for reply in replies:
            values = [reply.get(f) for f in encoded] if isinstance(reply, dict) else reply
            for f, v in zip(fields, values):
                columns[f].append(v.decode())
    return typed(columns, fields)


def _hash_type():
    from glide_sync import ObjectType

    return ObjectType.HASH


def main() -> None:
    args = bench_arguments([100_000, 1_000_000]).parse_args()
    lines = comparison_table_start("N hashes", args.repeat)
    with baseline_clients(args.url, decode_responses=True) as (url, client, text_client, glide):
        for n in args.sizes:
            load(client, n)
            cases = [
                ("all 10 fields", FIELDS, lambda: pr.read_hashes(url, "bench:*", SCHEMA), ("HGETALL", "{}")),
                ("2 projected fields", PROJECTED,
                 lambda: pr.scan_hashes(url, "bench:*", SCHEMA).select(PROJECTED).collect(),
                 ("HMGET", "{}", *PROJECTED)),
            ]
            for label, fields, ours, raw_command in cases:
                lines += compared_rows(client, f"{n:,}", [
                    (f"polars-redis, {label}", ours),
                    ("redis-py + hiredis", lambda f=fields: redis_py_read(text_client, f)),
                    ("valkey-glide", lambda f=fields: glide_read(glide, f)),
                    ("raw loop (C++)", raw_loop(url, "bench:*", "hash", "each", *raw_command)),
                ], args.repeat, n, lambda frame, f=fields: frame.select(f).sort(f))
    publish(lines, args.markdown)


if __name__ == "__main__":
    main()
