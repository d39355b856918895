"""Warm a product cache with write_hashes.

A catalogue computed in Polars (here: prices joined with stock levels) is written to Redis as one
hash per product with a one-hour TTL, the way a nightly job would pre-fill a cache that the web
tier reads with HGETALL. The result is read back to check it and to show the remaining TTLs.

    python examples/cache_warmup.py [REDIS_URL]
"""

from __future__ import annotations

import sys

import polars as pl

import polars_redis as pr
from polars_redis.server import RedisStackServer


def build_catalogue(n: int = 10_000) -> pl.DataFrame:
    prices = pl.DataFrame({"sku": [f"SKU-{i:05d}" for i in range(n)], "price": [9.99 + i % 90 for i in range(n)]})
    stock = pl.DataFrame({"sku": [f"SKU-{i:05d}" for i in range(0, n, 2)], "in_stock": [i % 7 for i in range(0, n, 2)]})
    return prices.join(stock, on="sku", how="left").with_columns(pl.col("in_stock").fill_null(0))


def main(url: str) -> None:
    catalogue = build_catalogue()
    written = pr.write_hashes(catalogue, url, key_column="sku", key_prefix="product:", ttl=3600)
    print(f"warmed {written} products")

    cached = pr.read_hashes(url, "product:*", {"price": pl.Float64, "in_stock": pl.Int64}, include_ttl=True)
    print(cached.sort("_key").head(5))
    back = cached.select(pl.col("_key").str.strip_prefix("product:").alias("sku"), "price", "in_stock")
    assert back.sort("sku").equals(catalogue.sort("sku")), "the cache differs from the catalogue"
    assert cached["_ttl"].min() > 3500


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(sys.argv[1])
    else:
        with RedisStackServer() as server:
            main(server.url)
