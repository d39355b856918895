"""scan_json / read_json vs redis-py + hiredis, valkey-glide and the raw C++ loop, with the server's CPU.

Loads N nested JSON documents (a struct with a nested struct, a list of strings, a list of
structs, scalars) into an embedded Redis Stack (or --url), then times in the same run:
  polars-redis read_json (all fields: JSON.GET key $; 2 projected fields: JSON.GET key $.a $.b),
  redis-py + hiredis: SCAN COUNT 1000, one pipeline of JSON.GET per round + json.loads +
  pl.DataFrame with a schema; valkey-glide (sync): the same shape; the raw C++ loop (bench/raw_loop):
  SCAN then the round's JSON.GETs pipelined into plain buffers, no JSON parsing,
and reports each one's wall time, server CPU and socket reads / writes, interleaved.

Usage: python bench/bench_json.py [--sizes 10000 100000] [--url URL] [--markdown FILE]
"""

from __future__ import annotations

import json
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

SCHEMA = {
    "name": pl.String,
    "age": pl.Int64,
    "email": pl.String,
    "active": pl.Boolean,
    "score": pl.Float64,
    "address": pl.Struct({"city": pl.String, "zip": pl.String,
                          "geo": pl.Struct({"lat": pl.Float64, "lon": pl.Float64})}),
    "tags": pl.List(pl.String),
    "orders": pl.List(pl.Struct({"sku": pl.String, "qty": pl.Int64, "price": pl.Float64})),
}


def document(i: int) -> dict:
    return {
        "name": f"user-{i}", "age": 18 + i % 60, "email": f"user{i}@example.com", "active": i % 2 == 0,
        "score": i / 7, "address": {"city": f"city-{i % 100}", "zip": f"{i % 99999:05d}",
                                    "geo": {"lat": (i % 180) - 90.5, "lon": (i % 360) - 180.25}},
        "tags": [f"tag{j}" for j in range(i % 4)],
        "orders": [{"sku": f"sku-{i}-{j}", "qty": j + 1, "price": 9.99 * (j + 1)} for j in range(i % 3)],
    }


def load(client: redis.Redis, n: int) -> None:
    client.flushall()
    for pipe, i in in_pipelines(client, range(n), every=5_000):
        pipe.execute_command("JSON.SET", f"bench:{i}", "$", json.dumps(document(i)))


PROJECTED = ["name", "age"]


def json_gets(fetch_round, paths: list[str]) -> pl.DataFrame:
    """Rows from each round's JSON.GET replies: whole documents, or the projected paths."""
    keys, rows = [], []
    for round_keys, replies in fetch_round:
        keys.extend(k.decode() if isinstance(k, bytes) else k for k in round_keys)
        if paths == ["$"]:
            rows.extend(json.loads(reply)[0] for reply in replies)
        else:
            for reply in replies:
                parsed = json.loads(reply)
                rows.append({p: parsed[f"$.{p}"][0] for p in PROJECTED})
    schema = SCHEMA if paths == ["$"] else {p: SCHEMA[p] for p in PROJECTED}
    return pl.DataFrame(rows, schema=schema).with_columns(pl.Series("_key", keys))


def redis_py_read(client: redis.Redis, paths: list[str]) -> pl.DataFrame:
    def rounds():
        for keys in scan_chunks(client, "bench:*", "ReJSON-RL"):
            pipe = client.pipeline(transaction=False)
            for key in keys:
                pipe.execute_command("JSON.GET", key, *paths)
            yield keys, pipe.execute()
    return json_gets(rounds(), paths)


def glide_read(client, paths: list[str]) -> pl.DataFrame:
    from glide_sync import ObjectType

    def rounds():
        for keys in glide_scan_chunks(client, "bench:*", ObjectType.JSON if hasattr(ObjectType, "JSON") else None):
            yield keys, glide_batch(client, lambda b: [b.custom_command(["JSON.GET", k, *paths]) for k in keys])
    return json_gets(rounds(), paths)


def main() -> None:
    args = bench_arguments([10_000, 100_000]).parse_args()
    lines = comparison_table_start("N documents", args.repeat)
    with baseline_clients(args.url, decode_responses=True) as (url, client, text_client, glide):
        for n in args.sizes:
            load(client, n)
            cases = [
                ("all fields", ["$"], [*SCHEMA, "_key"], lambda: pr.read_json(url, "bench:*", SCHEMA)),
                ("2 projected fields", [f"$.{p}" for p in PROJECTED], PROJECTED,
                 lambda: pr.scan_json(url, "bench:*", SCHEMA).select(PROJECTED).collect()),
            ]
            for label, paths, columns, ours in cases:
                lines += compared_rows(client, f"{n:,}", [
                    (f"polars-redis, {label}", ours),
                    ("redis-py + hiredis", lambda p=paths: redis_py_read(text_client, p)),
                    ("valkey-glide", lambda p=paths: glide_read(glide, p)),
                    ("raw loop (C++)", raw_loop(url, "bench:*", "ReJSON-RL", "each", "JSON.GET", "{}", *paths)),
                ], args.repeat, n, lambda frame, c=columns: frame.select(c).sort("name"))
    publish(lines, args.markdown)


if __name__ == "__main__":
    main()
