"""scan_timeseries / scan_timeseries_multi vs redis-py, with the server's own CPU time as the floor.

Loads RedisTimeSeries data into an embedded Redis Stack (or --url), then times in the same run:
  polars-redis read_timeseries / read_timeseries_multi,
  redis-py + hiredis ``r.ts().range`` / ``r.ts().mrange`` + pl.DataFrame with a schema, valkey-glide
  (TS.RANGE as a custom command) and, for raw ranges, the raw C++ loop (bench/raw_loop: TS.RANGE
  pages of 100K samples into plain buffers),
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
from common import (  # noqa: E402
    comparison_table_rows, comparison_table_start, glide_client, hiredis_client, measure_interleaved, publish,
    raw_loop,
)

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


def glide_range(client, key: str, *args: str) -> pl.DataFrame:
    samples = client.custom_command(["TS.RANGE", key, "-", "+", *args])
    return pl.DataFrame([(int(ts), float(v)) for ts, v in samples], schema={"_ts": pl.Int64, "value": pl.Float64},
                        orient="row")


def glide_mrange(client, filters: list[str]) -> pl.DataFrame:
    keys, timestamps, values = [], [], []
    reply = client.custom_command(["TS.MRANGE", "-", "+", "FILTER", *filters])
    entries = reply.items() if isinstance(reply, dict) else ((e[0], e) for e in reply)
    for name, entry in entries:
        samples = entry[-1]
        name = name.decode() if isinstance(name, bytes) else name
        keys.extend([name] * len(samples))
        for ts, value in samples:
            timestamps.append(int(ts))
            values.append(float(value))
    return pl.DataFrame({"_ts": timestamps, "value": values, "_key": keys},
                        schema={"_ts": pl.Int64, "value": pl.Float64, "_key": pl.String})


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
    text_client = hiredis_client(url)
    glide = glide_client(url)
    client.flushall()
    lines = comparison_table_start("case", args.repeat)

    def bench(label: str, ours, baseline, glide_baseline, rows: int, raw_key: str | None = None) -> None:
        contenders = [("polars-redis", ours), ("redis-py + hiredis", baseline), ("valkey-glide", glide_baseline)]
        if raw_key:
            contenders.append(("raw loop (C++)", raw_loop(url, raw_key, "-", "range", count=100_000)))
        results = measure_interleaved(client, contenders, args.repeat)
        for result in results[:3]:
            assert result.value.height == rows, (label, result.label, result.value.height)
            assert result.value.select("_ts", "value").sort("_ts").equals(
                results[0].value.select("_ts", "value").sort("_ts")), (label, result.label)
        if raw_key:
            assert results[3].value == rows, results[3].value
        lines.extend(comparison_table_rows(f"{label}, {rows:,} rows", results))
        print("\n".join(lines[-len(results):]), flush=True)

    avg = ("AGGREGATION", "avg", "1000000")
    try:
        load_series(client, "bench:100k", 100_000, {"set": "single"})
        bench("1 series x 100K points, raw", lambda: pr.read_timeseries(url, "bench:100k"),
              lambda: baseline_range(text_client, "bench:100k"), lambda: glide_range(glide, "bench:100k"),
              100_000, "bench:100k")
        bench("1 series x 100K points -> 100 buckets (avg)",
              lambda: pr.read_timeseries(url, "bench:100k", aggregation="avg", bucket_size_ms=1_000_000),
              lambda: baseline_range(text_client, "bench:100k", aggregation_type="avg", bucket_size_msec=1_000_000),
              lambda: glide_range(glide, "bench:100k", *avg), 100)
        for i in range(100):
            load_series(client, f"bench:small:{i}", 1_000, {"set": "small"})
        bench("100 series x 1K points (multi)", lambda: pr.read_timeseries_multi(url, ["set=small"]),
              lambda: baseline_mrange(text_client, ["set=small"]), lambda: glide_mrange(glide, ["set=small"]),
              100_000)
        if not args.quick:
            load_series(client, "bench:1m", 1_000_000, {"set": "big"})
            bench("1 series x 1M points, raw", lambda: pr.read_timeseries(url, "bench:1m"),
                  lambda: baseline_range(text_client, "bench:1m"), lambda: glide_range(glide, "bench:1m"),
                  1_000_000, "bench:1m")
            bench("1 series x 1M points -> 1K buckets (avg)",
                  lambda: pr.read_timeseries(url, "bench:1m", aggregation="avg", bucket_size_ms=1_000_000),
                  lambda: baseline_range(text_client, "bench:1m", aggregation_type="avg", bucket_size_msec=1_000_000),
                  lambda: glide_range(glide, "bench:1m", *avg), 1_000)
            for i in range(100):
                load_series(client, f"bench:mid:{i}", 10_000, {"set": "mid"})
            bench("100 series x 10K points (multi)", lambda: pr.read_timeseries_multi(url, ["set=mid"]),
                  lambda: baseline_mrange(text_client, ["set=mid"]), lambda: glide_mrange(glide, ["set=mid"]),
                  1_000_000)
    finally:
        glide.close()
        if server is not None:
            server.stop()
    publish(lines, args.markdown)


if __name__ == "__main__":
    main()
