"""Redis strings as Polars frames: scan_strings, read_strings."""

from __future__ import annotations

from typing import Any

import polars as pl

from polars_redis import _core
from polars_redis._doc_fragments import shared_docs
from polars_redis.client import Client
from polars_redis.engine.budget import scan_budget
from polars_redis.engine.connection import as_url
from polars_redis.engine.dtypes import SchemaLike, normalize_schema, to_descriptor
from polars_redis.engine.key_columns import KeyColumns, check_scan_sizes
from polars_redis.engine.read_options import Overrides, check_n_rows
from polars_redis.engine.recorder import start_native
from polars_redis.pushdown.planner import KeyPushdown
from polars_redis.readers.eager import eager_twin
from polars_redis.readers.snapshot_source import rdb_file, snapshot_pushdown
from polars_redis.readers.source import lazy_frame

__all__ = ["scan_strings", "read_strings"]


@shared_docs
def scan_strings(
    url: str | Client,
    pattern: str = "*",
    *,
    value_type: Any = pl.Utf8,
    include_key: bool = True,
    key_column_name: str = "_key",
    value_column_name: str = "value",
    include_ttl: bool = False,
    ttl_column_name: str = "_ttl",
    include_memory_usage: bool = False,
    memory_column_name: str = "_memory",
    include_row_index: bool | None = None,
    row_index_column_name: str | None = None,
    row_index_offset: int = 0,
    row_index_name: str | None = None,
    n_rows: int | None = None,
    schema_overrides: SchemaLike | None = None,
    batch_size: int = 1000,
    count_hint: int = 2000,
    ignore_errors: bool = False,
    snapshot: bool = False,
    max_server_share: float | None = None,
    max_commands_per_second: float | None = None,
) -> pl.LazyFrame:
    """Lazily scan Redis strings whose keys match `pattern`: one row per key.

    Nothing is sent to Redis until the frame is collected. Keys are found with ``SCAN`` and their
    values fetched with one ``MGET`` per group of up to 1000 keys (fewer for large values),
    pipelined. Keys of other types give no row: ``MGET`` answers them with nil, and once one key
    in eight proves to be of another type, ``SCAN`` adds ``TYPE string`` (reads without the value
    column, or with TTL / memory columns, use it from the start). A key deleted between SCAN and
    MGET gives no row. Selecting only the key column sends no MGET at all;
    `head(n)` fetches about n values.

    Args:
        url: ``redis://[[user]:password@]host[:port][/db]``, ``rediss://`` for TLS, or
            ``unix:///path?db=N``.
        pattern: SCAN MATCH pattern, e.g. ``"cache:*"``.
        {{snapshot}}
        value_type: Polars dtype of the value column: String (the default), Binary (any bytes,
            also values that are not UTF-8), Boolean, Int8..Int64, UInt8..UInt64, Float32,
            Float64, Decimal, Date, Datetime, Time, Categorical or Enum, parsed from the Redis
            text as by [scan_hashes][polars_redis.readers.hashes.scan_hashes].
        {{key column}}
        value_column_name: name of the value column.
        include_ttl: add the TTL in seconds (-1: no expiry) as an Int64 column.
        ttl_column_name: name of the TTL column.
        include_memory_usage: add the bytes the key and its value take in Redis' memory
            (``MEMORY USAGE key``) as an Int64 column named `memory_column_name`.
        memory_column_name: name of the memory usage column.
        {{row index}}
        n_rows: read at most this many rows (``None``: all), as ``head(n_rows)`` would.
        schema_overrides: column name -> Polars dtype, as in Polars' readers: the value column
            is parsed as that dtype (instead of `value_type`); another column (key, TTL, ...) is
            cast to it. A name that is no column raises `ConfigurationError`.
        batch_size: rows in the first batch handed to Polars; later batches also wait for
            about 1 MiB of replies, so a large read hands over fewer, larger batches.
        count_hint: SCAN COUNT hint. 2000, twice the hashes' default: a string costs the server
            so little that with 1000 keys per SCAN it idled a fifth of the time, between sending
            one SCAN's replies and receiving the next SCAN.
        ignore_errors: read values that do not parse as `value_type` as null instead of raising
            `SchemaError`.
        {{scan budget}}

    {{typed scan returns}}

    Examples:
        >>> lf = pr.scan_strings(url, "counter:page_views:*", value_type=pl.Int64)
        >>> lf.select(pl.col("value").sum()).collect().item()
        150
    """
    url = as_url(url)
    _core.validate_url(url)  # a malformed URL fails here, not at collect time
    check_scan_sizes(batch_size, count_hint)
    n_rows = check_n_rows(n_rows)
    overrides = Overrides(schema_overrides)
    value_type = overrides.dtype(value_column_name, value_type)
    budget = scan_budget(max_server_share, max_commands_per_second, snapshot=snapshot)
    dtype = normalize_schema({value_column_name: value_type}, what="value_type")[value_column_name]
    descriptor = to_descriptor(value_column_name, dtype)
    key_columns = KeyColumns.from_arguments(locals())
    schema = key_columns.schema({value_column_name: dtype})

    def start_scan(columns: list[str], n_rows: int | None, source: dict[str, Any]) -> _core.NativeScan:
        wanted = set(columns)
        plan = {
            "pattern": pattern,
            "value": (value_column_name, descriptor) if value_column_name in wanted else None,
            **key_columns.plan(wanted),
            "batch_size": batch_size,
            "count_hint": count_hint,
            "n_rows": n_rows,
            "ignore_errors": ignore_errors,
            **budget,
            **source,
        }
        return start_native(_core.scan_strings, url, plan)

    pushdown = snapshot_pushdown(url, pattern, key_columns.key_column, snapshot=snapshot,
                                 rdb_path=rdb_file(), include_memory_usage=include_memory_usage)
    pushdown = pushdown or KeyPushdown(url, pattern, key_columns.key_column)
    lf = lazy_frame(start_scan, schema, name="redis strings", detail=f"pattern={pattern!r}", pushdown=pushdown)
    return overrides.finish(lf, n_rows)


@eager_twin(scan_strings)
@shared_docs
def read_strings() -> None:
    """Read Redis strings into a DataFrame (eager [scan_strings][polars_redis.readers.strings.scan_strings]).

    Returns:
        One row per string key.

    {{eager read raises}}

    Examples:
        >>> pr.read_strings(url, "cache:*").sort("_key").rows()
        [('cache:a', 'x'), ('cache:b', 'y')]
        >>> flags = pr.read_strings(url, "feature:*", value_type=pl.Boolean)
        >>> dict(flags.sort("_key").rows())
        {'feature:beta': False, 'feature:dark_mode': True}
    """
