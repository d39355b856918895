"""Key sources and the FT.AGGREGATE reader vs redis-py + hiredis and valkey-glide, with the server's CPU time.

Loads N hashes x 4 fields plus a RediSearch index into an embedded Redis Stack (or --url), then
times, interleaved round by round in the same run, each case against redis-py + hiredis (RESP3,
decoding in hiredis) and valkey-glide (sync; RESP2, the only form of FT.AGGREGATE replies it
converts), both doing the same server work by hand + pl.DataFrame with our schema:
  search source: FT.AGGREGATE cursor (10% of the documents, sorted by age) + pipelined HMGET,
  key list:      1% of the keys given explicitly (pipelined TYPE check, then pipelined HMGET),
  aggregate:     FT.AGGREGATE LOAD 3 fields of every document through a cursor (COUNT 1000),
and reports each one's wall time, the server CPU and socket reads / writes it caused. The frames
are checked to equal ours (sorted by every column: the search ties on age in any order). The
native scans are driven with hand-built plans (the same ones the Python layer builds). No raw
C++ loop here.

Usage: python bench/bench_key_sources.py [--sizes 100000 1000000] [--url URL] [--markdown FILE] [--repeat 3]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import polars as pl
import redis

from polars_redis import _core
from polars_redis.engine.dtypes import to_descriptor

sys.path.insert(0, str(Path(__file__).parent))
from common import (  # noqa: E402
    baseline_clients, bench_arguments, glide_batch, glide_hmget_rows, glide_search_cursor_rows, hmget_rows,
    in_pipelines, search_cursor_rows,
)
from harness import compared_rows, comparison_table_start, publish  # noqa: E402

STRING = to_descriptor("s", pl.String)
INT64 = to_descriptor("i", pl.Int64)
FLOAT64 = to_descriptor("f", pl.Float64)
CITIES = ["paris", "oslo", "rome", "lima"]
COUNT = 1000
SEARCH_ARGS = ("@age:[0 9]", "LOAD", "1", "@__key", "SORTBY", "2", "@age", "ASC", "MAX", "2147483647", "DIALECT", "2")
HMGET_FIELDS = ["name", "age"]
AGGREGATE_ARGS = ("*", "LOAD", "3", "@name", "@age", "@score")


def load(client: redis.Redis, n: int) -> None:
    client.flushall()
    for pipe, i in in_pipelines(client, range(n)):
        pipe.hset(f"doc:{i}", mapping={"name": f"name-{i}", "age": str(i % 100), "city": CITIES[i % 4],
                                       "score": str(i * 0.5)})
    client.execute_command("FT.CREATE", "idx:bench", "ON", "HASH", "PREFIX", "1", "doc:", "SCHEMA", "name", "TEXT",
                           "age", "NUMERIC", "SORTABLE", "city", "TAG", "score", "NUMERIC")
    while True:
        info = client.execute_command("FT.INFO", "idx:bench")
        info = dict(zip(info[::2], info[1::2])) if isinstance(info, list) else info
        if int(info.get(b"indexing", info.get("indexing", 0))) == 0:
            return
        time.sleep(0.05)


def frame(scan: Any) -> pl.DataFrame:
    frames = []
    while (batch := scan.next_batch()) is not None:
        frames.append(pl.DataFrame(batch))
    return pl.concat(frames)


def hmget_frame(keys: list[str], values: list[list[str]]) -> pl.DataFrame:
    """HMGET name age replies (text) -> the frame of the key-source scans."""
    return pl.DataFrame({"_key": keys, "name": [v[0] for v in values], "age": [v[1] for v in values]},
                        schema={"_key": pl.String, "name": pl.String, "age": pl.String}
                        ).with_columns(pl.col("age").cast(pl.Int64))


def aggregate_frame(rows: list[dict]) -> pl.DataFrame:
    """FT.AGGREGATE LOAD @name @age @score rows (text) -> the aggregate reader's frame."""
    return pl.DataFrame(rows, schema={"name": pl.String, "age": pl.String, "score": pl.String}).with_columns(
        pl.col("age").cast(pl.Int64), pl.col("score").cast(pl.Float64))


