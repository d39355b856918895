"""write_hashes / write_json / write_strings vs redis-py pipelines, with the server's CPU time.

Writes N rows x 10 columns (strings, ints, floats, booleans) in each mode, then the same rows with
a redis-py pipeline (HSET mapping / JSON.SET / SET per row, transaction=False), in the same run.
Usage: python bench/bench_writes.py [--rows 100000 1000000] [--url URL] [--markdown FILE]
"""

from __future__ import annotations

import json
import sys
from contextlib import closing
from pathlib import Path

import polars as pl
import redis

from polars_redis import write_hashes, write_json, write_strings

sys.path.insert(0, str(Path(__file__).parent))
from common import (  # noqa: E402
    baseline_versions, bench_arguments, glide_batch, glide_client, hiredis_client, in_pipelines, redis_stack,
)
from harness import measure, publish, reader_row, table_start  # noqa: E402


def frame(n: int) -> pl.DataFrame:
    return pl.DataFrame({
        "_key": [f"w:{i}" for i in range(n)],
        "f0": [f"name-{i}" for i in range(n)], "f1": list(range(n)), "f2": [i * 0.5 for i in range(n)],
        "f3": [f"city-{i % 100}" for i in range(n)], "f4": [i % 1000 for i in range(n)],
        "f5": [i % 2 == 0 for i in range(n)], "f6": [f"user{i}@example.com" for i in range(n)],
        "f7": [i / 7 for i in range(n)], "f8": [-i for i in range(n)], "f9": ["some longer text value"] * n,
    })


def redis_py_hashes(client: redis.Redis, df: pl.DataFrame) -> None:
    for pipe, row in in_pipelines(client, df.iter_rows(named=True)):
        key = row.pop("_key")
        pipe.hset(key, mapping={k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in row.items()})


def redis_py_json(client: redis.Redis, df: pl.DataFrame) -> None:
    for pipe, row in in_pipelines(client, df.iter_rows(named=True)):
        key = row.pop("_key")
        pipe.execute_command("JSON.SET", key, "$", json.dumps(row))


def redis_py_strings(client: redis.Redis, df: pl.DataFrame) -> None:
    for pipe, (key, value) in in_pipelines(client, zip(df["_key"], df["value"])):
        pipe.set(key, value)


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
    args = bench_arguments([100_000, 1_000_000], flag="--rows", markdown_help=None, repeat=None).parse_args()
    lines = table_start("rows", "writer", "wall ms", "server CPU ms", "wall / server CPU", "vs baseline",
                        note=f"; Polars {pl.__version__}; {baseline_versions()}; server and client on the same host.")
    with redis_stack(args.url) as url, closing(glide_client(url)) as glide:
        client = hiredis_client(url)

        def run(label: str, work: object, n: int) -> tuple[float, float]:
            # Each write starts from an empty database; emptying it is not part of the measurement.
            wall, cpu, _ = measure(client, work, repeat=1 if n >= 1_000_000 else 3, setup=client.flushall)  # type: ignore[arg-type]
            return wall, cpu

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
                lines.append(reader_row(n, f"polars-redis, {label}", wall, cpu, versus, digits=0))
                if baseline is not None:
                    who = "valkey-glide batch" if "glide" in label else "redis-py + hiredis pipeline"
                    lines.append(reader_row(n, f"{who}, same writes", base_wall, base_cpu, "1.0x", digits=0))
                print("\n".join(lines[-2:]), flush=True)
    publish(lines, args.markdown)


if __name__ == "__main__":
    main()
