"""Writing DataFrames to Redis."""

from __future__ import annotations

from typing import Literal

import polars as pl

from polars_redis import _core
from polars_redis._core import ConfigurationError

__all__ = ["write_hashes"]

IfExists = Literal["fail", "replace", "append"]


def write_hashes(
    df: pl.DataFrame,
    url: str,
    *,
    key_column: str | None = "_key",
    key_prefix: str = "",
    if_exists: IfExists = "replace",
    ttl: int | str | None = None,
    batch_size: int = 1000,
) -> int:
    """Write each row of `df` as one Redis hash; returns the number of rows written.

    Every column other than the key (and a TTL column) becomes a hash field; a null cell leaves
    the field out. Values are written canonically: booleans ``true``/``false``, floats in shortest
    round-trip form, decimals exactly, dates and datetimes in ISO 8601 (``Z`` for zoned columns),
    lists and structs as JSON. Commands are encoded in C++ from the Arrow buffers and pipelined.

    Keys: ``key_prefix`` + the value of ``key_column``; with ``key_column=None``, ``key_prefix`` +
    the row number.

    Modes (``if_exists``):
        - ``"replace"``: each key is replaced atomically (DEL + HSET + EXPIRE in one MULTI/EXEC):
          a reader sees the old hash or the new one, never a mix or a key without its TTL.
        - ``"append"``: fields are merged into existing hashes (HSET).
        - ``"fail"``: if any target key exists, :class:`KeyExistsError` names them before
          anything is written; each batch of ``batch_size`` keys is then checked and written
          atomically (a Lua script), so a concurrent writer cannot slip in between.

    ``ttl``: seconds for every key, or the name of a column holding per-row seconds (integers) or
    a Datetime to expire at; null means no expiry for that row.

    If the write fails midway, the error states how many rows were committed; every key is
    either fully written or untouched.

    Example:
        >>> df = pl.DataFrame({"id": [1, 2], "name": ["Alice", "Bob"]})      # doctest: +SKIP
        >>> pr.write_hashes(df, url, key_column="id", key_prefix="user:")   # doctest: +SKIP
        2
    """
    _core.validate_url(url)
    if batch_size < 1:
        raise ConfigurationError(f"batch_size must be at least 1, got {batch_size}")
    if if_exists not in ("fail", "replace", "append"):
        raise ConfigurationError(f"if_exists must be 'fail', 'replace' or 'append', got {if_exists!r}")
    if isinstance(ttl, bool) or (ttl is not None and not isinstance(ttl, (int, str))):
        raise ConfigurationError(f"ttl must be seconds (int), a column name or None, got {ttl!r}")
    if isinstance(ttl, int) and ttl <= 0:
        raise ConfigurationError(f"ttl must be a positive number of seconds, got {ttl}")
    if key_column is not None and key_column not in df.columns:
        raise ConfigurationError(f"key_column {key_column!r} is not a column of the frame ({df.columns})")
    if isinstance(ttl, str) and ttl not in df.columns:
        raise ConfigurationError(f"ttl column {ttl!r} is not a column of the frame ({df.columns})")
    plan = {
        "key_column": key_column,
        "key_prefix": key_prefix,
        "if_exists": if_exists,
        "ttl_seconds": ttl if isinstance(ttl, int) else None,
        "ttl_column": ttl if isinstance(ttl, str) else None,
        "batch_size": batch_size,
    }
    if df.height == 0:
        return 0
    precheck = df.__arrow_c_stream__() if if_exists == "fail" else None
    return _core.write_hashes(url, df.__arrow_c_stream__(), precheck, plan)
