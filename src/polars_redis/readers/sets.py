"""Redis sets as Polars frames: one row per member (scan_set, read_set)."""

from __future__ import annotations

from typing import Any

import polars as pl

from polars_redis import _core
from polars_redis._doc_fragments import shared_docs
from polars_redis.client import Client
from polars_redis.engine.budget import scan_budget
from polars_redis.engine.connection import as_url
from polars_redis.engine.dtypes import SchemaLike
from polars_redis.engine.key_columns import KeyColumns
from polars_redis.engine.read_options import Overrides, check_n_rows
from polars_redis.readers.collections import member_column, scan_collection
from polars_redis.readers.eager import eager_twin

__all__ = ["scan_set", "read_set"]


@shared_docs
def scan_set(
    url: str | Client,
    pattern: str = "*",
    *,
    member_type: Any = pl.Utf8,
    member_column_name: str = "member",
    include_key: bool = True,
    key_column_name: str = "_key",
    include_row_index: bool | None = None,
    row_index_column_name: str | None = None,
    row_index_offset: int = 0,
    row_index_name: str | None = None,
    n_rows: int | None = None,
    schema_overrides: SchemaLike | None = None,
    batch_size: int = 1000,
    count_hint: int = 500,
    ignore_errors: bool = False,
    snapshot: bool = False,
    max_server_share: float | None = None,
    max_commands_per_second: float | None = None,
) -> pl.LazyFrame:
    """Lazily scan Redis sets whose keys match `pattern`: one row per member.

    Each set is read with SSCAN: a small set in one call, a large one in pages (members that SSCAN
    returns twice while the server resizes the set appear once). Selecting only the key column
    (or ``pl.len()``) reads no member at all: SCARD gives the number of rows per set.

    Args:
        url: ``redis://[[user]:password@]host[:port][/db]``, ``rediss://`` for TLS, or
            ``unix:///path?db=N``.
        pattern: SCAN MATCH pattern; keys of other types are skipped.
        member_type: dtype the members are parsed as (any scalar dtype
            [scan_hashes][polars_redis.readers.hashes.scan_hashes]
            accepts, parsed the same way).
        member_column_name: name of the member column.
        {{key column}}
        {{row index}}
        {{member rows}}
        batch_size: rows per batch handed to Polars (a page of a large set may make a larger one).
        count_hint: SCAN COUNT hint for finding the keys.
        {{snapshot}}
        ignore_errors: read members that do not parse as `member_type` as null instead of raising
            `SchemaError`.
        {{scan budget}}

    {{typed scan returns}}

    Examples:
        >>> lf = pr.scan_set(url, "tags:*")
        >>> lf.group_by("member").len().sort("len", "member", descending=True).collect().rows()
        [('polars', 2), ('redis', 1)]
    """
    url = as_url(url)
    n_rows = check_n_rows(n_rows)
    overrides = Overrides(schema_overrides)
    return overrides.finish(scan_collection(
        url, pattern, _core.scan_sets,
        [member_column("include_member", member_column_name, overrides.dtype(member_column_name, member_type),
                 "member_type")],
        {"member_column_name": member_column_name},
        name="redis sets", key_columns=KeyColumns.from_arguments(locals(), per_key_metadata=False), batch_size=batch_size, count_hint=count_hint,
        ignore_errors=ignore_errors, snapshot=snapshot,
        budget=scan_budget(max_server_share, max_commands_per_second, snapshot=snapshot),
    ), n_rows)


@eager_twin(scan_set)
@shared_docs
def read_set() -> None:
    """Read Redis sets into a DataFrame (eager [scan_set][polars_redis.readers.sets.scan_set]).

    Returns:
        One row per set member.

    {{eager read raises}}

    Examples:
        >>> pr.read_set(url, "tags:post:2").rows()
        [('tags:post:2', 'polars')]
    """
