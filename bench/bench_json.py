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

import argparse
import json
import sys
from pathlib import Path

import polars as pl
import redis

import polars_redis as pr
from polars_redis.server import RedisStackServer

sys.path.insert(0, str(Path(__file__).parent))
from common import (  # noqa: E402
    comparison_table_rows, comparison_table_start, glide_batch, glide_client, glide_scan_chunks, hiredis_client,
    measure_interleaved, publish, raw_loop, scan_chunks,
)

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
    pipe = client.pipeline(transaction=False)
    for i in range(n):
        pipe.execute_command("JSON.SET", f"bench:{i}", "$", json.dumps(document(i)))
        if i % 5_000 == 4_999:
            pipe.execute()
    pipe.execute()


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
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--url")
    parser.add_argument("--markdown", type=Path, help="write the result table to this file")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    server = None if args.url else RedisStackServer().start()
    url = args.url or server.url
    client = redis.Redis.from_url(url)
    text_client = hiredis_client(url, decode_responses=True)
    glide = glide_client(url)
    lines = comparison_table_start("N documents", args.repeat)
    try:
        for n in args.sizes:
            load(client, n)
            cases = [
                ("all fields", ["$"], lambda: pr.read_json(url, "bench:*", SCHEMA)),
                ("2 projected fields", [f"$.{p}" for p in PROJECTED],
                 lambda: pr.scan_json(url, "bench:*", SCHEMA).select(PROJECTED).collect()),
            ]
            for label, paths, ours in cases:
                results = measure_interleaved(client, [
                    (f"polars-redis, {label}", ours),
                    ("redis-py + hiredis", lambda p=paths: redis_py_read(text_client, p)),
                    ("valkey-glide", lambda p=paths: glide_read(glide, p)),
                    ("raw loop (C++)", raw_loop(url, "bench:*", "ReJSON-RL", "each", "JSON.GET", "{}", *paths)),
                ], args.repeat)
                assert results[3].value == n, results[3].value
                reference = results[1].value
                columns = reference.columns if label == "all fields" else PROJECTED
                for result in results[:3]:
                    assert result.value.height == n, (label, result.label, result.value.height)
                    assert result.value.select(columns).sort("name").equals(reference.select(columns).sort("name")), \
                        (label, result.label)
                lines += comparison_table_rows(f"{n:,}", results)
                print("\n".join(lines[-4:]), flush=True)
    finally:
        glide.close()
        if server is not None:
            server.stop()
    publish(lines, args.markdown)


if __name__ == "__main__":
    main()
