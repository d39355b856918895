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

import sys
from pathlib import Path

import polars as pl
import redis

import polars_redis as pr

sys.path.insert(0, str(Path(__file__).parent))
from common import baseline_clients, bench_arguments, in_pipelines, raw_loop  # noqa: E402
from harness import compared_rows, comparison_table_start, publish  # noqa: E402

START = 1_700_000_000_000  # epoch ms of the first sample; one sample per second
BUCKET_MS = 1_000_000
# Per size: the single series (key, points, its "set" label, the size's name, its bucket count's
# name), then the 100 series read together ("set" label, points each, their size's name).
SIZES = [
    ("bench:100k", 100_000, "single", "100K", "100", "small", 1_000, "1K"),
    ("bench:1m", 1_000_000, "big", "1M", "1K", "mid", 10_000, "10K"),
]


def load_series(client: redis.Redis, key: str, points: int, labels: dict[str, str]) -> None:
    client.ts().create(key, labels=labels)
    for pipe, i in in_pipelines(client, range(0, points, 10_000), every=20):
        pipe.ts().madd([(key, START + j * 1000, (j * 37 % 1000) / 8) for j in range(i, min(points, i + 10_000))])


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
    parser = bench_arguments(None, repeat=5)
    parser.add_argument("--quick", action="store_true", help="skip the 1M-point and 100 x 10K cases")
    args = parser.parse_args()
    lines = comparison_table_start("case", args.repeat)
    with baseline_clients(args.url) as (url, client, text_client, glide):
        client.flushall()

        def bench(label: str, ours, baseline, glide_baseline, rows: int, raw_key: str | None = None) -> None:
            contenders = [("polars-redis", ours), ("redis-py + hiredis", baseline), ("valkey-glide", glide_baseline)]
            if raw_key:
                contenders.append(("raw loop (C++)", raw_loop(url, raw_key, "-", "range", count=100_000)))
            lines.extend(compared_rows(client, f"{label}, {rows:,} rows", contenders, args.repeat, rows,
                                       lambda frame: frame.select("_ts", "value").sort("_ts")))

        avg = ("AGGREGATION", "avg", str(BUCKET_MS))
        for key, points, single, size, buckets, group, group_points, group_size in SIZES[:1 if args.quick else 2]:
            load_series(client, key, points, {"set": single})
            bench(f"1 series x {size} points, raw", lambda: pr.read_timeseries(url, key),
                  lambda: baseline_range(text_client, key), lambda: glide_range(glide, key), points, key)
            bench(f"1 series x {size} points -> {buckets} buckets (avg)",
                  lambda: pr.read_timeseries(url, key, aggregation="avg", bucket_size_ms=BUCKET_MS),
                  lambda: baseline_range(text_client, key, aggregation_type="avg", bucket_size_msec=BUCKET_MS),
                  lambda: glide_range(glide, key, *avg), points * 1000 // BUCKET_MS)
            for i in range(100):
                load_series(client, f"bench:{group}:{i}", group_points, {"set": group})
            bench(f"100 series x {group_size} points (multi)", lambda: pr.read_timeseries_multi(url, [f"set={group}"]),
                  lambda: baseline_mrange(text_client, [f"set={group}"]), lambda: glide_mrange(glide, [f"set={group}"]),
                  100 * group_points)
    publish(lines, args.markdown)


if __name__ == "__main__":
    main()
