"""Peak RSS while streaming N hashes into a Parquet file: polars-redis sink_parquet beside the
bounded-memory way of writing it with redis-py + hiredis and with valkey-glide.

Each contender runs in a fresh interpreter (so ru_maxrss covers that stream alone), interleaved
over --repeat rounds:
  polars-redis: scan_hashes(...).sink_parquet(row_group_size=50_000),
  redis-py + hiredis: SCAN COUNT 1000 TYPE hash, one pipeline of HGETALL per round, each round a
  pl.DataFrame with the schema, appended with pyarrow's ParquetWriter in row groups of 50,000 rows
  (the idiomatic bounded-memory way: one row group held at a time),
  valkey-glide (sync): the same with a non-atomic Batch per round.
Reports each one's wall time and RSS growth (peak during the stream minus the peak before it,
which covers the imports, the connection and a warm-up Parquet write), beside the size of the
whole frame. Every file is checked to hold the same rows. The peers need pyarrow.

Usage: python bench/bench_streaming_memory.py [--rows 1000000] [--repeat 1] [--url URL] [--markdown FILE]
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl

import polars_redis as pr

sys.path.insert(0, str(Path(__file__).parent))
from common import (  # noqa: E402
    baseline_versions, bench_arguments, glide_client, glide_hash_frames, hiredis_client, in_pipelines,
    parquet_stream, redis_py_hash_frames, redis_stack,
)
from harness import publish, redis_py_label, table_start  # noqa: E402

VALUE = "v" * 90
SCHEMA = {f"f{j}": pl.String for j in range(10)}
ROW_GROUP = 50_000
WARM = pl.DataFrame({"warm": [1]})


def ours(url: str, out: Path) -> tuple[Callable[[Path], object], Callable[[], object]]:
    lf = pr.scan_hashes(url, "m:*", SCHEMA)
    return (lambda warm: WARM.lazy().sink_parquet(warm),
            lambda: lf.sink_parquet(out, row_group_size=ROW_GROUP))


def redis_py(url: str, out: Path) -> tuple[Callable[[Path], object], Callable[[], object]]:
    client = hiredis_client(url, decode_responses=True)
    client.ping()
    return (lambda warm: parquet_stream([WARM], warm),
            lambda: parquet_stream(redis_py_hash_frames(client, "m:*", SCHEMA), out, ROW_GROUP))


def glide(url: str, out: Path) -> tuple[Callable[[Path], object], Callable[[], object]]:
    client = glide_client(url)
    client.ping()
    return (lambda warm: parquet_stream([WARM], warm),
            lambda: parquet_stream(glide_hash_frames(client, "m:*", SCHEMA), out, ROW_GROUP))


CONTENDERS = [
    ("polars-redis, scan_hashes().sink_parquet", ours),
    (f"{redis_py_label()}, SCAN + HGETALL pipeline per 1000 keys, ParquetWriter", redis_py),
    ("valkey-glide, SCAN + HGETALL batch per 1000 keys, ParquetWriter", glide),
]


def child(index: int, url: str, out: Path) -> None:
    """In the fresh interpreter: connect and warm up, then stream; prints the RSS peaks and wall."""
    warm, stream = CONTENDERS[index][1](url, out)
    warm(out.with_suffix(".warm"))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    stream()
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"before_kb": before, "after_kb": after, "seconds": seconds}))


def main() -> None:
    parser = bench_arguments(None, repeat=1)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--child", nargs=3, help="internal: run one contender (index, url, output file)")
    args = parser.parse_args()
    if args.child:
        child(int(args.child[0]), args.child[1], Path(args.child[2]))
        return

    lines = table_start("rows", "writer", "whole frame MiB", "RSS before MiB", "RSS growth MiB", "wall s",
                        note=f"; Polars {pl.__version__}; {baseline_versions()}; server and client on the same "
                        f"host; medians of {args.repeat} interleaved runs, each in a fresh interpreter.")
    with redis_stack(args.url) as url, tempfile.TemporaryDirectory() as tmp:
        client = hiredis_client(url)
        client.flushall()
        for pipe, i in in_pipelines(client, range(args.rows)):
            pipe.hset(f"m:{i}", mapping={f"f{j}": f"{VALUE}{i}" for j in range(10)})
        runs: list[list[dict]] = [[] for _ in CONTENDERS]
        files = [Path(tmp) / f"out{index}.parquet" for index in range(len(CONTENDERS))]
        for _ in range(args.repeat):
            for index, out in enumerate(files):
                result = subprocess.run([sys.executable, __file__, "--child", str(index), url, str(out)],
                                        capture_output=True, text=True)
                if result.returncode:
                    raise RuntimeError(f"{CONTENDERS[index][0]} failed:\n{result.stderr}")
                runs[index].append(json.loads(result.stdout.strip().splitlines()[-1]))
        frames = [pl.read_parquet(out).sort("_key") for out in files]
    first = frames[0]
    assert first.height == args.rows, first.height
    for (label, _), frame in zip(CONTENDERS, frames):
        assert frame.select(first.columns).equals(first), f"{label} wrote other rows"
    size = first.estimated_size() / 2**20
    for (label, _), samples in zip(CONTENDERS, runs):
        before = statistics.median(s["before_kb"] for s in samples) / 1024
        growth = statistics.median(s["after_kb"] - s["before_kb"] for s in samples) / 1024
        seconds = statistics.median(s["seconds"] for s in samples)
        lines.append(f"| {args.rows:,} | {label} | {size:,.0f} | {before:,.0f} | {growth:,.0f} | {seconds:.2f} |")
    publish(lines, args.markdown)


if __name__ == "__main__":
    main()
