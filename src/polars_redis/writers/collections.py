"""Writing sets, lists and sorted sets: one DataFrame row per member, grouped by key.

Keys, TTLs and ``if_exists`` follow `writes`; a TTL column gives each key the
TTL of its first row. Under ``"replace"`` each key's old members are dropped with the new ones
written (one MULTI/EXEC); ``"append"`` adds members (SADD / RPUSH / ZADD, which updates scores).
A null member and a NaN score are errors naming the frame's row (before grouping), the key and
the column, raised before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from polars_redis import _core
from polars_redis._core import ConfigurationError
from polars_redis._doc_fragments import shared_docs
from polars_redis.client import Client
from polars_redis.engine.connection import as_url
from polars_redis.writers.modes import DEFAULT_IF_EXISTS, IfExists
from polars_redis.writers.pipeline import run_write

__all__ = ["write_list", "write_set", "write_zset"]

_ROWS = "__polars_redis_rows"


def _write_grouped(
    native: Callable[..., int],
    df: pl.DataFrame,
    url: str,
    *,
    key_column: str,
    item_columns: list[str],
    key_prefix: str,
    if_exists: IfExists,
    ttl: int | str | None,
    batch_size: int,
) -> int:
    if not isinstance(df, pl.DataFrame):
        raise ConfigurationError(f"expected a polars DataFrame, got {type(df).__name__}")
    for column in [key_column, *item_columns]:
        if column not in df.columns:
            raise ConfigurationError(f"column {column!r} is not in the frame ({df.columns})")
    if _ROWS in df.columns:
        raise ConfigurationError(f"the column name {_ROWS!r} is reserved")
    # Each item's row in the frame, so that an error names the row rather than the key's group.
    df = df.with_row_index(_ROWS)
    aggregations = [pl.col(c) for c in [*item_columns, _ROWS]]
    if isinstance(ttl, str):
        if ttl not in df.columns:
            raise ConfigurationError(f"ttl column {ttl!r} is not in the frame ({df.columns})")
        aggregations.append(pl.col(ttl).first())
    # One row per key, items in frame order (group_by keeps the order within each group).
    grouped = df.group_by(key_column, maintain_order=True).agg(aggregations)
    extra = {"items_column": item_columns[0], "source_rows_column": _ROWS}
    if len(item_columns) > 1:
        extra["scores_column"] = item_columns[1]
    run_write(native, grouped, url, key_column=key_column, key_prefix=key_prefix, if_exists=if_exists, ttl=ttl,
              batch_size=batch_size, **extra)
    return df.height


@shared_docs
def write_set(
    df: pl.DataFrame,
    url: str | Client,
    *,
    key_column: str = "_key",
    member_column: str = "member",
    key_prefix: str = "",
    if_exists: IfExists = DEFAULT_IF_EXISTS,
    ttl: int | str | None = None,
    batch_size: int = 1000,
) -> int:
    """Write `member_column` into Redis sets, one set per key; returns the rows written.

    Args:
        {{frame and url}}
        member_column: the column of set members.
        {{write keys}}

    {{write returns and raises}}

    Examples:
        >>> df = pl.DataFrame({"_key": ["tags:1", "tags:1"], "member": ["a", "b"]})
        >>> pr.write_set(df, url)
        2
    """
    url = as_url(url)
    return _write_grouped(_core.write_set, df, url, key_column=key_column, item_columns=[member_column],
                          key_prefix=key_prefix, if_exists=if_exists, ttl=ttl, batch_size=batch_size)


@shared_docs
def write_list(
    df: pl.DataFrame,
    url: str | Client,
    *,
    key_column: str = "_key",
    element_column: str = "element",
    key_prefix: str = "",
    if_exists: IfExists = DEFAULT_IF_EXISTS,
    ttl: int | str | None = None,
    batch_size: int = 1000,
) -> int:
    """Write `element_column` into Redis lists (RPUSH, in frame order); returns the rows written.

    Args:
        {{frame and url}}
        element_column: the column of list elements, pushed in frame order.
        {{write keys}}

    {{write returns and raises}}

    Examples:
        >>> df = pl.DataFrame({"_key": ["q", "q"], "element": ["first", "second"]})
        >>> pr.write_list(df, url)
        2
    """
    url = as_url(url)
    return _write_grouped(_core.write_list, df, url, key_column=key_column, item_columns=[element_column],
                          key_prefix=key_prefix, if_exists=if_exists, ttl=ttl, batch_size=batch_size)


@shared_docs
def write_zset(
    df: pl.DataFrame,
    url: str | Client,
    *,
    key_column: str = "_key",
    member_column: str = "member",
    score_column: str = "score",
    key_prefix: str = "",
    if_exists: IfExists = DEFAULT_IF_EXISTS,
    ttl: int | str | None = None,
    batch_size: int = 1000,
) -> int:
    """Write member/score pairs into Redis sorted sets (ZADD); returns the rows written.

    Args:
        {{frame and url}}
        member_column: the column of members.
        score_column: the numeric column of their scores.
        {{write keys}}

    {{write returns and raises}}

    Examples:
        >>> df = pl.DataFrame({"_key": ["board"] * 2, "member": ["ann", "bob"], "score": [3.5, 7.0]})
        >>> pr.write_zset(df, url)
        2
    """
    url = as_url(url)
    if score_column in df.columns and not df.schema[score_column].is_numeric():
        raise ConfigurationError(f"score column {score_column!r} must be numeric, not {df.schema[score_column]}")
    return _write_grouped(_core.write_zset, df, url, key_column=key_column, item_columns=[member_column, score_column],
                          key_prefix=key_prefix, if_exists=if_exists, ttl=ttl, batch_size=batch_size)
