"""Predicate pushdown (issue 5): filters answered by a RediSearch index or by key lookups, against
a full scan filtered on the client and the hand-written baselines of redis-py + hiredis and
valkey-glide, interleaved round by round in the same run.

Loads N hashes ``item:{i}`` (price Float64, qty Int64, category one of 50 tags, name two words)
into an embedded Redis Stack (or --url), indexes them (FT.CREATE ... ON HASH PREFIX 1 item:,
qty/price NUMERIC, category TAG, name TEXT) and waits for the index. ``qty`` is a permutation of
0..N-1, so a ``qty`` range of k values selects exactly k rows, spread over the whole key space.
Then, per filter (0.1%, 1%, 10% of the rows by a ``qty`` range; 2% by a TAG equality), times:
  pushdown            scan_hashes(..., search_index=...).filter(f).collect()
  full scan           the same scan without search_index: SCAN + HGETALL of every key, filtered per batch
  redis-py + hiredis  FT.AGGREGATE ... LOAD 1 @__key WITHCURSOR COUNT 1000 (RESP3, decoding in
                      hiredis) + one pipeline of HMGET + pl.DataFrame with our schema (Polars casts)
  valkey-glide        the same with glide (sync; RESP2, the only form of FT.AGGREGATE replies it
                      converts) and one non-atomic Batch of HMGET
and checks that all four return the same rows. Then: a query returning 1,000 of 100,000 indexed
documents (a second data set ``doc:{i}`` with its own index; median and best of --latency-runs
interleaved runs), and Tier 1 (no index): ``_key.is_in(1,000 keys)`` against a full scan filtered
afterwards and both baselines' HMGET of the same keys.

Usage: python bench/bench_pushdown.py [--quick] [--url URL] [--markdown FILE] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import polars as pl
import redis
from polars.testing import assert_frame_equal

import polars_redis as pr

sys.path.insert(0, str(Path(__file__).parent))
from common import (  # noqa: E402
    baseline_clients, baseline_versions, glide_hmget_rows, glide_search_cursor_rows, hmget_rows, search_cursor_rows,
)
from harness import Result, machine_description, measure_interleaved, publish  # noqa: E402

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
        fields = dict(zip(info[::2], info[1::2])) if isinstance(info, list) else info  # RESP2 or RESP3
        if int(fields[b"indexing"]) == 0:
            break
        time.sleep(0.2)
    assert int(fields[b"num_docs"]) == n, fields[b"num_docs"]
    assert int(fields[b"hash_indexing_failures"]) == 0
    return time.perf_counter() - start


def hmget_frame(keys: list[str], values: list[list[str]]) -> pl.DataFrame:
    """HMGET replies (text) -> our frame: a DataFrame of text columns cast to the schema."""
    columns = {"_key": keys, **{f: [v[i] for v in values] for i, f in enumerate(FIELDS)}}
    frame = pl.DataFrame(columns, schema={name: pl.String for name in columns})
    return frame.with_columns(pl.col(f).cast(SCHEMA[f]) for f in FIELDS)


def search_keys(query: str) -> tuple[str, ...]:
    return (query, "LOAD", "1", "@__key", "DIALECT", "2")


def redis_py_search(client: redis.Redis, index: str, query: str) -> pl.DataFrame:
    """FT.AGGREGATE with a cursor (pages of 1,000 keys, no giant reply), then HMGET."""
    keys = [row["__key"] for row in search_cursor_rows(client, index, *search_keys(query))]
    return hmget_frame(keys, hmget_rows(client, keys, FIELDS))


def glide_search(client, index: str, query: str) -> pl.DataFrame:
    keys = [row["__key"] for row in glide_search_cursor_rows(client, index, *search_keys(query))]
    return hmget_frame(keys, glide_hmget_rows(client, keys, FIELDS))


def same_rows(frame: pl.DataFrame, expected: pl.DataFrame, rows: int, label: str) -> None:
    assert frame.height == rows, (label, frame.height, rows)
    assert_frame_equal(frame.select(expected.columns).sort("_key"), expected.sort("_key"))


def row(filter_label: str, rows: int, reader: str, wall: float, cpu: float, reference: float) -> str:
    ratio = "1.0x" if wall == reference else f"{wall / reference:.1f}x"
    return (f"| {filter_label} | {rows:,} | {reader} | {wall * 1e3:.1f} | {cpu * 1e3:.1f} | "
            f"{wall / cpu:.2f} | {ratio} |")


def checked(results: list[Result], rows: int, label: str) -> list[Result]:
    """`results`, once every frame is checked to hold the redis-py + hiredis frame's `rows` rows."""
    expected = next(r.value for r in results if r.label.startswith("redis-py + hiredis"))
    for result in results:
        same_rows(result.value, expected, rows, f"{label}: {result.label}")
    return results