def redis_py_search(client: redis.Redis) -> pl.DataFrame:
    keys = [row["__key"] for row in search_cursor_rows(client, "idx:bench", *SEARCH_ARGS, count=COUNT)]
    return hmget_frame(keys, hmget_rows(client, keys, HMGET_FIELDS))


def redis_py_keys(client: redis.Redis, keys: list[str]) -> pl.DataFrame:
    pipe = client.pipeline(transaction=False)
    for key in keys:
        pipe.type(key)
    present = [k for k, t in zip(keys, pipe.execute()) if t == "hash"]
    return hmget_frame(present, hmget_rows(client, present, HMGET_FIELDS))


def redis_py_aggregate(client: redis.Redis) -> pl.DataFrame:
    return aggregate_frame(search_cursor_rows(client, "idx:bench", *AGGREGATE_ARGS, count=COUNT))


def glide_search(client) -> pl.DataFrame:
    keys = [row["__key"] for row in glide_search_cursor_rows(client, "idx:bench", *SEARCH_ARGS, count=COUNT)]
    return hmget_frame(keys, glide_hmget_rows(client, keys, HMGET_FIELDS))


def glide_keys(client, keys: list[str]) -> pl.DataFrame:
    types = glide_batch(client, lambda batch: [batch.type(key) for key in keys])
    present = [k for k, t in zip(keys, types) if t == b"hash"]
    return hmget_frame(present, glide_hmget_rows(client, present, HMGET_FIELDS))


def glide_aggregate(client) -> pl.DataFrame:
    return aggregate_frame(glide_search_cursor_rows(client, "idx:bench", *AGGREGATE_ARGS, count=COUNT))


def main() -> None:
    from glide_sync import ProtocolVersion

    args = bench_arguments([100_000, 1_000_000]).parse_args()
    lines = comparison_table_start("N hashes", args.repeat)
    hash_fields = [("name", STRING), ("age", INT64)]
    with baseline_clients(args.url, glide_protocol=ProtocolVersion.RESP2, protocol=3,
                          decode_responses=True) as (url, client, text_client, glide):
        for n in args.sizes:
            load(client, n)
            keys = [f"doc:{i}" for i in range(0, n, 100)] + [f"missing:{i}" for i in range(0, n, 1000)]
            search = {"kind": "search", "index": "idx:bench", "query": "@age:[0 9]", "sort_by": [["age", "ASC"]]}
            aggregate = {"index": "idx:bench", "query": "*", "args": ["LOAD", "3", "@name", "@age", "@score"],
                         "count": COUNT, "columns": [["name", STRING], ["age", INT64], ["score", FLOAT64]]}
            cases = [  # label, rows, ours, redis-py + hiredis, valkey-glide
                ("search source, 10% sorted", n // 10,
                 lambda: frame(_core.scan_hashes(url, {"fields": hash_fields, "key_source": search})),
                 lambda: redis_py_search(text_client), lambda: glide_search(glide)),
                ("key list, 1%", n // 100,
                 lambda: frame(_core.scan_hashes(url, {"fields": hash_fields,
                                                       "key_source": {"kind": "keys", "keys": keys}})),
                 lambda: redis_py_keys(text_client, keys), lambda: glide_keys(glide, keys)),
                ("FT.AGGREGATE LOAD 3", n,
                 lambda: frame(_core.aggregate(url, aggregate)),
                 lambda: redis_py_aggregate(text_client), lambda: glide_aggregate(glide)),
            ]
            for label, rows, ours, hiredis, glide_read in cases:
                lines += compared_rows(client, f"{n:,}", [
                    (f"polars-redis, {label}", ours),
                    ("redis-py + hiredis", hiredis),
                    ("valkey-glide", glide_read),
                ], args.repeat, rows, lambda result: result.sort(result.columns))
    publish(lines, args.markdown)


if __name__ == "__main__":
    main()
