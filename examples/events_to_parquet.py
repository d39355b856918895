"""Export an event stream to Parquet.

Click events are appended to the Redis stream ``events:web``; the last hour is read back as a
LazyFrame (paged XRANGE, bounded memory) and streamed into a Parquet file, then summarised.

    python examples/events_to_parquet.py [REDIS_URL] [OUTPUT.parquet]
"""

from __future__ import annotations

import random
import sys
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl

import polars_redis as pr
from polars_redis.server import RedisStackServer

SCHEMA = {"user": pl.String, "action": pl.String, "duration_ms": pl.Int64}


def append_events(url: str, n: int = 20_000) -> None:
    rng = random.Random(11)
    events = pl.DataFrame({
        "user": [f"u{rng.randint(1, 300)}" for _ in range(n)],
        "action": [rng.choice(["view", "click", "add_to_cart", "checkout"]) for _ in range(n)],
        "duration_ms": [rng.randint(5, 5000) for _ in range(n)],
    })
    pr.write_stream(events, url, "events:web")  # XADD with server-assigned IDs (now)


def main(url: str, output: Path) -> None:
    append_events(url)
    last_hour = pr.scan_stream(url, "events:web", SCHEMA, start_time=datetime.now() - timedelta(hours=1))
    last_hour.sink_parquet(output)

    exported = pl.read_parquet(output)
    print(f"{exported.height} events written to {output}")
    print(
        exported.group_by("action")
        .agg(pl.len().alias("events"), pl.col("user").n_unique().alias("users"),
             pl.col("duration_ms").median().alias("median_ms"))
        .sort("events", descending=True)
    )
    assert exported.height == 20_000


if __name__ == "__main__":
    output = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("events.parquet")
    if len(sys.argv) > 1:
        main(sys.argv[1], output)
    else:
        with RedisStackServer() as server:
            main(server.url, output)
