"""Downsample sensor time series on the server.

A day of per-minute temperatures for six sensors in two facilities is written to RedisTimeSeries
with labels. One sensor is read as hourly averages (TS.RANGE AGGREGATION), and every sensor of a
region is averaged per facility (TS.MRANGE GROUPBY/REDUCE): only the buckets leave Redis.

    python examples/timeseries_downsampling.py [REDIS_URL]
"""

from __future__ import annotations

import math
import sys
from datetime import datetime, timedelta, timezone

import polars as pl

import polars_redis as pr
from polars_redis.server import RedisStackServer

START = datetime(2026, 1, 1, tzinfo=timezone.utc)
MINUTE_MS = 60_000
HOUR_MS = 60 * MINUTE_MS


def write_sensors(url: str) -> None:
    start_ms = int(START.timestamp() * 1000)
    for facility in ("oslo", "bergen"):
        for n in range(3):
            minutes = range(24 * 60)
            samples = pl.DataFrame({
                "_ts": [start_ms + m * MINUTE_MS for m in minutes],
                "value": [(20 if facility == "oslo" else 15) + 5 * math.sin(m / 240) + n for m in minutes],
            })
            pr.write_timeseries(samples, url, f"sensor:{facility}:{n}",
                                labels={"region": "norway", "type": "temperature", "facility": facility})


def main(url: str) -> None:
    write_sensors(url)

    hourly = pr.scan_timeseries(url, "sensor:oslo:0", start=START, end=START + timedelta(days=1),
                                aggregation="avg", bucket_size_ms=HOUR_MS).collect()
    hourly = hourly.with_columns(pl.from_epoch("_ts", time_unit="ms"))
    print(hourly.head(5))
    assert hourly.height == 24

    per_facility = (
        pr.scan_timeseries_multi(url, ["region=norway", "type=temperature"], aggregation="avg",
                                 bucket_size_ms=6 * HOUR_MS, group_by="facility", reducer="avg")
        .with_columns(pl.from_epoch("_ts", time_unit="ms").alias("time"))
        .collect()
        .pivot(on="facility", index="time", values="value")
        .sort("time")
    )
    print(per_facility)
    assert per_facility.height == 4


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(sys.argv[1])
    else:
        with RedisStackServer() as server:
            main(server.url)
