"""The demo behind `polars-redis demo` (the README's first command)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from typing import Any

import polars as pl

import polars_redis as pr
from polars_redis.server import RedisStackServer

CITIES = ["Paris", "Berlin", "Lisbon", "Oslo", "Madrid", "Rome", "Vienna", "Dublin", "Prague", "Warsaw"]
PLANS = ["free", "pro", "team", "enterprise"]


def _users(n: int, seed: int = 7) -> list[tuple[str, dict[str, str]]]:
    rng = random.Random(seed)
    epoch = datetime(2024, 1, 1, tzinfo=timezone.utc)
    rows = []
    for i in range(n):
        signup = date(2020, 1, 1) + timedelta(days=rng.randrange(1500))
        login = epoch + timedelta(seconds=rng.randrange(60 * 86400))
        rows.append((f"user:{i}", {
            "name": f"user{i}", "email": f"user{i}@example.com", "age": str(rng.randrange(18, 90)),
            "city": rng.choice(CITIES), "score": f"{rng.random() * 100:.3f}",
            "active": rng.choice(["true", "false"]), "signup_date": signup.isoformat(),
            "last_login": login.isoformat().replace("+00:00", "Z"), "plan": rng.choice(PLANS),
            "balance": f"{rng.randrange(0, 1_000_000) / 100:.2f}",
        }))
    return rows


def _timed(label: str, work: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    result = work()
    elapsed = (time.perf_counter() - start) * 1000
    shape = f"{result.height:>7} rows x {result.width} cols" if isinstance(result, pl.DataFrame) else ""
    print(f"  {label:<58} {elapsed:8.1f} ms  {shape}")
    return result


def _command_calls(client: Any, command: str) -> int:
    stats = client.info("commandstats").get(f"cmdstat_{command}", {})
    return int(stats.get("calls", 0))


def run_demo(users: int = 100_000) -> None:
    import redis  # the baseline and the server's command counters come from redis-py

    print("Starting an embedded Redis Stack (127.0.0.1, random port, no persistence)...")
    with RedisStackServer() as server:
        client = redis.Redis.from_url(server.url)
        url = server.url
        rows = pl.DataFrame([{"_key": key, **fields} for key, fields in _users(users)])
        start = time.perf_counter()
        written = pr.write_hashes(rows, url)
        print(f"Loaded {written:,} user hashes with write_hashes in {(time.perf_counter() - start) * 1000:.0f} ms "
              "(one MULTI/EXEC per key)")
        schema = pr.infer_hash_schema(url, "user:*")
        print("\nInferred schema (infer_hash_schema, 100 sampled hashes):")
        for name, dtype in schema.items():
            print(f"  {name:<12} {dtype}")
        schema["signup_date"] = pl.Date
        schema["balance"] = pl.Decimal(12, 2)
        schema["plan"] = pl.Enum(PLANS)

        lf = pr.scan_hashes(url, "user:*", schema, include_ttl=True)
        print("\nScans (wall time):")
        df = _timed("read everything (HGETALL)", lf.collect)
        _timed("select name, age (HMGET of 2 fields)", lambda: lf.select("name", "age").collect())
        client.config_resetstat()
        head = _timed("head(5)", lambda: lf.head(5).collect())
        print(f"  {'':<58} HGETALL calls for head(5): {_command_calls(client, 'hgetall')}")
        _timed(
            "filter(age > 60 & city == 'Paris') -> count by plan",
            lambda: lf.filter((pl.col("age") > 60) & (pl.col("city") == "Paris"))
            .group_by("plan").agg(pl.len(), pl.col("balance").sum()).sort("plan").collect(),
        )

        def redis_py_baseline() -> pl.DataFrame:
            keys = list(client.scan_iter(match="user:*", count=1000))
            pipe = client.pipeline(transaction=False)
            for key in keys:
                pipe.hgetall(key)
            rows = [{k.decode(): v.decode() for k, v in h.items()} for h in pipe.execute()]
            return pl.DataFrame(rows)

        _timed("baseline: redis-py SCAN + pipelined HGETALL + pl.DataFrame", redis_py_baseline)

        print("\nFirst rows:")
        with pl.Config(tbl_cols=8, tbl_width_chars=140):
            print(head.select("_key", "name", "age", "city", "active", "last_login", "plan", "balance"))
        print(f"\nTotal balance of active users: {df.filter(pl.col('active'))['balance'].sum()}")
    print("Server stopped.")
