"""Writing DataFrames to Redis: one key per row, as hashes, JSON documents or strings.

All writers share these rules.

Keys: ``key_prefix`` + the value of ``key_column``; with ``key_column=None``, ``key_prefix`` + the
row number. A null key is an error.

TTL (``ttl``): seconds for every key, or the name of a column holding per-row seconds (integers)
or a Datetime to expire at; a null means no expiry for that row.

Modes (``if_exists``):

- ``"replace"`` (default): each key is replaced atomically (DEL, write and EXPIRE in one
  MULTI/EXEC): a reader sees the old value or the new one, never a mix or a key without its TTL.
- ``"append"``: hashes get their fields merged (HSET), JSON documents are merged (JSON.MERGE, null
  cells left out), strings are overwritten but keep an existing TTL (SET KEEPTTL).
- ``"fail"``: if any target key exists, :class:`KeyExistsError` names them before anything is
  written; each batch of ``batch_size`` keys is then checked and written atomically (one Lua
  script), so a concurrent writer cannot slip in between.

Commands are encoded in C++ straight from the Arrow buffers and pipelined; every reply is checked.
If a write fails midway the error states how many rows were committed, and every key is either
fully written or untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import polars as pl

from polars_redis import _cluster_writes, _core, restore_writes
from polars_redis._connection import as_url
from polars_redis.client import Client
from polars_redis._core import ConfigurationError

__all__ = ["sink_hashes", "sink_json", "sink_strings", "write_hashes", "write_json", "write_strings"]

IfExists = Literal["fail", "replace", "append"]


def _check_options(
    columns: list[str], url: str, *, key_column: str | None, if_exists: str, ttl: int | str | None, batch_size: int
) -> None:
    _core.validate_url(url)
    if batch_size < 1:
        raise ConfigurationError(f"batch_size must be at least 1, got {batch_size}")
    if if_exists not in ("fail", "replace", "append"):
        raise ConfigurationError(f"if_exists must be 'fail', 'replace' or 'append', got {if_exists!r}")
    if isinstance(ttl, bool) or (ttl is not None and not isinstance(ttl, (int, str))):
        raise ConfigurationError(f"ttl must be seconds (int), a column name or None, got {ttl!r}")
    if isinstance(ttl, int) and ttl <= 0:
        raise ConfigurationError(f"ttl must be a positive number of seconds, got {ttl}")
    for role, column in (("key_column", key_column), ("ttl column", ttl if isinstance(ttl, str) else None)):
        if column is not None and column not in columns:
            raise ConfigurationError(f"{role} {column!r} is not a column of the frame ({columns})")


def _plan(key_column: str | None, key_prefix: str, if_exists: str, ttl: int | str | None, batch_size: int,
          **extra: Any) -> dict[str, Any]:
    return {
        "key_column": key_column, "key_prefix": key_prefix, "if_exists": if_exists,
        "ttl_seconds": ttl if isinstance(ttl, int) else None, "ttl_column": ttl if isinstance(ttl, str) else None,
        "batch_size": batch_size, **extra,
    }


def _write(
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
    _check_options(df.columns, url, key_column=key_column, if_exists=if_exists, ttl=ttl, batch_size=batch_size)
    if df.height == 0:
        return 0
    plan = _plan(key_column, key_prefix, if_exists, ttl, batch_size, **extra)
    restore_writes.choose(native, url, plan)
    # "fail" reads the frame twice: every key is checked before anything is written.
    if _cluster_writes.is_cluster(url):
        return _cluster_writes.write(native, df, url, plan)
    precheck = df.__arrow_c_stream__() if if_exists == "fail" and plan.get("precheck", True) else None
    return native(url, df.__arrow_c_stream__(), precheck, plan)


def _sink(
    native: Callable[..., int],
    lf: pl.LazyFrame,
    url: str,
    *,
    key_column: str | None,
    key_prefix: str,
    if_exists: str,
    ttl: int | str | None,
    batch_size: int,
    **extra: Any,
) -> int:
    """Write a LazyFrame batch by batch (memory bounded by a batch); returns the rows written."""
    if not isinstance(lf, pl.LazyFrame):
        raise ConfigurationError(f"expected a polars LazyFrame, got {type(lf).__name__}")
    _check_options(lf.collect_schema().names(), url, key_column=key_column, if_exists=if_exists, ttl=ttl,
                   batch_size=batch_size)
    if if_exists == "fail":
        # Every key is checked before anything is written: the keys alone are computed first
        # (the query runs twice, but only the key column is ever held in memory).
        keys = lf.select(key_column).collect() if key_column else lf.select(pl.len()).collect()
        if key_column is None:
            keys = pl.DataFrame({"row": pl.int_range(keys.item(), eager=True)})
        check_plan = _plan(key_column, key_prefix, if_exists, ttl, batch_size)
        if _cluster_writes.is_cluster(url):
            _cluster_writes.check_absent(keys, url, check_plan)
        else:
            _core.check_keys_absent(url, keys.__arrow_c_stream__(), check_plan)
    method: dict[str, Any] = {"if_exists": if_exists}
    restore_writes.choose(native, url, method)  # once for every batch
    written = 0
    for batch in lf.collect_batches(chunk_size=batch_size):
        written += _write(native, batch, url, key_column=key_column, key_prefix=key_prefix, if_exists=if_exists,
                          ttl=ttl, batch_size=batch_size, row_offset=written, precheck=False,
                          **{k: v for k, v in method.items() if k != "if_exists"}, **extra)
    return written


def write_hashes(
    df: pl.DataFrame,
    url: str | Client,
    *,
    key_column: str | None = "_key",
    key_prefix: str = "",
    if_exists: IfExists = "replace",
    ttl: int | str | None = None,
    batch_size: int = 1000,
) -> int:
    """Write each row of `df` as one Redis hash; returns the number of rows written.

    Every column other than the key (and a TTL column) becomes a field; a null cell leaves the
    field out. Values are written canonically: booleans ``true``/``false``, floats in shortest
    round-trip form, decimals exactly, dates and datetimes in ISO 8601 (``Z`` for zoned columns),
    lists and structs as JSON text. Keys, TTLs and ``if_exists`` follow the module's rules.

    Example:
        >>> df = pl.DataFrame({"id": [1, 2], "name": ["Alice", "Bob"]})      # doctest: +SKIP
        >>> pr.write_hashes(df, url, key_column="id", key_prefix="user:")   # doctest: +SKIP
        2
    """
    url = as_url(url)
    return _write(_core.write_hashes, df, url, key_column=key_column, key_prefix=key_prefix,
                  if_exists=if_exists, ttl=ttl, batch_size=batch_size)


def write_json(
    df: pl.DataFrame,
    url: str | Client,
    *,
    key_column: str | None = "_key",
    key_prefix: str = "",
    if_exists: IfExists = "replace",
    ttl: int | str | None = None,
    batch_size: int = 1000,
) -> int:
    """Write each row of `df` as one RedisJSON document; returns the number of rows written.

    The document is an object of every column other than the key (and a TTL column): numbers,
    booleans, strings, decimals as exact numbers, temporal values as ISO 8601 strings, nulls as
    JSON null, lists and structs nested. NaN and infinity have no JSON form and are an error.
    Keys, TTLs and ``if_exists`` follow the module's rules.

    Example:
        >>> df = pl.DataFrame({"_key": ["doc:1"], "tags": [["a", "b"]], "n": [1]})  # doctest: +SKIP
        >>> pr.write_json(df, url)                                                 # doctest: +SKIP
        1
    """
    url = as_url(url)
    return _write(_core.write_json, df, url, key_column=key_column, key_prefix=key_prefix,
                  if_exists=if_exists, ttl=ttl, batch_size=batch_size)


def write_strings(
    df: pl.DataFrame,
    url: str | Client,
    *,
    key_column: str | None = "_key",
    value_column: str = "value",
    key_prefix: str = "",
    ttl: int | str | None = None,
    batch_size: int = 1000,
    if_exists: IfExists = "replace",
) -> int:
    """Write `value_column` of each row as a Redis string; returns the number of rows written.

    Values are written as canonical text (see :func:`write_hashes`); a null value writes nothing.
    Other columns are ignored. Keys, TTLs and ``if_exists`` follow the module's rules.

    Example:
        >>> df = pl.DataFrame({"_key": ["result:1", "result:2"], "value": [100, 200]})  # doctest: +SKIP
        >>> pr.write_strings(df, url, ttl=3600)                                       # doctest: +SKIP
        2
    """
    url = as_url(url)
    if value_column not in df.columns:
        raise ConfigurationError(f"value_column {value_column!r} is not a column of the frame ({df.columns})")
    ignored = [c for c in df.columns if c not in (key_column, value_column, ttl)]
    return _write(_core.write_strings, df, url, key_column=key_column, key_prefix=key_prefix,
                  if_exists=if_exists, ttl=ttl, batch_size=batch_size, value_column=value_column,
                  ignored_columns=ignored)


def sink_hashes(
    lf: pl.LazyFrame,
    url: str | Client,
    *,
    key_column: str | None = "_key",
    key_prefix: str = "",
    if_exists: IfExists = "replace",
    ttl: int | str | None = None,
    batch_size: int = 1000,
) -> int:
    """Stream a LazyFrame into Redis hashes batch by batch; returns the rows written.

    Like :func:`write_hashes`, without materialising the frame: memory stays bounded by
    ``batch_size`` rows. Row-number keys (``key_column=None``) continue across batches. Under
    ``if_exists="fail"`` the key column is computed first (the query runs twice) so that every key
    is checked before anything is written.

    Example:
        >>> lf = pl.scan_parquet("users.parquet")                     # doctest: +SKIP
        >>> pr.sink_hashes(lf, url, key_column="id", key_prefix="user:")  # doctest: +SKIP
    """
    url = as_url(url)
    return _sink(_core.write_hashes, lf, url, key_column=key_column, key_prefix=key_prefix,
                 if_exists=if_exists, ttl=ttl, batch_size=batch_size)


def sink_json(
    lf: pl.LazyFrame,
    url: str | Client,
    *,
    key_column: str | None = "_key",
    key_prefix: str = "",
    if_exists: IfExists = "replace",
    ttl: int | str | None = None,
    batch_size: int = 1000,
) -> int:
    """Stream a LazyFrame into RedisJSON documents batch by batch (see :func:`sink_hashes`).

    Example:
        >>> pr.sink_json(pl.scan_ndjson("events.ndjson"), url, key_column="id", key_prefix="event:")  # doctest: +SKIP
    """
    url = as_url(url)
    return _sink(_core.write_json, lf, url, key_column=key_column, key_prefix=key_prefix,
                 if_exists=if_exists, ttl=ttl, batch_size=batch_size)


def sink_strings(
    lf: pl.LazyFrame,
    url: str | Client,
    *,
    key_column: str | None = "_key",
    value_column: str = "value",
    key_prefix: str = "",
    ttl: int | str | None = None,
    batch_size: int = 1000,
    if_exists: IfExists = "replace",
) -> int:
    """Stream a LazyFrame's `value_column` into Redis strings batch by batch (see :func:`sink_hashes`).

    Example:
        >>> pr.sink_strings(lf.select("_key", "value"), url, ttl=60)  # doctest: +SKIP
    """
    url = as_url(url)
    columns = lf.collect_schema().names()
    if value_column not in columns:
        raise ConfigurationError(f"value_column {value_column!r} is not a column of the frame ({columns})")
    ignored = [c for c in columns if c not in (key_column, value_column, ttl)]
    return _sink(_core.write_strings, lf, url, key_column=key_column, key_prefix=key_prefix,
                 if_exists=if_exists, ttl=ttl, batch_size=batch_size, value_column=value_column,
                 ignored_columns=ignored)
