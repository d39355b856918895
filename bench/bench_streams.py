"""read_stream vs redis-py + hiredis and valkey-glide, with the server's own CPU time as the floor.

Loads one stream of N entries x 4 fields into an embedded Redis Stack (or --url), then times,
interleaved round by round in the same run:
  polars-redis read_stream (all 4 fields; only _id and one field),
  redis-py + hiredis (decoding in hiredis): XRANGE paged with COUNT 1000 (our page size; exclusive
  continuation IDs) + pl.DataFrame with our schema (text columns cast by Polars),
  valkey-glide (sync): the same XRANGE pages (ExclusiveIdBound) + pl.DataFrame with our schema,
and reports each one's wall time, the server CPU and socket reads / writes it caused. XRANGE
returns every field, so the baselines read all 4 in both cases and keep what the case needs. The
frames are checked to equal ours. No raw C++ loop here.

Usage: python bench/bench_streams.py [--sizes 100000 1000000] [--url URL] [--markdown FILE] [--repeat 3]
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl
import redis

import polars_redis as pr

sys.path.insert(0, str(Path(__file__).parent))
from common import baseline_clients, bench_arguments, in_pipelines  # noqa: E402
from harness import compared_rows, comparison_table_start, publish  # noqa: E402

KEY = "bench:events"
SCHEMA = {"action": pl.String, "page": pl.String, "duration_ms": pl.Int64, "score": pl.Float64}
PAGE = 1000


def load(client: redis.Redis, n: int) -> None:
    client.flushall()
    for pipe, i in in_pipelines(client, range(n)):
        pipe.xadd(KEY, {"action": ("view", "click", "buy")[i % 3], "page": f"/page/{i % 500}",
                        "duration_ms": str(i % 10_000), "score": str(i / 7)})


def typed(columns: dict[str, list], fields: list[str], timestamps: bool) -> pl.DataFrame:
    """Text columns -> our frame: the schema's dtypes and, when `timestamps`, _ts from the IDs."""
    frame = pl.DataFrame(columns, schema={name: pl.String for name in columns})
    frame = frame.with_columns(pl.col(f).cast(SCHEMA[f]) for f in fields)
    if not timestamps:
        return frame
    ts = pl.col("_id").str.split_exact("-", 1).struct.field("field_0").cast(pl.Int64).alias("_ts")
    return frame.select("_id", ts, *fields)


def redis_py_read(client: redis.Redis, fields: list[str], timestamps: bool) -> pl.DataFrame:
    """XRANGE pages of PAGE entries, the case's fields as columns, pl.DataFrame."""
    columns: dict[str, list] = {"_id": [], **{f: [] for f in fields}}
    start = "-"
    while True:
        page = client.xrange(KEY, start, "+", count=PAGE)
        for entry_id, values in page:
            columns["_id"].append(entry_id)
            for f in fields:
                columns[f].append(values[f])
        if len(page) < PAGE:
            return typed(columns, fields, timestamps)
        start = "(" + page[-1][0]


def glide_read(client, fields: list[str], timestamps: bool) -> pl.DataFrame:
    """The same pages with valkey-glide (a reply maps each ID to its [field, value] pairs)."""
    from glide_sync import ExclusiveIdBound, MaxId, MinId

    columns: dict[str, list] = {"_id": [], **{f: [] for f in fields}}
    encoded = [f.encode() for f in fields]
    start = MinId()
    while True:
        page = client.xrange(KEY, start, MaxId(), count=PAGE) or {}
        for entry_id, pairs in page.items():
            values = dict(pairs)
            columns["_id"].append(entry_id.decode())
            for f, name in zip(fields, encoded):
                columns[f].append(values[name].decode())
        if len(page) < PAGE:
            return typed(columns, fields, timestamps)
        start = ExclusiveIdBound(entry_id)


def main() -> None:
    args = bench_arguments([100_000, 1_000_000]).parse_args()
    lines = comparison_table_start("N entries", args.repeat)
    lines[0] += f" XRANGE pages of {PAGE} entries for every reader."
    with baseline_clients(args.url, decode_responses=True) as (url, client, text_client, glide):
        for n in args.sizes:
            load(client, n)
            cases = [  # label, ours, the fields the baselines keep, whether they derive _ts
                ("all 4 fields", lambda: pr.read_stream(url, KEY, SCHEMA, page_size=PAGE), list(SCHEMA), True),
                ("_id + 1 field", lambda: pr.scan_stream(url, KEY, SCHEMA, page_size=PAGE)
                 .select("_id", "duration_ms").collect(), ["duration_ms"], False),
            ]
            for label, ours, fields, timestamps in cases:
                lines += compared_rows(client, f"{n:,}", [
                    (f"polars-redis, {label}", ours),
                    ("redis-py + hiredis", lambda f=fields, t=timestamps: redis_py_read(text_client, f, t)),
                    ("valkey-glide", lambda f=fields, t=timestamps: glide_read(glide, f, t)),
                ], args.repeat, n, lambda frame: frame)
    publish(lines, args.markdown)


if __name__ == "__main__":
    main()
