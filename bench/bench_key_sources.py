"""Key sources and the FT.AGGREGATE reader vs redis-py, with the server's own CPU time as the floor.

Loads N hashes x 4 fields plus a RediSearch index into an embedded Redis Stack (or --url), then
times in the same run, each against a hand-written redis-py + pl.DataFrame baseline doing the
same server work:
  search source: FT.AGGREGATE cursor (10% of the documents, sorted by age) + pipelined HMGET,
  key list:      1% of the keys given explicitly (TYPE check + HMGET),
  aggregate:     FT.AGGREGATE LOAD 3 fields of every document through a cursor.
The native scans are driven with hand-built plans (the same ones the Python layer builds).

Usage: python bench/bench_key_sources.py [--sizes 100000 1000000] [--url URL] [--markdown FILE]
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
from common import bench_arguments, in_pipelines, redis_stack  # noqa: E402
from harness import comparison_rows, measure, publish, repeat_for, versus_redis_py_table  # noqa: E402

STRING = to_descriptor("s", pl.String)
INT64 = to_descriptor("i", pl.Int64)
FLOAT64 = to_descriptor("f", pl.Float64)
CITIES = ["paris", "oslo", "rome", "lima"]
COUNT = 1000


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


def cursor_rows(client: redis.Redis, *args: str) -> list[dict[bytes, Any]]:
    """Every row of FT.AGGREGATE ... WITHCURSOR as redis-py returns it (RESP3 maps)."""
    reply, cursor = client.execute_command("FT.AGGREGATE", "idx:bench", *args, "WITHCURSOR", "COUNT", COUNT)
    rows = [row[b"extra_attributes"] for row in reply[b"results"]]
    while cursor:
        reply, cursor = client.execute_command("FT.CURSOR", "READ", "idx:bench", cursor, "COUNT", COUNT)
        rows += [row[b"extra_attributes"] for row in reply[b"results"]]
    return rows


def hmget_frame(client: redis.Redis, keys: list[bytes]) -> pl.DataFrame:
    pipe = client.pipeline(transaction=False)
    for key in keys:
        pipe.hmget(key, "name", "age")
    values = pipe.execute()
    return pl.DataFrame({"_key": [k.decode() for k in keys], "name": [v[0].decode() for v in values],
                         "age": [int(v[1]) for v in values]})


def redis_py_search(client: redis.Redis) -> pl.DataFrame:
    rows = cursor_rows(client, "@age:[0 9]", "LOAD", "1", "@__key", "SORTBY", "2", "@age", "ASC", "MAX", "2147483647",
                       "DIALECT", "2")
    return hmget_frame(client, [row[b"__key"] for row in rows])


def redis_py_keys(client: redis.Redis, keys: list[str]) -> pl.DataFrame:
    pipe = client.pipeline(transaction=False)
    for key in keys:
        pipe.type(key)
    present = [k.encode() for k, t in zip(keys, pipe.execute()) if t == b"hash"]
    return hmget_frame(client, present)


def redis_py_aggregate(client: redis.Redis) -> pl.DataFrame:
    rows = cursor_rows(client, "*", "LOAD", "3", "@name", "@age", "@score")
    return pl.DataFrame({"name": [r[b"name"].decode() for r in rows], "age": [int(r[b"age"]) for r in rows],
                         "score": [float(r[b"score"]) for r in rows]})


def main() -> None:
    args = bench_arguments([100_000, 1_000_000]).parse_args()
    lines = versus_redis_py_table("N hashes", f"; Polars {pl.__version__}; server and client on the same host.")
    hash_fields = [("name", STRING), ("age", INT64)]
    with redis_stack(args.url) as url:
        client = redis.Redis.from_url(url, protocol=3)
        for n in args.sizes:
            load(client, n)
            repeat = repeat_for(n, args.repeat)
            keys = [f"doc:{i}" for i in range(0, n, 100)] + [f"missing:{i}" for i in range(0, n, 1000)]
            search = {"kind": "search", "index": "idx:bench", "query": "@age:[0 9]", "sort_by": [["age", "ASC"]]}
            aggregate = {"index": "idx:bench", "query": "*", "args": ["LOAD", "3", "@name", "@age", "@score"],
                         "count": COUNT, "columns": [["name", STRING], ["age", INT64], ["score", FLOAT64]]}
            cases = [
                ("search source, 10% sorted", n // 10,
                 lambda: frame(_core.scan_hashes(url, {"fields": hash_fields, "key_source": search})),
                 lambda: redis_py_search(client)),
                ("key list, 1%", n // 100,
                 lambda: frame(_core.scan_hashes(url, {"fields": hash_fields,
                                                       "key_source": {"kind": "keys", "keys": keys}})),
                 lambda: redis_py_keys(client, keys)),
                ("FT.AGGREGATE LOAD 3", n,
                 lambda: frame(_core.aggregate(url, aggregate)),
                 lambda: redis_py_aggregate(client)),
            ]
            for label, rows, ours, baseline in cases:
                wall, cpu, result = measure(client, ours, repeat)
                assert result.height == rows, (label, result.height)
                base_wall, base_cpu, base_result = measure(client, baseline, repeat)
                assert base_result.height == rows, (label, base_result.height)
                lines += comparison_rows(n, label, wall, cpu, base_wall, base_cpu)
                print("\n".join(lines[-2:]), flush=True)
    publish(lines, args.markdown)


if __name__ == "__main__":
    main()
