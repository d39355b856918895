"""The C++ example (examples/cpp/read_hashes.cpp) against the session Redis Stack, checked with redis-py.

The binary comes from the C++ build (`make cpp-test` builds it, with the sanitizers, into
build/cpp-tests/examples/), or from POLARS_REDIS_CPP_EXAMPLE. A missing binary is a failure.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import redis

from conftest import load_hashes

ROOT = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("POLARS_REDIS_CPP_EXAMPLE", ROOT / "build/cpp-tests/examples/read_hashes"))


def run_example(*args: str) -> subprocess.CompletedProcess[str]:
    assert BINARY.is_file(), f"{BINARY} is missing: build it with `make cpp-test` (POLARS_REDIS_BUILD_EXAMPLES=ON)"
    return subprocess.run([str(BINARY), *args], capture_output=True, text=True, timeout=120)


def parse(stdout: str) -> tuple[list[str], list[dict[str, str]], int, int, dict[str, float]]:
    schema: list[str] = []
    rows: list[dict[str, str]] = []
    count = batches = -1
    sums: dict[str, float] = {}
    for line in stdout.splitlines():
        head, _, rest = line.partition(" ")
        if head == "schema":
            schema = rest.split()
        elif head == "row":
            # Values may hold spaces: a cell runs up to the next " name=".
            rows.append(dict(re.findall(r"(\w+)=(.*?)(?= \w+=|$)", rest)))
        elif head == "rows":
            parts = rest.split()
            count, batches = int(parts[0]), int(parts[2])
        elif head == "sum":
            name, value = rest.split()
            sums[name] = float(value)
    return schema, rows, count, batches, sums


def test_reads_every_matching_hash_into_an_arrow_stream(url: str, r: redis.Redis) -> None:
    rows = {
        f"order:{i}": {"customer": f"c{i % 7}", "qty": str(i % 5), "price": f"{i * 0.25:.2f}"}
        for i in range(2500)
    }
    load_hashes(r, rows)
    r.hset("order:nulls", mapping={"customer": "a customer name longer than twelve bytes"})
    r.hset("other:1", mapping={"customer": "x", "qty": "100"})
    r.set("order:string", "not a hash")

    result = run_example(url, "order:*", "customer", "qty:int64", "price:float64")
    assert result.returncode == 0, result.stderr
    schema, printed, count, batches, sums = parse(result.stdout)

    assert schema == ["_key:vu", "customer:vu", "qty:l", "price:g"]
    oracle_keys = [k.decode() for k in r.scan_iter(match="order:*", _type="hash", count=1000)]
    assert count == len(oracle_keys) == 2501
    assert batches >= 2  # a first batch of 1000 rows, the rest sized by reply bytes (about 1 MiB)
    # The sums cover every value of every batch; the null row adds nothing.
    assert sums["qty"] == sum(int(r.hget(k, "qty") or 0) for k in oracle_keys)
    assert abs(sums["price"] - sum(float(r.hget(k, "price") or 0) for k in oracle_keys)) < 1e-6
    assert len(printed) == 5
    for row in printed:
        stored = {f.decode(): v.decode() for f, v in r.hgetall(row["_key"]).items()}
        assert row["customer"] == stored["customer"]
        assert row["qty"] == stored.get("qty", "null")
        if "price" in stored:
            assert float(row["price"]) == float(stored["price"])
        else:
            assert row["price"] == "null"


def test_zero_matches_is_an_empty_stream(url: str, r: redis.Redis) -> None:
    r.hset("other:1", "customer", "x")
    result = run_example(url, "nothing:*", "customer")
    assert result.returncode == 0, result.stderr
    schema, printed, count, _, sums = parse(result.stdout)
    assert schema == ["_key:vu", "customer:vu"]
    assert (printed, count, sums) == ([], 0, {})


def test_a_value_that_does_not_parse_is_reported_with_key_and_value(url: str, r: redis.Redis) -> None:
    r.hset("bad:1", mapping={"qty": "seven"})
    result = run_example(url, "bad:*", "qty:int64")
    assert result.returncode == 1
    assert "bad:1" in result.stderr and "seven" in result.stderr
    assert r.hget("bad:1", "qty") == b"seven"
