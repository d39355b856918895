"""scan_stream vs redis-py, with the server's own CPU time as the floor.

Loads one stream of N entries x 4 fields into an embedded Redis Stack (or --url), then times in
the same run:
  polars-redis read_stream (all 4 fields; only _id and one field),
  redis-py XRANGE paged with COUNT + pl.DataFrame (the hand-written baseline),
and reports each one's wall time, the server CPU seconds it caused, and this process's own CPU
seconds (all threads): on a shared machine the wall time moves with other load, the CPU times
much less.

Usage: python bench/bench_streams.py [--sizes 100000 1000000] [--url URL] [--markdown FILE]
"""

from __future__ import annotations

import resource
import statistics
import sys
from pathlib import Path

import polars as pl
import redis

import polars_redis as pr

sys.path.insert(0, str(Path(__file__).parent))
from common import bench_arguments, in_pipelines, redis_stack  # noqa: E402
from harness import measure, publish, reader_row, repeat_for, table_start  # noqa: E402

KEY = "bench:events"
SCHEMA = {"action": pl.String, "page": pl.String, "duration_ms": pl.Int64, "score": pl.Float64}
PAGE = 1000


def load(client: redis.Redis, n: int) -> None:
    client.flushall()
    for pipe, i in in_pipelines(client, range(n)):
        pipe.xadd(KEY, {"action": ("view", "click", "buy")[i % 3], "page": f"/page/{i % 500}",
                        "duration_ms": str(i % 10_000), "score": str(i / 7)})


def xrange_pages(client: redis.Redis) -> list:
    """Every entry with redis-py, paged like ours (exclusive continuation IDs)."""
    entries, start = [], "-"
    while True:
        page = client.xrange(KEY, start, "+", count=PAGE)
        entries += page
        if len(page) < PAGE:
            return entries
        start = b"(" + page[-1][0]


def redis_py_all(client: redis.Redis) -> pl.DataFrame:
    entries = xrange_pages(client)
    ids = [e[0].decode() for e in entries]
    return pl.DataFrame({
        "_id": ids,
        "_ts": [int(i.split("-", 1)[0]) for i in ids],
        "action": [e[1][b"action"].decode() for e in entries],
        "page": [e[1][b"page"].decode() for e in entries],
        "duration_ms": [int(e[1][b"duration_ms"]) for e in entries],
        "score": [float(e[1][b"score"]) for e in entries],
    })


def redis_py_two(client: redis.Redis) -> pl.DataFrame:
    entries = xrange_pages(client)
    return pl.DataFrame({"_id": [e[0].decode() for e in entries],
                         "duration_ms": [int(e[1][b"duration_ms"]) for e in entries]})


def client_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)  # every thread of this process
    return usage.ru_utime + usage.ru_stime


def with_client_cpu(work, spent: list[float]):
    """`work`, recording the CPU seconds this process spends in each call."""
    def run():
        start = client_cpu_seconds()
        result = work()
        spent.append(client_cpu_seconds() - start)
        return result
    return run


def main() -> None:
    args = bench_arguments([100_000, 1_000_000]).parse_args()
    lines = table_start("N entries", "reader", "wall ms", "server CPU ms", "client CPU ms", "wall / server CPU",
                        "vs redis-py", note=f"; Polars {pl.__version__}; server and client on the same host; "
                        f"XRANGE pages of {PAGE} entries for both readers.")
    with redis_stack(args.url) as url:
        client = redis.Redis.from_url(url)
        for n in args.sizes:
            load(client, n)
            repeat = repeat_for(n, args.repeat)
            cases = [
                ("all 4 fields", lambda: pr.read_stream(url, KEY, SCHEMA, page_size=PAGE),
                 lambda: redis_py_all(client)),
                ("_id + 1 field", lambda: pr.scan_stream(url, KEY, SCHEMA, page_size=PAGE)
                 .select("_id", "duration_ms").collect(), lambda: redis_py_two(client)),
            ]
            for label, ours, baseline in cases:
                ours_cpu: list[float] = []
                base_cpu_client: list[float] = []
                wall, cpu, frame = measure(client, with_client_cpu(ours, ours_cpu), repeat)
                assert frame.height == n, (label, frame.height)
                base_wall, base_cpu, base_frame = measure(client, with_client_cpu(baseline, base_cpu_client), repeat)
                assert base_frame.height == n
                assert frame.select(base_frame.columns).equals(base_frame), label
                lines += [
                    reader_row(n, f"polars-redis, {label}", wall, cpu, f"{base_wall / wall:.1f}x faster",
                               client_cpu=statistics.median(ours_cpu) * 1e3),
                    reader_row(n, f"redis-py, {label}", base_wall, base_cpu, "1.0x",
                               client_cpu=statistics.median(base_cpu_client) * 1e3),
                ]
                print("\n".join(lines[-2:]), flush=True)
    publish(lines, args.markdown)


if __name__ == "__main__":
    main()
