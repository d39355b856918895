"""What every key-per-row writer runs: its options checked, the plan built, the frame handed to the
C++ writer (which routes it per shard on a cluster), and LazyFrames written batch by batch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl

from polars_redis import _core
from polars_redis._core import ConfigurationError
from polars_redis.writers import restore
from polars_redis.writers.modes import WRITE_MODES


MAX_TTL_SECONDS: int = _core.MAX_TTL_SECONDS
"""The longest TTL a write accepts: Redis keeps expiry times as 64-bit epoch milliseconds."""


def check_ttl(ttl: int) -> None:
    if isinstance(ttl, bool) or not isinstance(ttl, int) or not 1 <= ttl <= MAX_TTL_SECONDS:
        raise ConfigurationError(f"ttl must be 1 to {MAX_TTL_SECONDS} seconds, got {ttl!r}")


def check_options(
    columns: list[str], url: str, *, key_column: str | None, if_exists: str, ttl: int | str | None, batch_size: int
) -> None:
    _core.validate_url(url)
    if batch_size < 1:
        raise ConfigurationError(f"batch_size must be at least 1, got {batch_size}")
    if if_exists not in WRITE_MODES:
        raise ConfigurationError(f"if_exists must be 'fail', 'replace' or 'append', got {if_exists!r}")
    if isinstance(ttl, bool) or (ttl is not None and not isinstance(ttl, (int, str))):
        raise ConfigurationError(f"ttl must be seconds (int), a column name or None, got {ttl!r}")
    if isinstance(ttl, int):
        check_ttl(ttl)
    for role, column in (("key_column", key_column), ("ttl column", ttl if isinstance(ttl, str) else None)):
        if column is not None and column not in columns:
            raise ConfigurationError(f"{role} {column!r} is not a column of the frame ({columns})")


def write_plan(key_column: str | None, key_prefix: str, if_exists: str, ttl: int | str | None, batch_size: int,
          **extra: Any) -> dict[str, Any]:
    return {
        "key_column": key_column, "key_prefix": key_prefix, "if_exists": if_exists,
        "ttl_seconds": ttl if isinstance(ttl, int) else None, "ttl_column": ttl if isinstance(ttl, str) else None,
        "batch_size": batch_size, **extra,
    }


def strings_options(columns: list[str], *, key_column: str | None, value_column: str,
                    ttl: int | str | None) -> dict[str, Any]:
    """write_strings' own plan entries: its value column (checked) and the other columns, ignored."""
    if value_column not in columns:
        raise ConfigurationError(f"value_column {value_column!r} is not a column of the frame ({columns})")
    return {"value_column": value_column,
            "ignored_columns": [c for c in columns if c not in (key_column, value_column, ttl)]}


def send(native: Callable[..., int], df: pl.DataFrame, url: str, plan: dict[str, Any]) -> int:
    """Hand a checked frame to the C++ writer (on a cluster, it routes each row to its key's primary)."""
    # The frame is exported twice: every row is checked before anything is written.
    return native(url, df.__arrow_c_stream__(), df.__arrow_c_stream__(), plan)


def run_write(
    native: Callable[..., int],
    df: pl.DataFrame,
    url: str,
    *,
    key_column: str | None,
    key_prefix: str,
    if_exists: str,
    ttl: int | str | None,
    batch_size: int,
    **extra: Any,
) -> int:
    """Validate the shared options, then hand the frame's Arrow stream to the C++ writer."""
    if not isinstance(df, pl.DataFrame):
        raise ConfigurationError(f"expected a polars DataFrame, got {type(df).__name__}")
    check_options(df.columns, url, key_column=key_column, if_exists=if_exists, ttl=ttl, batch_size=batch_size)
    if df.height == 0:
        return 0
    plan = write_plan(key_column, key_prefix, if_exists, ttl, batch_size, **extra)
    restore.choose(native, url, plan)
    plan.pop("method", None)  # choose()'s own marker; the core reads only plan["restore"]
    return send(native, df, url, plan)


def run_sink(
    native: Callable[..., int],
    lf: pl.LazyFrame,
    url: str,
    *,
    key_column: str | None,
    key_prefix: str,
    if_exists: str,
    ttl: int | str | None,
    batch_size: int,
    on_batch: Callable[[int], None] | None = None,
    **extra: Any,
) -> int:
    """Write a LazyFrame batch by batch (memory bounded by a batch); returns the rows written.

    Each batch is checked in full before it is sent; a failure names every row committed,
    earlier batches' included (``committed_rows`` counts them all). `on_batch` gets each
    batch's row count once it is written.
    """
    if not isinstance(lf, pl.LazyFrame):
        raise ConfigurationError(f"expected a polars LazyFrame, got {type(lf).__name__}")
    check_options(lf.collect_schema().names(), url, key_column=key_column, if_exists=if_exists, ttl=ttl,
                  batch_size=batch_size)
    if if_exists == "fail":
        # Every key is checked before anything is written: the keys alone are computed first
        # (the query runs twice, but only the key column is ever held in memory).
        keys = lf.select(key_column).collect() if key_column else lf.select(pl.len()).collect()
        if key_column is None:
            keys = pl.DataFrame({"row": pl.int_range(keys.item(), eager=True)})
        check_plan = write_plan(key_column, key_prefix, if_exists, ttl, batch_size)
        _core.check_keys_absent(url, keys.__arrow_c_stream__(), check_plan)  # each key on its node on a cluster
    method: dict[str, Any] = {"if_exists": if_exists}
    restore.choose(native, url, method)  # once for every batch
    written = 0
    for batch in lf.collect_batches(chunk_size=batch_size):
        # row_offset: the rows before were all committed (a failure names and counts them too).
        n = run_write(native, batch, url, key_column=key_column, key_prefix=key_prefix, if_exists=if_exists,
                      ttl=ttl, batch_size=batch_size, row_offset=written, precheck=False,
                      **{k: v for k, v in method.items() if k != "if_exists"}, **extra)
        written += n
        if on_batch is not None:
            on_batch(n)
    return written
