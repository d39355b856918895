"""Peak RSS while streaming N hashes into sink_parquet, against the size of the whole frame.

Runs the scan in a fresh interpreter so ru_maxrss covers that scan alone.
Usage: python bench/bench_streaming_memory.py [--rows 1000000] [--url URL]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import polars as pl
import redis

from polars_redis.server import RedisStackServer

VALUE = "v" * 90


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--url")
    args = parser.parse_args()
    server = None if args.url else RedisStackServer().start()
    url = args.url or server.url
    client = redis.Redis.from_url(url)
    client.flushall()
    pipe = client.pipeline(transaction=False)
    for i in range(args.rows):
        pipe.hset(f"m:{i}", mapping={f"f{j}": f"{VALUE}{i}" for j in range(10)})
        if i % 10_000 == 9_999:
            pipe.execute()
    pipe.execute()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.parquet"
        script = textwrap.dedent(f"""
            import json, resource, time, polars as pl, polars_redis as pr
            lf = pr.scan_hashes({url!r}, "m:*", {{f"f{{j}}": pl.String for j in range(10)}})
            pl.DataFrame({{"warm": [1]}}).lazy().sink_parquet({str(Path(tmp) / "warm.parquet")!r})
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            start = time.perf_counter()
            lf.sink_parquet({str(out)!r}, row_group_size=50_000)
            seconds = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            print(json.dumps({{"before_kb": before, "after_kb": after, "seconds": seconds}}))
        """)
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
        rss = json.loads(result.stdout.strip().splitlines()[-1])
        frame = pl.read_parquet(out)
        assert frame.height == args.rows
        size = frame.estimated_size()
    if server is not None:
        server.stop()
    growth = (rss["after_kb"] - rss["before_kb"]) / 1024
    print(f"| {args.rows:,} | {size / 2**20:,.0f} MiB | {rss['before_kb'] / 1024:,.0f} MiB | "
          f"{growth:,.0f} MiB | {rss['seconds']:.1f} s |")


if __name__ == "__main__":
    main()
