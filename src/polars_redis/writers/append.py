"""Writing rows that append to a key: stream entries (XADD) and time-series samples (TS.ADD).

Each row adds one entry or sample; nothing is replaced, so there is no ``if_exists``. Every row
is checked before anything is sent (stream IDs: syntax, above 0-0, increasing per key; samples:
timestamps from 1970, no NaN). Commands are encoded in C++ from the Arrow buffers and pipelined;
an error after sending began names exactly the rows committed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import polars as pl

from polars_redis import _core
from polars_redis._core import ConfigurationError
from polars_redis._doc_fragments import shared_docs
from polars_redis.client import Client
from polars_redis.engine.connection import as_url
from polars_redis.writers.pipeline import check_options, send, write_plan

__all__ = ["write_stream", "write_timeseries"]

_KEY = "__polars_redis_key"


def _keyed(df: pl.DataFrame, key: str | None, key_column: str | None) -> tuple[pl.DataFrame, str]:
    """The frame with a key column: the given one, or a constant `key`."""
    if not isinstance(df, pl.DataFrame):
        raise ConfigurationError(f"expected a polars DataFrame, got {type(df).__name__}")
    if (key is None) == (key_column is None):
        raise ConfigurationError("give exactly one of key (one key for every row) or key_column")
    if key_column is not None:
        return df, key_column
    return df.with_columns(pl.lit(key, dtype=pl.String).alias(_KEY)), _KEY


def _append(native: Callable[..., int], df: pl.DataFrame, url: str, key_column: str, batch_size: int,
            **extra: Any) -> int:
    """Check the options every writer shares, then send the rows (appended: no mode, no TTL)."""
    check_options(df.columns, url, key_column=key_column, if_exists="append", ttl=None, batch_size=batch_size)
    if df.height == 0:
        return 0
    return send(native, df, url, write_plan(key_column, "", "append", None, batch_size, **extra))


@shared_docs
def write_stream(
    df: pl.DataFrame,
    url: str | Client,
    key: str | None = None,
    *,
    key_column: str | None = None,
    id_column: str | None = None,
    maxlen: int | None = None,
    minid: str | None = None,
    approximate: bool = True,
    batch_size: int = 1000,
) -> int:
    """Append each row as a stream entry (XADD); returns the entries added.

    Every column but the key and ID columns becomes an entry field (null cells are left out).
    Entry IDs come from `id_column` (``"1700000000000-0"``; a null means ``*``) or are assigned by
    the server. ``maxlen`` / ``minid`` trim the stream as entries are added (``~`` when
    `approximate`, which lets Redis trim whole nodes cheaply).

    Args:
        {{frame and url}}
        key: the stream every row goes to (or give `key_column`).
        key_column: the column naming each row's stream (instead of `key`).
        id_column: a column of entry IDs; without it the server assigns them.
        maxlen: trim the stream to about this many entries (MAXLEN).
        minid: trim entries with IDs below this one (MINID); excludes `maxlen`.
        approximate: trim with ``~`` (whole nodes; cheaper, may keep a few more).
        batch_size: rows encoded and pipelined per batch.

    Returns:
        The number of entries added.

    {{append raises}}

    Examples:
        >>> events = pl.DataFrame({"action": ["click", "view"], "page": ["/a", "/b"]})
        >>> pr.write_stream(events, url, "events:user:1", maxlen=10_000)
        2
    """
    url = as_url(url)
    df, key_column = _keyed(df, key, key_column)
    if maxlen is not None and minid is not None:
        raise ConfigurationError("give at most one of maxlen and minid")
    if maxlen is not None and (isinstance(maxlen, bool) or maxlen < 0):
        raise ConfigurationError(f"maxlen must be >= 0, got {maxlen!r}")
    if id_column is not None and id_column not in df.columns:
        raise ConfigurationError(f"id_column {id_column!r} is not in the frame ({df.columns})")
    trim: list[str] = []
    if maxlen is not None or minid is not None:
        trim = ["MAXLEN" if maxlen is not None else "MINID", *(["~"] if approximate else []), str(maxlen if maxlen is not None else minid)]
    return _append(_core.write_stream, df, url, key_column, batch_size, id_column=id_column or "", trim=trim)


@shared_docs
def write_timeseries(
    df: pl.DataFrame,
    url: str | Client,
    key: str | None = None,
    *,
    key_column: str | None = None,
    timestamp_column: str = "_ts",
    value_column: str = "value",
    retention_ms: int | None = None,
    labels: Mapping[str, str] | None = None,
    duplicate_policy: str | None = None,
    batch_size: int = 1000,
) -> int:
    """Add each row as a time-series sample (TS.ADD); returns the rows processed.

    `timestamp_column` holds epoch milliseconds (integers) or Datetimes; `value_column` a number
    (a null value writes nothing). A series that does not exist is created with `retention_ms`,
    `labels` and `duplicate_policy` (block, first, last, min, max, sum); existing series keep
    theirs, and `duplicate_policy` then decides what a sample at an existing timestamp does.

    Args:
        {{frame and url}}
        key: the series every row goes to (or give `key_column`).
        key_column: the column naming each row's series (instead of `key`).
        timestamp_column: epoch milliseconds (integers) or Datetimes.
        value_column: the numeric sample values (null: nothing written).
        retention_ms: retention of series created here.
        labels: labels of series created here.
        duplicate_policy: block, first, last, min, max or sum: what a sample at an existing
            timestamp does.
        batch_size: rows encoded and pipelined per batch.

    Returns:
        The number of rows processed.

    {{append raises}}

    Examples:
        >>> df = pl.DataFrame({"_ts": [1_700_000_000_000], "value": [21.5]})
        >>> pr.write_timeseries(df, url, "sensor:1", labels={"room": "lab"}, retention_ms=86_400_000)
        1
    """
    url = as_url(url)
    df, key_column = _keyed(df, key, key_column)
    for role, column in (("timestamp_column", timestamp_column), ("value_column", value_column)):
        if column not in df.columns:
            raise ConfigurationError(f"{role} {column!r} is not in the frame ({df.columns})")
    if not df.schema[value_column].is_numeric():
        raise ConfigurationError(f"value column {value_column!r} must be numeric, not {df.schema[value_column]}")
    options: list[str] = []
    if retention_ms is not None:
        if isinstance(retention_ms, bool) or retention_ms < 0:
            raise ConfigurationError(f"retention_ms must be >= 0, got {retention_ms!r}")
        options += ["RETENTION", str(retention_ms)]
    if duplicate_policy is not None:
        policy = duplicate_policy.upper()
        if policy not in ("BLOCK", "FIRST", "LAST", "MIN", "MAX", "SUM"):
            raise ConfigurationError(f"unknown duplicate_policy {duplicate_policy!r}")
        options += ["ON_DUPLICATE", policy]
    if labels:
        options.append("LABELS")
        for name, value in labels.items():
            options += [str(name), str(value)]
    return _append(_core.write_timeseries, df, url, key_column, batch_size, timestamp_column=timestamp_column,
                   value_column=value_column, add_options=options,
                   ignored_columns=[c for c in df.columns if c not in (key_column, timestamp_column, value_column)])
