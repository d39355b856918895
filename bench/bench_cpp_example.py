"""The C++ example (Arrow C stream, no Python) vs read_hashes vs redis-py, with the server's CPU time.

Loads N hashes (customer string, qty int, price float) into an embedded Redis Stack (or --url),
then times in the same run:
  examples/cpp/read_hashes: the core's key scan into an ArrowArrayStream, walked in C++ (the
    process start is included: a few milliseconds),
  polars-redis read_hashes with the same three typed fields,
  redis-py SCAN ... TYPE hash + pipelined HMGET (1000 keys a pipeline) + pl.DataFrame (baseline),
and reports each one's wall time and the server CPU seconds it caused.

Usage: python bench/bench_cpp_example.py [--sizes 100000 1000000] [--binary PATH] [--url URL]
       [--markdown FILE]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import polars as pl
import redis

import polars_redis as pr

sys.path.insert(0, str(Path(__file__).parent))
from common import in_pipelines, redis_stack  # noqa: E402
from harness import comparison_rows, measure, publish, reader_row, versus_redis_py_table  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = {"customer": pl.String, "qty": pl.Int64, "price": pl.Float64}
FIELDS = ["customer", "qty", "price"]


def load(client: redis.Redis, n: int) -> None:
    client.flushall()
    for pipe, i in in_pipelines(client, range(n)):
        pipe.hset(f"bench:{i}", mapping={"customer": f"customer-{i % 5000}", "qty": i % 50,
                                         "price": f"{(i % 1000) * 0.25:.2f}"})


def redis_py(client: redis.Redis) -> pl.DataFrame:
    """What a user writes by hand: SCAN the hashes, HMGET them in pipelines, build a frame."""
    keys = list(client.scan_iter(match="bench:*", count=1000, _type="HASH"))
    found, customers, qtys, prices = [], [], [], []
    for start in range(0, len(keys), 1000):
        chunk = keys[start:start + 1000]
        pipe = client.pipeline(transaction=False)
        for key in chunk:
            pipe.hmget(key, FIELDS)
        for key, (customer, qty, price) in zip(chunk, pipe.execute()):
            found.append(key)
            customers.append(customer)
            qtys.append(None if qty is None else int(qty))
            prices.append(None if price is None else float(price))
    return pl.DataFrame({"_key": found, "customer": customers, "qty": qtys, "price": prices},
                        schema={"_key": pl.String, **SCHEMA})


def cpp_example(binary: Path, url: str) -> int:
    out = subprocess.run([str(binary), url, "bench:*", "customer", "qty:int64", "price:float64"],
                         capture_output=True, text=True, check=True).stdout
    return int(next(line for line in out.splitlines() if line.startswith("rows ")).split()[1])


def run(url: str, sizes: list[int], binary: Path, repeat: int) -> list[str]:
    client = redis.Redis.from_url(url, decode_responses=True)
    lines = versus_redis_py_table("keys", "")
    for n in sizes:
        load(client, n)
        c_wall, c_cpu, rows = measure(client, lambda: cpp_example(binary, url), repeat)
        assert rows == n, rows
        p_wall, p_cpu, df = measure(client, lambda: pr.read_hashes(url, "bench:*", SCHEMA), repeat)
        b_wall, b_cpu, base = measure(client, lambda: redis_py(client), repeat)
        assert df.height == base.height == n
        assert df.sort("_key").equals(base.sort("_key"))
        lines.append(reader_row(n, "C++ example, Arrow C stream", c_wall, c_cpu, f"{b_wall / c_wall:.1f}x faster"))
        lines += comparison_rows(n, "3 typed fields", p_wall, p_cpu, b_wall, b_cpu)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--binary", type=Path, default=ROOT / "build/examples/examples/read_hashes")
    parser.add_argument("--url")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args()
    if not args.binary.is_file():
        parser.error(f"{args.binary} is missing: build it as examples/cpp/README.md says (an optimized "
                     "build; make cpp-test's is sanitized) or pass --binary")
    with redis_stack(args.url) as url:
        lines = run(url, args.sizes, args.binary, args.repeat)
    publish(lines, args.markdown)


if __name__ == "__main__":
    main()
