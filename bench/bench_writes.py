"""write_hashes / write_json / write_strings vs redis-py pipelines, with the server's CPU time.

Writes N rows x 10 columns (strings, ints, floats, booleans) in each mode, then the same rows with
a redis-py pipeline (HSET mapping / JSON.SET / SET per row, transaction=False), in the same run.
Usage: python bench/bench_writes.py [--rows 100000 1000000] [--url URL] [--markdown FILE]
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
from polars_redis.writers.writes import write_hashes, write_json, write_strings

sys.path.insert(0, str(Path(__file__).parent))
from common import baseline_versions, glide_batch, glide_client, hiredis_client, machine_description, measure, publish  # noqa: E402


def frame(n: int) -> pl.DataFrame:
    return pl.DataFrame({
        "_key": [f"w:{i}" for i in range(n)],
        "f0": [f"name-{i}" for i in range(n)], "f1": list(range(n)), "f2": [i * 0.5 for i in range(n)],
        "f3": [f"city-{i % 100}" for i in range(n)], "f4": [i % 1000 for i in range(n)],
        "f5": [i % 2 == 0 for i in range(n)], "f6": [f"user{i}@example.com" for i in range(n)],
        "f7": [i / 7 for i in range(n)], "f8": [-i for i in range(n)], "f9": ["some longer text value"] * n,
    })


def redis_py_hashes(client: redis.Redis, df: pl.DataFrame) -> None:
    pipe = client.pipeline(transaction=False)
    for i, row in enumerate(df.iter_rows(named=True)):
        key = row.pop("_key")
        pipe.hset(key, mapping={k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in row.items()})
        if i % 10_000 == 9_999:
            pipe.execute()
    pipe.execute()


def redis_py_json(client: redis.Redis, df: pl.DataFrame) -> None:
    pipe = client.pipeline(transaction=False)
    for i, row in enumerate(df.iter_rows(named=True)):
        key = row.pop("_key")
        pipe.execute_command("JSON.SET", key, "$", json.dumps(row))
        if i % 10_000 == 9_999:
            pipe.execute()
    pipe.execute()


def redis_py_strings(client: redis.Redis, df: pl.DataFrame) -> None:
    pipe = client.pipeline(transaction=False)
    for i, (key, value) in enumerate(zip(df["_key"], df["value"])):
        pipe.set(key, value)
        if i % 10_000 == 9_999:
            pipe.execute()
    pipe.execute()


def glide_hashes(client, df: pl.DataFrame) -> None:
    """HSET per row in non-atomic glide batches of 10,000 rows."""
    rows = df.iter_rows(named=True)
    while True:
        chunk = [row for _, row in zip(range(10_000), rows)]
        if not chunk:
            return

        def fill(batch, chunk=chunk):
            for row in chunk:
                key = row.pop("_key")
                batch.hset(key, {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in row.items()})
        glide_batch(client, fill)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--url")
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args()
    server = None if args.url else RedisStackServer().start()
    url = args.url or server.url
    client = hiredis_client(url)
    glide = glide_client(url)
    lines = [
        f"Machine: {machine_description()}; Polars {pl.__version__}; {baseline_versions()}; server and client on "
        "the same host.",
        "",
        "| rows | writer | wall ms | server CPU ms | wall / server CPU | vs baseline |",
        "|---:|---|---:|---:|---:|---:|",
    ]

    def run(label: str, work: object, n: int) -> tuple[float, float]:
        # Each write starts from an empty database; emptying it is not part of the measurement.
        wall, cpu, _ = measure(client, work, repeat=1 if n >= 1_000_000 else 3, setup=client.flushall)  # type: ignore[arg-type]
        return wall, cpu

    try:
        for n in args.rows:
            df = frame(n)
            strings = df.select("_key", pl.col("f0").alias("value"))
            cases = [
                ("hashes, append (HSET)", lambda: write_hashes(df, url, if_exists="append"), lambda: redis_py_hashes(client, df)),
                ("hashes, append (HSET), vs valkey-glide", lambda: write_hashes(df, url, if_exists="append"),
                 lambda: glide_hashes(glide, df)),
                ("hashes, replace (MULTI/DEL/HSET/EXEC)", lambda: write_hashes(df, url), None),
                ("hashes, fail (check + script per 1000)", lambda: write_hashes(df, url, if_exists="fail"), None),
                ("JSON, replace", lambda: write_json(df, url), lambda: redis_py_json(client, df)),
                ("strings, append (SET KEEPTTL)", lambda: write_strings(strings, url, if_exists="append"),
                 lambda: redis_py_strings(client, strings)),
            ]
            for label, ours, baseline in cases:
                wall, cpu = run(label, ours, n)
                if baseline is not None:
                    base_wall, base_cpu = run(label, baseline, n)
                    versus = f"{base_wall / wall:.1f}x faster"
                else:
                    versus = ""
                lines.append(f"| {n:,} | polars-redis, {label} | {wall * 1e3:.0f} | {cpu * 1e3:.0f} | {wall / cpu:.2f} | {versus} |")
                if baseline is not None:
                    who = "valkey-glide batch" if "glide" in label else "redis-py + hiredis pipeline"
                    lines.append(f"| {n:,} | {who}, same writes | {base_wall * 1e3:.0f} | {base_cpu * 1e3:.0f} | "
                                 f"{base_wall / base_cpu:.2f} | 1.0x |")
                print("\n".join(lines[-2:]), flush=True)
    finally:
        glide.close()
        if server is not None:
            server.stop()
    publish(lines, args.markdown)


if __name__ == "__main__":
    main()
