"""FT.AGGREGATE rows as one typed frame, read with a cursor by the core."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from polars_redis import _core
from polars_redis.engine.dtypes import to_descriptor
from polars_redis.engine.native import drain


def run_aggregate(url: str, index: str, query: str, args: list[Any], columns: Mapping[str, pl.DataType], *,
                  batch_size: int, ignore_errors: bool) -> pl.DataFrame:
    """FT.AGGREGATE with a cursor (every shard's rows on a cluster) as one typed frame."""
    plan = {
        "index": index, "query": query, "args": args, "batch_size": batch_size, "count": 1000,
        "columns": [(name, to_descriptor(name, dtype, nested=True)) for name, dtype in columns.items()],
        "ignore_errors": ignore_errors,
    }
    frames = drain(_core.aggregate(url, plan))
    frame = pl.concat(frames, how="vertical") if frames else pl.DataFrame(schema=dict(columns))
    return frame.select(list(columns))