def main() -> None:
    from glide_sync import ProtocolVersion

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
    with baseline_clients(args.url, glide_protocol=ProtocolVersion.RESP2, protocol=3,
                          decode_responses=True) as (url, client, text_client, glide):
        client.flushall()
        items_seconds = load_and_index(client, url, n, "item:", "idx:items")
        docs_seconds = load_and_index(client, url, small, "doc:", "idx:docs")
        lines += [
            f"Machine: {machine_description()}; Polars {pl.__version__}; {baseline_versions()}; server and client "
            "on the same host.",
            f"Indexing {n:,} items took {items_seconds:.1f} s, {small:,} docs {docs_seconds:.1f} s "
            "(FT.CREATE until FT.INFO indexing = 0).",
            "",
            f"### Tier 2: RediSearch pushdown over {n:,} hashes (medians of {args.repeat} interleaved runs)",
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
            pushdown, scan, *baselines = checked(measure_interleaved(client, [
                ("polars-redis, pushdown (search_index)", lambda: indexed.filter(predicate).collect()),
                ("polars-redis, full SCAN + client filter", lambda: unindexed.filter(predicate).collect()),
                ("redis-py + hiredis, FT.AGGREGATE cursor + HMGET pipeline",
                 lambda: redis_py_search(text_client, "idx:items", query)),
                ("valkey-glide, FT.AGGREGATE cursor + HMGET batch", lambda: glide_search(glide, "idx:items", query)),
            ], args.repeat), rows, label)
            speedups[label] = scan.wall / pushdown.wall
            lines += [row(label if r is pushdown else "", rows, r.label, r.wall, r.cpu, pushdown.wall)
                      for r in (pushdown, scan, *baselines)]
            print("\n".join(lines[-4:]), flush=True)

        lines += [
            "",
            f"### Tier 2: 1,000 rows out of {small:,} indexed documents "
            f"(median and best of {args.latency_runs} interleaved runs)",
            "",
            "| reader | median wall ms | best wall ms | median server CPU ms | wall / server CPU |",
            "|---|---:|---:|---:|---:|",
        ]
        low = small // 2
        docs = pr.scan_hashes(url, "doc:*", SCHEMA, search_index="idx:docs")
        doc_filter = pl.col("qty").is_between(low, low + 1000, closed="left")
        doc_query = f"@qty:[{low} ({low + 1000}]"
        for r in checked(measure_interleaved(client, [
            ("polars-redis, pushdown (search_index)", lambda: docs.filter(doc_filter).collect()),
            ("redis-py + hiredis, FT.AGGREGATE cursor + HMGET pipeline",
             lambda: redis_py_search(text_client, "idx:docs", doc_query)),
            ("valkey-glide, FT.AGGREGATE cursor + HMGET batch", lambda: glide_search(glide, "idx:docs", doc_query)),
        ], args.latency_runs), 1000, "1K of 100K"):
            lines.append(f"| {r.label} | {r.wall * 1e3:.1f} | {min(r.walls) * 1e3:.1f} | {r.cpu * 1e3:.1f} | "
                         f"{r.wall / r.cpu:.2f} |")
        print("\n".join(lines[-3:]), flush=True)

        lines += [
            "",
            f"### Tier 1: `_key.is_in(1,000 keys)` over {n:,} hashes, no index "
            f"(medians of {args.repeat} interleaved runs)",
            "",
            "| reader | wall ms | server CPU ms | wall / server CPU | wall / pushdown wall |",
            "|---|---:|---:|---:|---:|",
        ]
        # 1,000 distinct keys spread over the key space (997 is coprime to n).
        wanted = [f"item:{(t * 997) % n}" for t in range(1000)]
        key_filter = pl.col("_key").is_in(wanted)
        results = checked(measure_interleaved(client, [
            ("polars-redis, `filter(_key.is_in(...))` (HGETALL of those keys)",
             lambda: unindexed.filter(key_filter).collect()),
            ("polars-redis, full scan, then `filter` on the frame", lambda: unindexed.collect().filter(key_filter)),
            ("redis-py + hiredis, HMGET pipeline of the same keys",
             lambda: hmget_frame(wanted, hmget_rows(text_client, wanted, FIELDS))),
            ("valkey-glide, HMGET batch of the same keys",
             lambda: hmget_frame(wanted, glide_hmget_rows(glide, wanted, FIELDS))),
        ], args.repeat), 1000, "is_in")
        for r in results:
            ratio = "1.0x" if r is results[0] else f"{r.wall / results[0].wall:.1f}x"
            lines.append(f"| {r.label} | {r.wall * 1e3:.1f} | {r.cpu * 1e3:.1f} | {r.wall / r.cpu:.2f} | {ratio} |")
        print("\n".join(lines[-4:]), flush=True)
        lines += ["", "Pushdown speed-up over the full scan (wall): "
                  + ", ".join(f"{label}: {s:.0f}x" for label, s in speedups.items()) + "."]
    publish(lines, args.markdown)


if __name__ == "__main__":
    main()
