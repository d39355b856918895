"""The `polars-redis` command line (export to Parquet, import from Parquet) vs redis-py + Polars.

export: N hashes x 10 fields -> a Parquet file, `polars-redis export` (run in-process through
main(), so interpreter start-up is not counted) vs redis-py (SCAN + pipelined HGETALL per 1000
keys) building a pl.DataFrame and writing it with write_parquet.
import: the same Parquet file -> N hashes, `polars-redis import --if-exists append` (HSET) vs
pl.read_parquet + a redis-py HSET pipeline per 10000 rows. Same run, same server, server CPU time
alongside. Usage: python bench/bench_cli.py [--rows 100000 1000000] [--url URL] [--markdown FILE]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import polars as pl
import redis

from polars_redis.__main__ import main as cli

sys.path.insert(0, str(Path(__file__).parent))
from common import bench_arguments, in_pipelines, redis_stack  # noqa: E402
from harness import comparison_rows, measure, publish, versus_redis_py_table  # noqa: E402

SCHEMA = {f"s{i}": pl.String for i in range(5)} | {f"n{i}": pl.Int64 for i in range(5)}
SCHEMA_FLAG = ",".join(f"{name}={dtype}" for name, dtype in SCHEMA.items())


def load(client: redis.Redis, n: int) -> None:
    for pipe, i in in_pipelines(client, range(n)):
        pipe.hset(f"b:{i}", mapping={**{f"s{j}": f"text-{j}-{i}" for j in range(5)},
                                     **{f"n{j}": str(i * (j + 1)) for j in range(5)}})


def redis_py_export(client: redis.Redis, path: Path) -> int:
    rows: list[dict[str, str | None]] = []
    keys: list[bytes] = []

    def fetch() -> None:
        pipe = client.pipeline(transaction=False)
        for key in keys:
            pipe.hgetall(key)
        for key, fields in zip(keys, pipe.execute()):
            row: dict[str, str | None] = {"_key": key.decode()}
            row.update({name: fields.get(name.encode(), b"").decode() or None for name in SCHEMA})
            rows.append(row)
        keys.clear()

    for key in client.scan_iter(match="b:*", count=1000):
        keys.append(key)
        if len(keys) == 1000:
            fetch()
    fetch()
    df = pl.DataFrame(rows, schema={"_key": pl.String, **{name: pl.String for name in SCHEMA}})
    df = df.with_columns(pl.col(name).cast(dtype) for name, dtype in SCHEMA.items() if dtype != pl.String)
    df.write_parquet(path)
    return df.height


def redis_py_import(client: redis.Redis, path: Path) -> None:
    df = pl.read_parquet(path)
    for pipe, row in in_pipelines(client, df.iter_rows(named=True)):
        key = row.pop("_key")
        pipe.hset(key, mapping={k: str(v) for k, v in row.items() if v is not None})


def main() -> None:
    args = bench_arguments([100_000, 1_000_000], flag="--rows", markdown_help=None, repeat=None).parse_args()
    lines = versus_redis_py_table("rows", f"; Polars {pl.__version__}; server and client on the same host.", "run")
    with redis_stack(args.url) as url:
        client = redis.Redis.from_url(url)
        with tempfile.TemporaryDirectory() as tmp:
            ours_file, base_file = Path(tmp) / "ours.parquet", Path(tmp) / "base.parquet"
            for n in args.rows:
                repeat = 1 if n >= 1_000_000 else 3
                client.flushall()
                load(client, n)
                export = ["export", url, "--pattern", "b:*", "--schema", SCHEMA_FLAG, "--quiet", "-o", str(ours_file)]
                wall, cpu, code = measure(client, lambda: cli(export), repeat=repeat)
                base_wall, base_cpu, height = measure(client, lambda: redis_py_export(client, base_file), repeat=repeat)
                assert code == 0 and height == n
                ours, theirs = pl.read_parquet(ours_file).sort("_key"), pl.read_parquet(base_file).sort("_key")
                assert ours.equals(theirs.select(ours.columns)), "the two exports differ"
                lines += comparison_rows(n, "export hashes -> Parquet", wall, cpu, base_wall, base_cpu)
                print("\n".join(lines[-2:]), flush=True)

                imports = ["import", str(ours_file), url, "--if-exists", "append", "--quiet"]
                wall, cpu, code = measure(client, lambda: cli(imports), repeat=repeat, setup=client.flushall)
                assert code == 0 and client.dbsize() == n
                base_wall, base_cpu, _ = measure(client, lambda: redis_py_import(client, ours_file), repeat=repeat,
                                                 setup=client.flushall)
                lines += comparison_rows(n, "import Parquet -> hashes", wall, cpu, base_wall, base_cpu)
                print("\n".join(lines[-2:]), flush=True)
    publish(lines, args.markdown)


if __name__ == "__main__":
    main()
