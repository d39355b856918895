"""What a read costs another client, unbounded and with a scan budget (max_server_share).

Starts a Redis Stack server (modules off: plain hashes), loads N hashes x 10 fields with a
server-side script, then a separate process sends GET at 1 kHz throughout while this one runs, in
turn: nothing (idle), read_hashes unbounded, read_hashes with each budget, and the full read of
the peers a user would otherwise pick: redis-py + hiredis and valkey-glide (sync), each SCAN COUNT
1000 with one pipeline / batch of HGETALL per round and a pl.DataFrame with the schema (as in
bench_hashes.py). Reports the GET latency p50 / p99 / max of each phase and the read's wall time,
as a Markdown table; every read's frame is checked equal to the unbounded one.

Usage: python bench/bench_budget.py [--keys 1000000] [--shares 0.5 0.25] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import polars as pl
import redis

import polars_redis as pr
from polars_redis.server import RedisStackServer

sys.path.insert(0, str(Path(__file__).parent))
from bench_hashes import FIELDS, glide_read, redis_py_read  # noqa: E402
from bench_snapshots import LOAD_SCRIPT, SCHEMA, percentile  # noqa: E402
from common import baseline_versions, glide_client, hiredis_client  # noqa: E402
from harness import publish, redis_py_label, table_start  # noqa: E402

RATE_HZ = 1000


def probe(url: str, stop: multiprocessing.Event, out: multiprocessing.Queue) -> None:
    """Another client: one GET every millisecond (on schedule, not back to back) until told to
    stop; hands over the latencies in ms."""
    client = redis.Redis.from_url(url)
    client.set("probe", "x")
    latencies = []
    next_send = time.perf_counter()
    while not stop.is_set():
        now = time.perf_counter()
        if now < next_send:
            time.sleep(next_send - now)
        next_send += 1 / RATE_HZ
        start = time.perf_counter()
        client.get("probe")
        latencies.append((time.perf_counter() - start) * 1e3)
        next_send = max(next_send, time.perf_counter())  # a late GET does not cause a burst of them
    out.put(latencies)


def with_probe(url: str, work: Callable[[], Any]) -> tuple[float, list[float], Any]:
    """Wall seconds and result of `work`, and the probe's latencies meanwhile."""
    stop, out = multiprocessing.Event(), multiprocessing.Queue()
    process = multiprocessing.Process(target=probe, args=(url, stop, out))
    process.start()
    time.sleep(0.5)  # the probe is connected and on schedule
    start = time.perf_counter()
    result = work()
    wall = time.perf_counter() - start
    stop.set()
    latencies = out.get()
    process.join()
    return wall, latencies, result


def run(n: int, shares: list[float], lines: list[str]) -> None:
    with RedisStackServer(modules=()) as server, closing(glide_client(server.url)) as glide:
        url = server.url
        text_client = hiredis_client(url, decode_responses=True)
        client = redis.Redis.from_url(url, socket_timeout=600)
        for start in range(0, n, 20000):
            client.eval(LOAD_SCRIPT, 0, start, min(start + 20000, n))
        pr.read_hashes(url, "bench:*", SCHEMA)  # warm: pooled connections, allocator

        _, idle, _ = with_probe(url, lambda: time.sleep(3))
        phases: list[tuple[str, Callable[[], pl.DataFrame]]] = [
            ("unbounded (default)", lambda: pr.read_hashes(url, "bench:*", SCHEMA))]
        for share in shares:
            phases.append((f"max_server_share={share:g}",
                           lambda share=share: pr.read_hashes(url, "bench:*", SCHEMA, max_server_share=share)))
        phases += [(f"{redis_py_label()}: SCAN + HGETALL pipeline per 1000 keys",
                    lambda: redis_py_read(text_client, FIELDS)),
                   ("valkey-glide: SCAN + HGETALL batch per 1000 keys", lambda: glide_read(glide, FIELDS))]
        results = []
        unbounded = None
        for label, read in phases:
            wall, latencies, frame = with_probe(url, read)
            frame = frame.sort("_key")
            unbounded = frame if unbounded is None else unbounded
            assert frame.height == n and frame.select(unbounded.columns).equals(unbounded), (label, frame.height)
            results.append((label, wall, latencies))
        lines.append(f"| {n:,} | idle (probe only) | | {percentile(idle, 50):.3f} | {percentile(idle, 99):.3f} | "
                     f"{max(idle):.2f} | {len(idle):,} |")
        base = results[0][1]
        for label, wall, latencies in results:
            lines.append(f"| {n:,} | {label} | {wall:.2f} ({base / wall:.2f}x) | {percentile(latencies, 50):.3f} | "
                         f"{percentile(latencies, 99):.3f} | {max(latencies):.2f} | {len(latencies):,} |")



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keys", type=int, default=1_000_000)
    parser.add_argument("--shares", type=float, nargs="+", default=[0.5, 0.25])
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args()
    lines = table_start("hashes", "read", "scan wall s (speed vs unbounded)", "GET p50 ms", "GET p99 ms", "GET max ms",
                        "GETs", note=f"; Polars {pl.__version__}; {baseline_versions()}.")
    run(args.keys, args.shares, lines)
    publish(lines, args.markdown)


if __name__ == "__main__":
    main()
