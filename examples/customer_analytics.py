"""Customer analytics with RediSearch pushdown.

Customers are hashes under ``customer:<id>`` with a RediSearch index over them. The filter on
country and lifetime value becomes one FT.SEARCH query, so Redis returns only the matching
customers instead of every key; Polars does the grouping.

    python examples/customer_analytics.py [REDIS_URL]   # no URL: an embedded Redis Stack
"""

from __future__ import annotations

import random
import sys

import polars as pl

import polars_redis as pr
from polars_redis.server import RedisStackServer

SCHEMA = {"name": pl.String, "country": pl.String, "plan": pl.String, "lifetime_value": pl.Float64,
          "orders": pl.Int64}


def load_customers(url: str, n: int = 5000) -> pl.DataFrame:
    rng = random.Random(7)
    customers = pl.DataFrame({
        "_key": [f"customer:{i}" for i in range(n)],
        "name": [f"Customer {i}" for i in range(n)],
        "country": [rng.choice(["NO", "SE", "DK", "DE", "FR"]) for _ in range(n)],
        "plan": [rng.choice(["free", "pro", "team"]) for _ in range(n)],
        "lifetime_value": [round(rng.uniform(0, 2000), 2) for _ in range(n)],
        "orders": [rng.randint(0, 60) for _ in range(n)],
    })
    pr.create_index(url, "idx:customers", SCHEMA, "customer:", if_exists="replace")
    pr.write_hashes(customers, url)
    return customers


def main(url: str) -> None:
    customers = load_customers(url)
    nordic_high_value = (
        pr.scan_hashes(url, "customer:*", SCHEMA, search_index="idx:customers")
        .filter(pl.col("country").is_in(["NO", "SE", "DK"]) & (pl.col("lifetime_value") >= 1000))
    )
    print(pr.explain(nordic_high_value))  # the FT.SEARCH query that runs on the server

    by_plan = (
        nordic_high_value.group_by("country", "plan")
        .agg(pl.len().alias("customers"), pl.col("lifetime_value").mean().round(2).alias("avg_value"))
        .sort("country", "plan")
        .collect()
    )
    print(by_plan)

    # The same answer computed from the frame that was written.
    expected = (
        customers.filter(pl.col("country").is_in(["NO", "SE", "DK"]) & (pl.col("lifetime_value") >= 1000))
        .group_by("country", "plan")
        .agg(pl.len().alias("customers"), pl.col("lifetime_value").mean().round(2).alias("avg_value"))
        .sort("country", "plan")
    )
    assert by_plan.equals(expected), "pushdown result differs from the loaded data"


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(sys.argv[1])
    else:
        with RedisStackServer() as server:
            main(server.url)
