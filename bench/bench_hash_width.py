"""A schema naming a few fields of wider hashes: what HGETALL and HMGET cost the server, and
read_hashes against redis-py + hiredis and the raw C++ loop.

For each width P (fields per hash), loads N hashes of P text fields into an embedded Redis Stack
(or --url), then measures, interleaved in the same run:
  the raw C++ loop (bench/raw_loop) reading every hash by HGETALL, and by HMGET of 2 and of P / 2
  fields: the server's CPU for each command shape,
  polars-redis read_hashes with a schema of 2 fields (HGETALL for the first keys, then HMGET once
  the hashes prove at least twice as wide as the schema),
  redis-py + hiredis: SCAN, one pipeline of HMGET of the schema's fields per round, pl.DataFrame.
The frames of polars-redis and redis-py are checked to be identical.

Usage: python bench/bench_hash_width.py [--widths 5 10 20 40] [--rows 100000] [--url URL] [--markdown FILE]
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl
import redis

import polars_redis as pr

sys.path.insert(0, str(Path(__file__).parent))
from common import baseline_clients, bench_arguments, in_pipelines, raw_loop, scan_chunks  # noqa: E402
from harness import compared_rows, comparison_table_start, measure_interleaved, publish  # noqa: E402

SCHEMA_FIELDS = ["f0", "f1"]


def load(client: redis.Redis, n: int, width: int) -> None:
    client.flushall()
    for pipe, i in in_pipelines(client, range(n)):
        pipe.hset(f"bench:{i}", mapping={f"f{j}": f"value {i} {j}" for j in range(width)})


def redis_py_read(client: redis.Redis) -> pl.DataFrame:
    """SCAN, one pipeline of HMGET of the schema's fields per SCAN round, pl.DataFrame."""
    columns: dict[str, list] = {"_key": [], **{f: [] for f in SCHEMA_FIELDS}}
    for keys in scan_chunks(client, "bench:*", "hash"):
        pipe = client.pipeline(transaction=False)
        for key in keys:
            pipe.hmget(key, SCHEMA_FIELDS)
        columns["_key"].extend(keys)
        for values in pipe.execute():
            for field, value in zip(SCHEMA_FIELDS, values):
                columns[field].append(value)
    return pl.DataFrame(columns, schema={"_key": pl.String, **{f: pl.String for f in SCHEMA_FIELDS}})


def command_costs(client: redis.Redis, url: str, n: int, width: int, repeat: int) -> str:
    """One table row: the server's CPU per hash for HGETALL and for HMGET of 2 and P / 2 fields."""
    shapes = [("HGETALL", ("HGETALL", "{}"))] + [
        (f"HMGET {s}", ("HMGET", "{}", *[f"f{j}" for j in range(s)])) for s in sorted({2, max(1, width // 2)})]
    results = measure_interleaved(client, [(label, raw_loop(url, "bench:*", "hash", "each", *command))
                                           for label, command in shapes], repeat)
    whole = results[0].cpu
    cells = [f"{r.cpu * 1e6 / n:.2f} us ({r.cpu / whole:.2f})" for r in results]
    if len(cells) == 2:  # width 4 or less: P / 2 is 2
        cells.append(cells[1])
    return f"| {width} | " + " | ".join(cells) + " |"


def main() -> None:
    parser = bench_arguments(None)
    parser.add_argument("--widths", type=int, nargs="+", default=[5, 10, 20, 40])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    n = args.rows
    costs = [f"Server CPU per hash over {n:,} hashes by reading command (in brackets: against HGETALL), "
             f"medians of {args.repeat} interleaved runs of the raw loop:", "",
             "| fields per hash (P) | HGETALL | HMGET of 2 fields | HMGET of P / 2 fields |", "|---:|---:|---:|---:|"]
    reads = comparison_table_start("fields per hash", args.repeat)
    with baseline_clients(args.url, decode_responses=True) as (url, client, text_client, _glide):
        schema = {f: pl.String for f in SCHEMA_FIELDS}
        for width in args.widths:
            load(client, n, width)
            costs.append(command_costs(client, url, n, width, args.repeat))
            reads += compared_rows(client, f"{width}", [
                ("polars-redis, schema of 2 fields", lambda: pr.read_hashes(url, "bench:*", schema)),
                ("redis-py + hiredis, HMGET of 2 fields", lambda: redis_py_read(text_client)),
                ("raw loop (C++), HMGET of 2 fields", raw_loop(url, "bench:*", "hash", "each", "HMGET", "{}",
                                                               *SCHEMA_FIELDS)),
            ], args.repeat, n, lambda frame: frame.select("_key", *SCHEMA_FIELDS).sort("_key"))
    publish(costs + [""] + [f"read_hashes of {n:,} hashes with a schema of 2 fields:", ""] + reads, args.markdown)


if __name__ == "__main__":
    main()
