"""read_zset / read_set / read_list vs redis-py + hiredis and valkey-glide, with the server's CPU time.

Loads one sorted set, one set and one list of N members each into an embedded Redis Stack (or
--url), then times, interleaved round by round in the same run:
  polars-redis read_zset / read_set / read_list (all columns, paged reads),
  redis-py + hiredis (decoding in hiredis): ZRANGE 0 -1 WITHSCORES / SMEMBERS / LRANGE 0 -1, one
  reply each (a careful user's fastest read of one key: paging it would only add round trips and
  the server still walks every member) + pl.DataFrame with our schema,
  valkey-glide (sync): the same single commands + pl.DataFrame with our schema,
and reports each one's wall time, the server CPU and socket reads / writes it caused. The frames
are checked to equal ours (the set's sorted by member: a set has no order). No raw C++ loop here.

Usage: python bench/bench_collections.py [--sizes 100000 1000000] [--url URL] [--markdown FILE] [--repeat 3]
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl
import redis

import polars_redis as pr

sys.path.insert(0, str(Path(__file__).parent))
from common import baseline_clients, bench_arguments  # noqa: E402
from harness import compared_rows, comparison_table_start, publish  # noqa: E402

ZSET_SCHEMA = {"_key": pl.String, "member": pl.String, "score": pl.Float64}
SET_SCHEMA = {"_key": pl.String, "member": pl.String}
LIST_SCHEMA = {"_key": pl.String, "element": pl.String, "position": pl.Int64}


def load(client: redis.Redis, n: int) -> None:
    client.flushall()
    pipe = client.pipeline(transaction=False)
    for start in range(0, n, 10_000):
        chunk = range(start, min(n, start + 10_000))
        pipe.zadd("bench:zset", {f"player:{i}": (i * 7919) % 1_000_003 / 7 for i in chunk})
        pipe.sadd("bench:set", *[f"member:{i}" for i in chunk])
        pipe.rpush("bench:list", *[f"event:{i % 50_000}" for i in chunk])
        pipe.execute()


def zset_frame(key: str, members: list[str], scores: list[float]) -> pl.DataFrame:
    return pl.DataFrame({"_key": [key] * len(members), "member": members, "score": scores}, schema=ZSET_SCHEMA)


def set_frame(key: str, members: list[str]) -> pl.DataFrame:
    return pl.DataFrame({"_key": [key] * len(members), "member": members}, schema=SET_SCHEMA)


def list_frame(key: str, elements: list[str]) -> pl.DataFrame:
    return pl.DataFrame({"_key": [key] * len(elements), "element": elements, "position": range(len(elements))},
                        schema=LIST_SCHEMA)


def redis_py_zset(client: redis.Redis) -> pl.DataFrame:
    pairs = client.zrange("bench:zset", 0, -1, withscores=True)
    return zset_frame("bench:zset", [m for m, _ in pairs], [s for _, s in pairs])


def redis_py_set(client: redis.Redis) -> pl.DataFrame:
    return set_frame("bench:set", list(client.smembers("bench:set")))


def redis_py_list(client: redis.Redis) -> pl.DataFrame:
    return list_frame("bench:list", client.lrange("bench:list", 0, -1))


def glide_zset(client) -> pl.DataFrame:
    from glide_sync import RangeByIndex

    scores = client.zrange_withscores("bench:zset", RangeByIndex(0, -1))  # member -> score, in rank order
    return zset_frame("bench:zset", [m.decode() for m in scores], list(scores.values()))


def glide_set(client) -> pl.DataFrame:
    return set_frame("bench:set", [m.decode() for m in client.smembers("bench:set")])


def glide_list(client) -> pl.DataFrame:
    return list_frame("bench:list", [e.decode() for e in client.lrange("bench:list", 0, -1)])


def main() -> None:
    args = bench_arguments([100_000, 1_000_000]).parse_args()
    lines = comparison_table_start("N members", args.repeat)
    with baseline_clients(args.url, decode_responses=True) as (url, client, text_client, glide):
        for n in args.sizes:
            load(client, n)
            cases = [  # label, ours, redis-py + hiredis, valkey-glide, the order the frames are compared in
                ("sorted set, read_zset", lambda: pr.read_zset(url, "bench:zset"), lambda: redis_py_zset(text_client),
                 lambda: glide_zset(glide), lambda frame: frame),
                ("set, read_set", lambda: pr.read_set(url, "bench:set"), lambda: redis_py_set(text_client),
                 lambda: glide_set(glide), lambda frame: frame.sort("member")),
                ("list, read_list", lambda: pr.read_list(url, "bench:list"), lambda: redis_py_list(text_client),
                 lambda: glide_list(glide), lambda frame: frame),
            ]
            for label, ours, hiredis, glide_read, comparable in cases:
                lines += compared_rows(client, f"{n:,}", [
                    (f"polars-redis, {label}", ours),
                    ("redis-py + hiredis", hiredis),
                    ("valkey-glide", glide_read),
                ], args.repeat, n, comparable)
    publish(lines, args.markdown)


if __name__ == "__main__":
    main()
