"""The `polars-redis` command line (export to Parquet, import from Parquet) vs the same scripts
written by hand with redis-py + hiredis and with valkey-glide, interleaved in the same run.

export: N hashes x 10 fields -> a Parquet file: `polars-redis export` (run in-process through
main(), so interpreter start-up is not counted) vs SCAN COUNT 1000 TYPE hash + one pipeline of
HGETALL (redis-py + hiredis) or one non-atomic batch (valkey-glide) per round, each round a
pl.DataFrame with the schema, concatenated and written with write_parquet. The three files are
checked to hold the same rows.
import: our Parquet file -> N hashes: `polars-redis import --if-exists append` (HSET) vs
pl.read_parquet + HSET per row in a redis-py pipeline or a glide batch per 10,000 rows, each from
an empty database; the datasets they leave are checked equal to the loaded one (DEBUG DIGEST: the server must allow
DEBUG from this client, as the embedded one does). Server CPU and socket reads / writes alongside.

Usage: python bench/bench_cli.py [--rows 100000 1000000] [--repeat 3] [--url URL] [--markdown FILE]
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

import polars as pl
import redis

from polars_redis.__main__ import main as cli

sys.path.insert(0, str(Path(__file__).parent))
from bench_writes import glide_hashes  # noqa: E402
from common import (  # noqa: E402
    baseline_clients, bench_arguments, glide_hash_frames, hashes_frame, in_pipelines, redis_py_hash_frames,
)
from harness import (  # noqa: E402
    comparison_table_rows, comparison_table_start, measure_interleaved, publish, redis_py_label,
)

SCHEMA = {f"s{i}": pl.String for i in range(5)} | {f"n{i}": pl.Int64 for i in range(5)}
SCHEMA_FLAG = ",".join(f"{name}={dtype}" for name, dtype in SCHEMA.items())


def load(client: redis.Redis, n: int) -> None:
    for pipe, i in in_pipelines(client, range(n)):
        pipe.hset(f"b:{i}", mapping={**{f"s{j}": f"text-{j}-{i}" for j in range(5)},
                                     **{f"n{j}": str(i * (j + 1)) for j in range(5)}})


def peer_export(frames: Iterable[pl.DataFrame], path: Path) -> int:
    """A hand-written export: the frames of a SCAN + pipelined HGETALL read, one write_parquet."""
    frame = hashes_frame(frames)
    frame.write_parquet(path)
    return frame.height


def redis_py_import(client: redis.Redis, path: Path) -> None:
    df = pl.read_parquet(path)
    for pipe, row in in_pipelines(client, df.iter_rows(named=True)):
        key = row.pop("_key")
        pipe.hset(key, mapping={k: str(v) for k, v in row.items() if v is not None})


def main() -> None:
    args = bench_arguments([100_000, 1_000_000], flag="--rows").parse_args()
    lines = comparison_table_start("rows", args.repeat)
    with baseline_clients(args.url, decode_responses=True) as (url, client, text_client, glide), \
            tempfile.TemporaryDirectory() as tmp:
        files = {who: Path(tmp) / f"{who}.parquet" for who in ("ours", "redis-py", "glide")}
        for n in args.rows:
            client.flushall()
            load(client, n)
            export = ["export", url, "--pattern", "b:*", "--schema", SCHEMA_FLAG, "--quiet", "-o", str(files["ours"])]
            results = measure_interleaved(client, [
                ("polars-redis export", lambda: cli(export)),
                (f"{redis_py_label()}: SCAN + HGETALL pipeline per 1000 keys, write_parquet",
                 lambda: peer_export(redis_py_hash_frames(text_client, "b:*", SCHEMA), files["redis-py"])),
                ("valkey-glide: SCAN + HGETALL batch per 1000 keys, write_parquet",
                 lambda: peer_export(glide_hash_frames(glide, "b:*", SCHEMA), files["glide"])),
            ], args.repeat)
            assert [r.value for r in results] == [0, n, n], [r.value for r in results]
            written = {who: pl.read_parquet(path).sort("_key") for who, path in files.items()}
            for who, frame in written.items():
                assert frame.select(written["redis-py"].columns).equals(written["redis-py"]), f"{who}'s export differs"
            lines += print_rows(comparison_table_rows(f"{n:,}", results))

            # Each import starts from an empty database; the dataset before it (first the loaded one,
            # then each import's) is recorded on the way: DEBUG DIGEST, whatever the fields' order.
            imported: list[tuple[int, bytes]] = []

            def empty_database() -> None:
                if client.dbsize():
                    imported.append((client.dbsize(), client.execute_command("DEBUG", "DIGEST")))
                client.flushall()

            imports = ["import", str(files["ours"]), url, "--if-exists", "append", "--quiet"]
            results = measure_interleaved(client, [
                ("polars-redis import --if-exists append", lambda: cli(imports)),
                (f"{redis_py_label()}: read_parquet, HSET pipeline per 10,000 rows",
                 lambda: redis_py_import(text_client, files["ours"])),
                ("valkey-glide: read_parquet, HSET batch per 10,000 rows",
                 lambda: glide_hashes(glide, pl.read_parquet(files["ours"]))),
            ], args.repeat, setup=empty_database)
            empty_database()
            assert results[0].value == 0 and len(imported) == 1 + 3 * args.repeat, imported
            assert set(imported) == {imported[0]} and imported[0][0] == n, f"the imports differ: {imported}"
            lines += print_rows(comparison_table_rows(f"{n:,}", results))
    publish(lines, args.markdown)


def print_rows(rows: list[str]) -> list[str]:
    print("\n".join(rows), flush=True)
    return rows


if __name__ == "__main__":
    main()
