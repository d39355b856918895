"""scan_timeseries / scan_timeseries_multi vs redis-py, with the server's own CPU time as the floor.

Loads RedisTimeSeries data into an embedded Redis Stack (or --url), then times in the same run:
  polars-redis read_timeseries / read_timeseries_multi,
  redis-py ``r.ts().range`` / ``r.ts().mrange`` + pl.DataFrame (the hand-written baseline),
for: 1 series x 1M points raw and aggregated to 1K buckets; 100 series x 10K points; and the
spec table's sizes (1 series x 100K points, raw and aggregated to 100 buckets; 100 series x 1K
points). Each row reports wall time and the server CPU time the read caused.

Usage: python bench/bench_timeseries.py [--url URL] [--markdown FILE] [--repeat 5] [--quick]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polars as pl
import redis

import polars_redis as pr
from polars_redis.server import RedisStackServer

sys.path.insert(0, str(Path(__file__).parent))
from common import machine_description, measure, publish  # noqa: E402

START = 1_700_000_000_000  # epoch ms of the first sample; one sample per second


def load_series(client: redis.Redis, key: str, points: int, labels: dict[str, str]) -> None:
    client.ts().create(key, labels=labels)
    pipe = client.pipeline(transaction=False)
    for i in range(0, points, 10_000):
        pipe.ts().madd([(key, START + j * 1000, (j * 37 % 1000) / 8) for j in range(i, min(points, i + 10_000))])
        if i % 200_000 == 190_000:
            pipe.execute()
    pipe.execute()


def baseline_range(client: redis.Redis, key: str, **kwargs) -> pl.DataFrame:
    samples = client.ts().range(key, "-", "+", **kwargs)
    return pl.DataFrame(samples, schema={"_ts": pl.Int64, "value": pl.Float64}, orient="row")


def baseline_mrange(client: redis.Redis, filters: list[str]) -> pl.DataFrame:
    keys, timestamps, values = [], [], []
    for entry in client.ts().mrange("-", "+", filters):
        (name, (_, samples)), = entry.items()
        keys.extend([name] * len(samples))
        for ts, value in samples:
            timestamps.append(ts)
            values.append(value)
    return pl.DataFrame({"_ts": timestamps, "value": values, "_key": keys},
                        schema={"_ts": pl.Int64, "value": pl.Float64, "_key": pl.String})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url")
    parser.add_argument("--markdown", type=Path, help="write the result table to this file")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="skip the 1M-point and 100 x 10K cases")
    args = parser.parse_args()

    server = None if args.url else RedisStackServer().start()
    url = args.url or server.url
    client = redis.Redis.from_url(url)
    client.flushall()
    lines = [
        f"Machine: {machine_description()}; Polars {pl.__version__}; server and client on the same host; "
        f"median of {args.repeat} runs. Baseline: redis-py {redis.__version__} (RESP2) + pl.DataFrame.",
        "",
        "| case | rows | reader | wall ms | server CPU ms | wall / server CPU | vs redis-py |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]

    def bench(label: str, ours, baseline, rows: int) -> None:
        wall, cpu, frame = measure(client, ours, args.repeat)
        assert frame.height == rows, (label, frame.height)
        base_wall, base_cpu, base_frame = measure(client, baseline, args.repeat)
        assert base_frame.height == rows, (label, base_frame.height)
        assert frame.select("_ts", "value").equals(base_frame.select("_ts", "value")), label
        lines.append(f"| {label} | {rows:,} | polars-redis | {wall * 1e3:.1f} | {cpu * 1e3:.1f} | "
                     f"{wall / cpu:.2f} | {base_wall / wall:.1f}x faster |")
        lines.append(f"| {label} | {rows:,} | redis-py | {base_wall * 1e3:.1f} | {base_cpu * 1e3:.1f} | "
                     f"{base_wall / base_cpu:.2f} | 1.0x |")
        print("\n".join(lines[-2:]), flush=True)

    try:
        load_series(client, "bench:100k", 100_000, {"set": "single"})
        bench("1 series x 100K points, raw", lambda: pr.read_timeseries(url, "bench:100k"),
              lambda: baseline_range(client, "bench:100k"), 100_000)
        bench("1 series x 100K points -> 100 buckets (avg)",
              lambda: pr.read_timeseries(url, "bench:100k", aggregation="avg", bucket_size_ms=1_000_000),
              lambda: baseline_range(client, "bench:100k", aggregation_type="avg", bucket_size_msec=1_000_000), 100)
        for i in range(100):
            load_series(client, f"bench:small:{i}", 1_000, {"set": "small"})
        bench("100 series x 1K points (multi)", lambda: pr.read_timeseries_multi(url, ["set=small"]),
              lambda: baseline_mrange(client, ["set=small"]), 100_000)
        if not args.quick:
            load_series(client, "bench:1m", 1_000_000, {"set": "big"})
            bench("1 series x 1M points, raw", lambda: pr.read_timeseries(url, "bench:1m"),
                  lambda: baseline_range(client, "bench:1m"), 1_000_000)
            bench("1 series x 1M points -> 1K buckets (avg)",
                  lambda: pr.read_timeseries(url, "bench:1m", aggregation="avg", bucket_size_ms=1_000_000),
                  lambda: baseline_range(client, "bench:1m", aggregation_type="avg", bucket_size_msec=1_000_000),
                  1_000)
            for i in range(100):
                load_series(client, f"bench:mid:{i}", 10_000, {"set": "mid"})
            bench("100 series x 10K points (multi)", lambda: pr.read_timeseries_multi(url, ["set=mid"]),
                  lambda: baseline_mrange(client, ["set=mid"]), 1_000_000)
    finally:
        if server is not None:
            server.stop()
    publish(lines, args.markdown)


if __name__ == "__main__":
    main()
