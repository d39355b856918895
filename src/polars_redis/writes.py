"""Writing DataFrames to Redis: one key per row, as hashes, JSON documents or strings.

All writers share these rules.

Keys: ``key_prefix`` + the value of ``key_column``; with ``key_column=None``, ``key_prefix`` + the
row number. A null key is an error.

TTL (``ttl``): seconds for every key (1 to ``MAX_TTL_SECONDS``), or the name of a column holding
per-row seconds (integers) or a Datetime to expire at; a null means no expiry for that row.

Before anything is sent, every row is encoded and checked: keys, TTLs, and every value the server
could refuse (see docs/writes.md). A problem there raises naming the row, the key and the column,
and nothing is written. A row with nothing to store (a null string, a hash row of nulls) changes
nothing.

Modes (``if_exists``):

- ``"replace"`` (default, in Python and on the command line): each key is replaced atomically
  (DEL, write and EXPIRE in one MULTI/EXEC that cannot fail half-way, its values having been
  checked): a reader sees the old value or the new one, never a mix or a key without its TTL.
  **A hash becomes exactly the row: fields the frame does not have are dropped** (unlike redis-py's
  ``hset``, which merges). To merge, use ``"append"``.
- ``"append"`` (the merge): hashes get their fields merged (HSET), JSON documents are merged (JSON.MERGE, null
  fields left out at every level), strings are overwritten but keep an existing TTL (SET KEEPTTL).
  With a TTL, each batch's key types are checked under WATCH before the merges and TTLs are
  applied together, so a key of another type is never merged into nor given the TTL.
- ``"fail"``: if any target key exists, `KeyExistsError` names them before anything is
  written; each batch of ``batch_size`` keys is then checked again under WATCH and written in one
  MULTI/EXEC, which the server aborts if another client created one of its keys meanwhile.

Commands are encoded in C++ straight from the Arrow buffers and pipelined; every reply is checked.
If a write fails after sending began, the error names the rows (and keys) that were committed,
counted after every reply in flight has been read; every other key is untouched. The count is
also the exception's ``committed_rows`` attribute.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl

from polars_redis import _cluster_writes, _core, restore_writes
from polars_redis._connection import as_url
from polars_redis.client import Client
from polars_redis._core import ConfigurationError, RedisError
from polars_redis._write_modes import DEFAULT_IF_EXISTS, WRITE_MODES, IfExists

__all__ = ["sink_hashes", "sink_json", "sink_strings", "write_hashes", "write_json", "write_strings"]


MAX_TTL_SECONDS: int = _core.MAX_TTL_SECONDS
"""The longest TTL a write accepts: Redis keeps expiry times as 64-bit epoch milliseconds."""


def _check_ttl(ttl: int) -> None:
    if isinstance(ttl, bool) or not isinstance(ttl, int) or not 1 <= ttl <= MAX_TTL_SECONDS:
        raise ConfigurationError(f"ttl must be 1 to {MAX_TTL_SECONDS} seconds, got {ttl!r}")


def _check_options(
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
        _check_ttl(ttl)
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
    plan.pop("method", None)  # choose()'s own marker; the core reads only plan["restore"]
    if _cluster_writes.is_cluster(url):
        return _cluster_writes.write(native, df, url, plan)
    # The frame is exported twice: every row is checked before anything is written.
    return native(url, df.__arrow_c_stream__(), df.__arrow_c_stream__(), plan)


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
    cluster = _cluster_writes.is_cluster(url)
    for batch in lf.collect_batches(chunk_size=batch_size):
        # row_offset: the rows before were all committed (a failure names them too).
        try:
            n = _write(native, batch, url, key_column=key_column, key_prefix=key_prefix, if_exists=if_exists,
                       ttl=ttl, batch_size=batch_size, row_offset=written, precheck=False,
                       **{k: v for k, v in method.items() if k != "if_exists"}, **extra)
        except RedisError as error:
            if cluster and written and hasattr(error, "committed_rows"):  # a cluster's parts count from 0
                error.args = (f"{error} [and the {written} row(s) of earlier batches]",)
                error.committed_rows += written
            raise
        written += n
        if on_batch is not None:
            on_batch(n)
    return written


def write_hashes(
    df: pl.DataFrame,
    url: str | Client,
    *,
    key_column: str | None = "_key",
    key_prefix: str = "",
    if_exists: IfExists = DEFAULT_IF_EXISTS,
    ttl: int | str | None = None,
    batch_size: int = 1000,
) -> int:
    """Write each row of `df` as one Redis hash; returns the number of rows written.

    Every column other than the key (and a TTL column) becomes a field; a null cell leaves the
    field out. Values are written canonically: booleans ``true``/``false``, floats in shortest
    round-trip form, decimals exactly, dates and datetimes in ISO 8601 (``Z`` for zoned columns),
    lists and structs as JSON text. Keys, TTLs and ``if_exists`` follow the module's rules.

    Warning:
        The default ``if_exists="replace"`` makes each hash exactly its row: **fields the frame
        does not have are deleted** from an existing hash. redis-py's ``hset`` merges instead;
        for that, pass ``if_exists="append"`` (HSET of the row's fields, the others kept).

    Args:
        df: the frame to write.
        url: a connection URL or a [Client][polars_redis.client.Client].
        key_column: the column whose values (after `key_prefix`) name the keys; ``None`` numbers
            the rows instead.
        key_prefix: prepended to every key.
        if_exists: ``"replace"`` (the default: each key becomes exactly its row, atomically),
            ``"append"`` (merge into what is there) or ``"fail"``; see
            [writes][polars_redis.writes].
        ttl: seconds for every key, or the name of a column of per-row seconds or Datetimes to
            expire at (null: no expiry).
        batch_size: rows encoded and pipelined per batch.

    Returns:
        The number of rows written.

    Raises:
        ConfigurationError: an invalid URL or option, a missing column, a duplicate or null key,
            or a value Redis cannot store; nothing is written then.
        KeyExistsError: ``if_exists="fail"`` found keys that already exist; nothing is written.
        RedisConnectionError: the server cannot be reached or the connection was lost
            (AuthenticationError when it rejects the credentials); the message says which keys
            were committed.
        RedisTimeoutError: the server did not answer in time.
        ResponseError: the server rejected a command.

    Examples:
        >>> df = pl.DataFrame({"id": [1, 2], "name": ["Alice", "Bob"]})
        >>> pr.write_hashes(df, url, key_column="id", key_prefix="user:")
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
    if_exists: IfExists = DEFAULT_IF_EXISTS,
    ttl: int | str | None = None,
    batch_size: int = 1000,
) -> int:
    """Write each row of `df` as one RedisJSON document; returns the number of rows written.

    The document is an object of every column other than the key (and a TTL column): numbers,
    booleans, strings, decimals as exact numbers, temporal values as ISO 8601 strings, nulls as
    JSON null, lists and structs nested. NaN and infinity have no JSON form, a document may nest
    at most 127 levels, and a Decimal that RedisJSON (which keeps doubles) would round is refused:
    each is an error naming the row, key and column, before anything is written. Floats are sent
    in a form RedisJSON parses to exactly their value where one exists. Keys, TTLs and
    ``if_exists`` follow the module's rules.

    Args:
        df: the frame to write.
        url: a connection URL or a [Client][polars_redis.client.Client].
        key_column: the column whose values (after `key_prefix`) name the keys; ``None`` numbers
            the rows instead.
        key_prefix: prepended to every key.
        if_exists: ``"replace"`` (the default: each key becomes exactly its row, atomically),
            ``"append"`` (merge into what is there) or ``"fail"``; see
            [writes][polars_redis.writes].
        ttl: seconds for every key, or the name of a column of per-row seconds or Datetimes to
            expire at (null: no expiry).
        batch_size: rows encoded and pipelined per batch.

    Returns:
        The number of rows written.

    Raises:
        ConfigurationError: an invalid URL or option, a missing column, a duplicate or null key,
            or a value Redis cannot store; nothing is written then.
        KeyExistsError: ``if_exists="fail"`` found keys that already exist; nothing is written.
        RedisConnectionError: the server cannot be reached or the connection was lost
            (AuthenticationError when it rejects the credentials); the message says which keys
            were committed.
        RedisTimeoutError: the server did not answer in time.
        ResponseError: the server rejected a command.

    Examples:
        >>> df = pl.DataFrame({"_key": ["doc:1"], "tags": [["a", "b"]], "n": [1]})
        >>> pr.write_json(df, url)
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
    if_exists: IfExists = DEFAULT_IF_EXISTS,
) -> int:
    """Write `value_column` of each row as a Redis string; returns the number of rows written.

    Values are written as canonical text (see [write_hashes][polars_redis.writes.write_hashes]); a
    null value writes nothing.
    Other columns are ignored. Keys, TTLs and ``if_exists`` follow the module's rules.

    Args:
        df: the frame to write.
        url: a connection URL or a [Client][polars_redis.client.Client].
        value_column: the column written as each key's value.
        key_column: the column whose values (after `key_prefix`) name the keys; ``None`` numbers
            the rows instead.
        key_prefix: prepended to every key.
        if_exists: ``"replace"`` (the default: each key becomes exactly its row, atomically),
            ``"append"`` (merge into what is there) or ``"fail"``; see
            [writes][polars_redis.writes].
        ttl: seconds for every key, or the name of a column of per-row seconds or Datetimes to
            expire at (null: no expiry).
        batch_size: rows encoded and pipelined per batch.

    Returns:
        The number of rows written.

    Raises:
        ConfigurationError: an invalid URL or option, a missing column, a duplicate or null key,
            or a value Redis cannot store; nothing is written then.
        KeyExistsError: ``if_exists="fail"`` found keys that already exist; nothing is written.
        RedisConnectionError: the server cannot be reached or the connection was lost
            (AuthenticationError when it rejects the credentials); the message says which keys
            were committed.
        RedisTimeoutError: the server did not answer in time.
        ResponseError: the server rejected a command.

    Examples:
        >>> df = pl.DataFrame({"_key": ["result:1", "result:2"], "value": [100, 200]})
        >>> pr.write_strings(df, url, ttl=3600)
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
    if_exists: IfExists = DEFAULT_IF_EXISTS,
    ttl: int | str | None = None,
    batch_size: int = 1000,
) -> int:
    """Stream a LazyFrame into Redis hashes batch by batch; returns the rows written.

    Like [write_hashes][polars_redis.writes.write_hashes], without materialising the frame: memory
    stays bounded by
    ``batch_size`` rows. Row-number keys (``key_column=None``) continue across batches. Under
    ``if_exists="fail"`` the key column is computed first (the query runs twice) so that every key
    is checked before anything is written.

    Warning:
        As with [write_hashes][polars_redis.writes.write_hashes], the default
        ``if_exists="replace"`` deletes the fields an existing hash has and the frame lacks;
        ``if_exists="append"`` merges.

    Args:
        lf: the LazyFrame to stream (its query runs in batches).
        url: a connection URL or a [Client][polars_redis.client.Client].
        key_column: the column whose values (after `key_prefix`) name the keys; ``None`` numbers
            the rows instead.
        key_prefix: prepended to every key.
        if_exists: ``"replace"`` (the default: each key becomes exactly its row, atomically),
            ``"append"`` (merge into what is there) or ``"fail"``; see
            [writes][polars_redis.writes].
        ttl: seconds for every key, or the name of a column of per-row seconds or Datetimes to
            expire at (null: no expiry).
        batch_size: rows encoded and pipelined per batch.

    Returns:
        The number of rows written.

    Raises:
        ConfigurationError: an invalid URL or option, a missing column, a duplicate or null key,
            or a value Redis cannot store; nothing is written then.
        KeyExistsError: ``if_exists="fail"`` found keys that already exist; nothing is written.
        RedisConnectionError: the server cannot be reached or the connection was lost
            (AuthenticationError when it rejects the credentials); the message says which keys
            were committed.
        RedisTimeoutError: the server did not answer in time.
        ResponseError: the server rejected a command.

    Examples:
        >>> pl.DataFrame({"id": [1, 2], "name": ["Ada", "Bo"]}).write_parquet("users.parquet")
        >>> lf = pl.scan_parquet("users.parquet")
        >>> pr.sink_hashes(lf, url, key_column="id", key_prefix="user:")
        2
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
    if_exists: IfExists = DEFAULT_IF_EXISTS,
    ttl: int | str | None = None,
    batch_size: int = 1000,
) -> int:
    """Stream a LazyFrame into RedisJSON documents batch by batch (see
    [sink_hashes][polars_redis.writes.sink_hashes]).

    Args:
        lf: the LazyFrame to stream (its query runs in batches).
        url: a connection URL or a [Client][polars_redis.client.Client].
        key_column: the column whose values (after `key_prefix`) name the keys; ``None`` numbers
            the rows instead.
        key_prefix: prepended to every key.
        if_exists: ``"replace"`` (the default: each key becomes exactly its row, atomically),
            ``"append"`` (merge into what is there) or ``"fail"``; see
            [writes][polars_redis.writes].
        ttl: seconds for every key, or the name of a column of per-row seconds or Datetimes to
            expire at (null: no expiry).
        batch_size: rows encoded and pipelined per batch.

    Returns:
        The number of rows written.

    Raises:
        ConfigurationError: an invalid URL or option, a missing column, a duplicate or null key,
            or a value Redis cannot store; nothing is written then.
        KeyExistsError: ``if_exists="fail"`` found keys that already exist; nothing is written.
        RedisConnectionError: the server cannot be reached or the connection was lost
            (AuthenticationError when it rejects the credentials); the message says which keys
            were committed.
        RedisTimeoutError: the server did not answer in time.
        ResponseError: the server rejected a command.

    Examples:
        >>> pl.DataFrame({"id": [7], "kind": ["signup"]}).write_ndjson("events.ndjson")
        >>> pr.sink_json(pl.scan_ndjson("events.ndjson"), url, key_column="id", key_prefix="event:")
        1
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
    if_exists: IfExists = DEFAULT_IF_EXISTS,
) -> int:
    """Stream a LazyFrame's `value_column` into Redis strings batch by batch (see
    [sink_hashes][polars_redis.writes.sink_hashes]).

    Args:
        lf: the LazyFrame to stream (its query runs in batches).
        url: a connection URL or a [Client][polars_redis.client.Client].
        value_column: the column written as each key's value.
        key_column: the column whose values (after `key_prefix`) name the keys; ``None`` numbers
            the rows instead.
        key_prefix: prepended to every key.
        if_exists: ``"replace"`` (the default: each key becomes exactly its row, atomically),
            ``"append"`` (merge into what is there) or ``"fail"``; see
            [writes][polars_redis.writes].
        ttl: seconds for every key, or the name of a column of per-row seconds or Datetimes to
            expire at (null: no expiry).
        batch_size: rows encoded and pipelined per batch.

    Returns:
        The number of rows written.

    Raises:
        ConfigurationError: an invalid URL or option, a missing column, a duplicate or null key,
            or a value Redis cannot store; nothing is written then.
        KeyExistsError: ``if_exists="fail"`` found keys that already exist; nothing is written.
        RedisConnectionError: the server cannot be reached or the connection was lost
            (AuthenticationError when it rejects the credentials); the message says which keys
            were committed.
        RedisTimeoutError: the server did not answer in time.
        ResponseError: the server rejected a command.

    Examples:
        >>> lf = pl.LazyFrame({"_key": ["session:a", "session:b"], "value": ["x", "y"]})
        >>> pr.sink_strings(lf.select("_key", "value"), url, ttl=60)
        2
    """
    url = as_url(url)
    columns = lf.collect_schema().names()
    if value_column not in columns:
        raise ConfigurationError(f"value_column {value_column!r} is not a column of the frame ({columns})")
    ignored = [c for c in columns if c not in (key_column, value_column, ttl)]
    return _sink(_core.write_strings, lf, url, key_column=key_column, key_prefix=key_prefix,
                 if_exists=if_exists, ttl=ttl, batch_size=batch_size, value_column=value_column,
                 ignored_columns=ignored)
