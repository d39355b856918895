"""The SCAN COUNT of the per-key readers: what count_hint costs the server, against the raw C++ loop.

A key is fetched some way behind the SCAN that found it: the keys in flight plus the keys found
and not yet sent. The larger the COUNT, the further behind, and the colder the server's caches
when the fetch looks the key up. For each reader, loads N keys into an embedded Redis Stack (or
--url), then measures, interleaved in paired rounds (bench/harness.py):
  polars-redis with count_hint 250, 500 (the default) and 1000,
  the raw C++ loop (bench/raw_loop): SCAN COUNT 1000, then the round's fetches pipelined,
  the raw loop again (the control row: how far identical work moves between runs).
Readers: read_hashes (HGETALL), read_json (JSON.GET key $), scan_set (SSCAN key 0 COUNT 1000) and
scan_list (LRANGE key 0 999) over sets and lists of 5 members. The frames of every count_hint are
checked to be equal; the raw loop's key count to equal N.

Usage: python bench/bench_count_hint.py [--sizes 100000] [--url URL] [--markdown FILE] [--repeat 15]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable

import polars as pl
import redis

import polars_redis as pr

sys.path.insert(0, str(Path(__file__).parent))
import bench_hashes  # noqa: E402
import bench_json  # noqa: E402
from common import baseline_clients, bench_arguments, in_pipelines, raw_loop  # noqa: E402
from harness import compared_rows, comparison_table_start, publish  # noqa: E402

COUNT_HINTS = (250, 500, 1000)
MEMBERS = 5


def load_collections(client: redis.Redis, n: int, kind: str) -> None:
    client.flushall()
    for pipe, i in in_pipelines(client, range(n)):
        members = [f"m{j}-{i}" for j in range(MEMBERS)]
        if kind == "set":
            pipe.sadd(f"bench:{i}", *members)
        else:
            pipe.rpush(f"bench:{i}", *members)


def readers(url: str) -> list[tuple[str, Callable[[redis.Redis, int], None], Callable[[int], Any], tuple[str, ...],
                                    int, Callable[[pl.DataFrame], pl.DataFrame]]]:
    """Per reader: its label, loader, read at a count_hint, the raw loop's type and command, rows
    per key and how its frames are made comparable."""
    return [
        ("read_hashes, all 10 fields", bench_hashes.load,
         lambda c: pr.read_hashes(url, "bench:*", bench_hashes.SCHEMA, count_hint=c), ("hash", "HGETALL", "{}"), 1,
         lambda f: f.sort("_key")),
        ("read_json, all fields", bench_json.load,
         lambda c: pr.read_json(url, "bench:*", bench_json.SCHEMA, count_hint=c), ("ReJSON-RL", "JSON.GET", "{}", "$"),
         1, lambda f: f.sort("_key")),
        ("scan_set, 5 members", lambda client, n: load_collections(client, n, "set"),
         lambda c: pr.scan_set(url, "bench:*", count_hint=c).collect(), ("set", "SSCAN", "{}", "0", "COUNT", "1000"),
         MEMBERS, lambda f: f.sort("_key", "member")),
        ("scan_list, 5 elements", lambda client, n: load_collections(client, n, "list"),
         lambda c: pr.scan_list(url, "bench:*", count_hint=c).collect(), ("list", "LRANGE", "{}", "0", "999"),
         MEMBERS, lambda f: f.sort("_key", "position")),
    ]


def main() -> None:
    args = bench_arguments([100_000], repeat=15).parse_args()
    lines = comparison_table_start("N keys", args.repeat)
    with baseline_clients(args.url) as (url, client, _, _):
        for n in args.sizes:
            for label, load, read, (type_, *command), rows_per_key, comparable in readers(url):
                load(client, n)
                lines += compared_rows(client, f"{n:,}", [
                    *((f"polars-redis, {label}, count_hint {c}", lambda c=c: read(c)) for c in COUNT_HINTS),
                    ("raw loop (C++), SCAN COUNT 1000", raw_loop(url, "bench:*", type_, "each", *command)),
                ], args.repeat, n * rows_per_key, comparable, raw_loop_rows=n)
    publish(lines, args.markdown)


if __name__ == "__main__":
    main()
