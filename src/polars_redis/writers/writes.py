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

import polars as pl

from polars_redis import _core
from polars_redis._doc_fragments import shared_docs
from polars_redis.client import Client
from polars_redis.engine.connection import as_url
from polars_redis.writers.modes import DEFAULT_IF_EXISTS, IfExists
from polars_redis.writers.pipeline import MAX_TTL_SECONDS as MAX_TTL_SECONDS  # pr.writes.MAX_TTL_SECONDS, as documented
from polars_redis.writers.pipeline import run_write, strings_options

__all__ = ["write_hashes", "write_json", "write_strings"]


@shared_docs
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
        {{frame and url}}
        {{write keys}}

    {{write returns and raises}}

    Examples:
        >>> df = pl.DataFrame({"id": [1, 2], "name": ["Alice", "Bob"]})
        >>> pr.write_hashes(df, url, key_column="id", key_prefix="user:")
        2
    """
    url = as_url(url)
    return run_write(_core.write_hashes, df, url, key_column=key_column, key_prefix=key_prefix,
                     if_exists=if_exists, ttl=ttl, batch_size=batch_size)


@shared_docs
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
        {{frame and url}}
        {{write keys}}

    {{write returns and raises}}

    Examples:
        >>> df = pl.DataFrame({"_key": ["doc:1"], "tags": [["a", "b"]], "n": [1]})
        >>> pr.write_json(df, url)
        1
    """
    url = as_url(url)
    return run_write(_core.write_json, df, url, key_column=key_column, key_prefix=key_prefix,
                     if_exists=if_exists, ttl=ttl, batch_size=batch_size)


@shared_docs
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

    Values are written as canonical text (see [write_hashes][polars_redis.writers.writes.write_hashes]); a
    null value writes nothing.
    Other columns are ignored. Keys, TTLs and ``if_exists`` follow the module's rules.

    Args:
        {{frame and url}}
        value_column: the column written as each key's value.
        {{write keys}}

    {{write returns and raises}}

    Examples:
        >>> df = pl.DataFrame({"_key": ["result:1", "result:2"], "value": [100, 200]})
        >>> pr.write_strings(df, url, ttl=3600)
        2
    """
    url = as_url(url)
    own = strings_options(df.columns, key_column=key_column, value_column=value_column, ttl=ttl)
    return run_write(_core.write_strings, df, url, key_column=key_column, key_prefix=key_prefix,
                     if_exists=if_exists, ttl=ttl, batch_size=batch_size, **own)
