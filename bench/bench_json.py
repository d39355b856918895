"""scan_json / read_json vs redis-py, with the server's own CPU time as the floor.

Loads N nested JSON documents (a struct with a nested struct, a list of strings, a list of
structs, scalars) into an embedded Redis Stack (or --url), then times in the same run:
  polars-redis read_json (all fields: JSON.GET key $; 2 projected fields: JSON.GET key $.a $.b),
  redis-py SCAN + pipelined JSON.GET + json.loads + pl.DataFrame (the hand-written baseline),
and reports each one's wall time and the server CPU seconds it caused.

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
from common import comparison_rows, machine_description, measure, publish  # noqa: E402

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


def redis_py_all(client: redis.Redis) -> pl.DataFrame:
    keys = list(client.scan_iter(match="bench:*", count=1000, _type="ReJSON-RL"))
    pipe = client.pipeline(transaction=False)
    for key in keys:
        pipe.execute_command("JSON.GET", key, "$")
    rows = [json.loads(reply)[0] for reply in pipe.execute()]
    frame = pl.DataFrame(rows, schema=SCHEMA)
    return frame.with_columns(pl.Series("_key", [k.decode() for k in keys]))


def redis_py_two(client: redis.Redis) -> pl.DataFrame:
    keys = list(client.scan_iter(match="bench:*", count=1000, _type="ReJSON-RL"))
    pipe = client.pipeline(transaction=False)
    for key in keys:
        pipe.execute_command("JSON.GET", key, "$.name", "$.age")
    replies = [json.loads(reply) for reply in pipe.execute()]
    return pl.DataFrame({"name": [r["$.name"][0] for r in replies], "age": [r["$.age"][0] for r in replies]},
                        schema={"name": pl.String, "age": pl.Int64})


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
    lines = [
        f"Machine: {machine_description()}; Polars {pl.__version__}; server and client on the same host.",
        "",
        "| N documents | reader | wall ms | server CPU ms | wall / server CPU | vs redis-py |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    try:
        for n in args.sizes:
            load(client, n)
            cases = [
                ("all fields", lambda: pr.read_json(url, "bench:*", SCHEMA), lambda: redis_py_all(client)),
                ("2 projected fields", lambda: pr.scan_json(url, "bench:*", SCHEMA).select("name", "age").collect(),
                 lambda: redis_py_two(client)),
            ]
            for label, ours, baseline in cases:
                wall, cpu, frame = measure(client, ours, args.repeat)
                assert frame.height == n, (label, frame.height)
                base_wall, base_cpu, base_frame = measure(client, baseline, args.repeat)
                assert base_frame.height == n
                # Same content as the baseline, whatever the row order.
                key = "_key" if "_key" in base_frame.columns else "name"
                assert frame.select(base_frame.columns).sort(key).equals(base_frame.sort(key)), label
                lines += comparison_rows(n, label, wall, cpu, base_wall, base_cpu)
                print("\n".join(lines[-2:]), flush=True)
    finally:
        if server is not None:
            server.stop()
    publish(lines, args.markdown)


if __name__ == "__main__":
    main()
