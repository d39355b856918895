"""Predicate pushdown (issue 5): filters answered by a RediSearch index or by key lookups, against
a full scan filtered on the client and a hand-written redis-py baseline, in the same run.

Loads N hashes ``item:{i}`` (price Float64, qty Int64, category one of 50 tags, name two words)
into an embedded Redis Stack (or --url), indexes them (FT.CREATE ... ON HASH PREFIX 1 item:,
qty/price NUMERIC, category TAG, name TEXT) and waits for the index. ``qty`` is a permutation of
0..N-1, so a ``qty`` range of k values selects exactly k rows, spread over the whole key space.
Then, per filter (0.1%, 1%, 10% of the rows by a ``qty`` range; 2% by a TAG equality), times:
  pushdown    scan_hashes(..., search_index=...).filter(f).collect()
  full scan   the same scan without search_index: SCAN + HGETALL of every key, filtered per batch
  redis-py    FT.AGGREGATE ... LOAD 1 @__key WITHCURSOR + one pipeline of HMGET + pl.DataFrame
and checks that all three return the same rows. Then: a query returning 1,000 of 100,000 indexed
documents (a second data set ``doc:{i}`` with its own index; median of --latency-runs runs), and
Tier 1 (no index): ``_key.is_in(1,000 keys)`` against a full scan filtered afterwards.

Usage: python bench/bench_pushdown.py [--quick] [--url URL] [--markdown FILE] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import redis
from polars.testing import assert_frame_equal

import polars_redis as pr

sys.path.insert(0, str(Path(__file__).parent))
from common import redis_stack  # noqa: E402
from harness import machine_description, measure, publish, timed_runs  # noqa: E402

SCHEMA = {"price": pl.Float64, "qty": pl.Int64, "category": pl.String, "name": pl.String}
FIELDS = list(SCHEMA)
CATEGORIES = 50
ADJECTIVES = "red green blue small large heavy light quiet loud bright dark smooth rough soft hard".split()
NOUNS = "chair table lamp kettle phone cable brush bottle basket clock mirror pillow shelf candle".split()
# Multipliers coprime to every N the script uses (powers of ten): i -> (i * M) % N is a permutation.
QTY_STEP = 7919
PRICE_STEP = 104729


def dataset(n: int, prefix: str) -> pl.DataFrame:
    i = pl.int_range(0, n, dtype=pl.Int64, eager=True)
    return pl.DataFrame({
        "_key": prefix + i.cast(pl.String),
        "price": ((i * PRICE_STEP) % 100_000) / 100,
        "qty": (i * QTY_STEP) % n,
        "category": "cat" + ((i * 37) % CATEGORIES).cast(pl.String),
        "name": pl.Series(ADJECTIVES).gather(i % len(ADJECTIVES)) + " "
        + pl.Series(NOUNS).gather((i // len(ADJECTIVES)) % len(NOUNS)),
    })


def load_and_index(client: redis.Redis, url: str, n: int, prefix: str, index: str) -> float:
    """Write n hashes under `prefix`, index them, and return the seconds the indexing took."""
    written = pr.write_hashes(dataset(n, prefix), url, if_exists="append", batch_size=5000)
    assert written == n and client.dbsize() >= n
    start = time.perf_counter()
    client.execute_command(
        "FT.CREATE", index, "ON", "HASH", "PREFIX", 1, prefix, "SCHEMA",
        "qty", "NUMERIC", "price", "NUMERIC", "category", "TAG", "name", "TEXT",
    )
    while True:
        info = client.execute_command("FT.INFO", index)
        fields = dict(zip(info[::2], info[1::2]))
        if int(fields[b"indexing"]) == 0:
            break
        time.sleep(0.2)
    assert int(fields[b"num_docs"]) == n, fields[b"num_docs"]
    assert int(fields[b"hash_indexing_failures"]) == 0
    return time.perf_counter() - start


def hmget_frame(client: redis.Redis, keys: list[bytes]) -> pl.DataFrame:
    """What a user writes by hand: one pipeline of HMGET, then a DataFrame from Python lists."""
    pipe = client.pipeline(transaction=False)
    for key in keys:
        pipe.hmget(key, *FIELDS)
    values = pipe.execute()
    return pl.DataFrame({
        "_key": [k.decode() for k in keys],
        "price": [float(v[0]) for v in values],
        "qty": [int(v[1]) for v in values],
        "category": [v[2].decode() for v in values],
        "name": [v[3].decode() for v in values],
    }, schema={"_key": pl.String, **SCHEMA})


def redis_py_search(client: redis.Redis, index: str, query: str) -> pl.DataFrame:
    """FT.AGGREGATE with a cursor (pages of 1,000 keys, no giant reply), then HMGET."""
    keys: list[bytes] = []
    reply = client.execute_command("FT.AGGREGATE", index, query, "LOAD", 1, "@__key", "DIALECT", 2,
                                   "WITHCURSOR", "COUNT", 1000)
    while True:
        rows, cursor = reply
        # rows = [count, [b"__key", key], ...]
        keys.extend(row[1] for row in rows[1:])
        if cursor == 0:
            break
        reply = client.execute_command("FT.CURSOR", "READ", index, cursor, "COUNT", 1000)
    return hmget_frame(client, keys)


def same_rows(frame: pl.DataFrame, expected: pl.DataFrame, rows: int, label: str) -> None:
    assert frame.height == rows, (label, frame.height, rows)
    assert_frame_equal(frame.select(expected.columns).sort("_key"), expected.sort("_key"))


def row(filter_label: str, rows: int, reader: str, wall: float, cpu: float, reference: float) -> str:
    ratio = "1.0x" if wall == reference else f"{wall / reference:.1f}x"
    return (f"| {filter_label} | {rows:,} | {reader} | {wall * 1e3:.1f} | {cpu * 1e3:.1f} | "
            f"{wall / cpu:.2f} | {ratio} |")


def latency(client: redis.Redis, work: Callable[[], Any], runs: int) -> tuple[float, float, float, Any]:
    """Median and minimum wall seconds over `runs` runs, median server CPU seconds, last result."""
    walls, cpus, result = timed_runs([client], work, runs)
    return statistics.median(walls), min(walls), statistics.median(cpu for cpu, in cpus), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="100K items instead of 1M (development)")
    parser.add_argument("--url")
    parser.add_argument("--markdown", type=Path, help="write the result tables to this file")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--latency-runs", type=int, default=15)
    args = parser.parse_args()
    n = 100_000 if args.quick else 1_000_000
    small = 100_000

    lines: list[str] = []
    with redis_stack(args.url) as url:
        client = redis.Redis.from_url(url, protocol=2)  # the reply shapes parsed below are RESP2's
        client.flushall()
        items_seconds = load_and_index(client, url, n, "item:", "idx:items")
        docs_seconds = load_and_index(client, url, small, "doc:", "idx:docs")
        lines += [
            f"Machine: {machine_description()}; Polars {pl.__version__}; server and client on the same host.",
            f"Indexing {n:,} items took {items_seconds:.1f} s, {small:,} docs {docs_seconds:.1f} s "
            "(FT.CREATE until FT.INFO indexing = 0).",
            "",
            f"### Tier 2: RediSearch pushdown over {n:,} hashes (medians of {args.repeat} runs)",
            "",
            "| filter | rows | reader | wall ms | server CPU ms | wall / server CPU | wall / pushdown wall |",
            "|---|---:|---|---:|---:|---:|---:|",
        ]
        indexed = pr.scan_hashes(url, "item:*", SCHEMA, search_index="idx:items")
        unindexed = pr.scan_hashes(url, "item:*", SCHEMA)
        start = n // 3  # the ranges sit in the middle of qty's domain: both bounds matter
        cases = []
        for share, label in ((1000, "0.1%"), (100, "1%"), (10, "10%")):
            k = n // share
            cases.append((f"qty in [{start}, {start + k}) ({label})",
                          pl.col("qty").is_between(start, start + k, closed="left"),
                          f"@qty:[{start} ({start + k}]", k))
        cases.append(("category == 'cat7' (2%, TAG)", pl.col("category") == "cat7", "@category:{cat7}",
                      n // CATEGORIES))
        speedups = {}
        for label, predicate, query, rows in cases:
            base_wall, base_cpu, expected = measure(client, lambda: redis_py_search(client, "idx:items", query),
                                                    args.repeat)
            assert expected.height == rows, (label, expected.height)
            wall, cpu, frame = measure(client, lambda: indexed.filter(predicate).collect(), args.repeat)
            same_rows(frame, expected, rows, label)
            scan_wall, scan_cpu, scanned = measure(client, lambda: unindexed.filter(predicate).collect(),
                                                   args.repeat)
            same_rows(scanned, expected, rows, label)
            speedups[label] = scan_wall / wall
            lines += [
                row(label, rows, "polars-redis, pushdown (search_index)", wall, cpu, wall),
                row("", rows, "polars-redis, full SCAN + client filter", scan_wall, scan_cpu, wall),
                row("", rows, "redis-py, FT.AGGREGATE cursor + HMGET pipeline", base_wall, base_cpu, wall),
            ]
            print("\n".join(lines[-3:]), flush=True)

        lines += [
            "",
            f"### Tier 2: 1,000 rows out of {small:,} indexed documents "
            f"(median and best of {args.latency_runs} runs)",
            "",
            "| reader | median wall ms | best wall ms | median server CPU ms | wall / server CPU |",
            "|---|---:|---:|---:|---:|",
        ]
        low = small // 2
        docs = pr.scan_hashes(url, "doc:*", SCHEMA, search_index="idx:docs")
        doc_filter = pl.col("qty").is_between(low, low + 1000, closed="left")
        doc_query = f"@qty:[{low} ({low + 1000}]"
        base = latency(client, lambda: redis_py_search(client, "idx:docs", doc_query), args.latency_runs)
        ours = latency(client, lambda: docs.filter(doc_filter).collect(), args.latency_runs)
        same_rows(ours[3], base[3], 1000, "1K of 100K")
        for reader, (median_wall, best_wall, cpu, _) in (
            ("polars-redis, pushdown (search_index)", ours),
            ("redis-py, FT.AGGREGATE cursor + HMGET pipeline", base),
        ):
            lines.append(f"| {reader} | {median_wall * 1e3:.1f} | {best_wall * 1e3:.1f} | {cpu * 1e3:.1f} | "
                         f"{median_wall / cpu:.2f} |")
        print("\n".join(lines[-2:]), flush=True)

        lines += [
            "",
            f"### Tier 1: `_key.is_in(1,000 keys)` over {n:,} hashes, no index (medians of {args.repeat} runs)",
            "",
            "| reader | wall ms | server CPU ms | wall / server CPU | wall / pushdown wall |",
            "|---|---:|---:|---:|---:|",
        ]
        # 1,000 distinct keys spread over the key space (997 is coprime to n).
        wanted = [f"item:{(t * 997) % n}" for t in range(1000)]
        key_filter = pl.col("_key").is_in(wanted)
        base_wall, base_cpu, expected = measure(client, lambda: hmget_frame(client, [k.encode() for k in wanted]),
                                                args.repeat)
        wall, cpu, frame = measure(client, lambda: unindexed.filter(key_filter).collect(), args.repeat)
        same_rows(frame, expected, 1000, "is_in")
        scan_wall, scan_cpu, scanned = measure(client, lambda: unindexed.collect().filter(key_filter), args.repeat)
        same_rows(scanned, expected, 1000, "is_in, full scan")
        for reader, (w, c) in (
            ("polars-redis, `filter(_key.is_in(...))` (HGETALL of those keys)", (wall, cpu)),
            ("polars-redis, full scan, then `filter` on the frame", (scan_wall, scan_cpu)),
            ("redis-py, HMGET pipeline of the same keys", (base_wall, base_cpu)),
        ):
            ratio = "1.0x" if w == wall else f"{w / wall:.1f}x"
            lines.append(f"| {reader} | {w * 1e3:.1f} | {c * 1e3:.1f} | {w / c:.2f} | {ratio} |")
        print("\n".join(lines[-3:]), flush=True)
        lines += ["", "Pushdown speed-up over the full scan (wall): "
                  + ", ".join(f"{label}: {s:.0f}x" for label, s in speedups.items()) + "."]
    publish(lines, args.markdown)


if __name__ == "__main__":
    main()
