"""Redis lists as Polars frames: one row per element (scan_list, read_list)."""

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

__all__ = ["scan_list", "read_list"]


@shared_docs
def scan_list(
    url: str | Client,
    pattern: str = "*",
    *,
    element_type: Any = pl.Utf8,
    element_column_name: str = "element",
    include_position: bool = True,
    position_column_name: str = "position",
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
    """Lazily scan Redis lists whose keys match `pattern`: one row per element, duplicates kept.

    Each list is read with LRANGE: the first 1000 elements in one command, a longer list in
    further pages, several in flight. Selecting only the key column (or ``pl.len()``) reads no
    element: LLEN gives the number of rows per list.

    Args:
        url: Redis URL (see [scan_set][polars_redis.readers.sets.scan_set]).
        pattern: SCAN MATCH pattern; keys of other types are skipped.
        element_type: dtype the elements are parsed as (any scalar dtype
            [scan_hashes][polars_redis.readers.hashes.scan_hashes]
            accepts).
        element_column_name: name of the element column.
        include_position: add the element's 0-based index in its list as an Int64 column.
        position_column_name: name of the position column.
        {{key column}}
        {{row index}}
        {{member rows}}
        batch_size: rows per batch handed to Polars (a page of a long list may make a larger one).
        count_hint: SCAN COUNT hint for finding the keys.
        {{snapshot}}
        ignore_errors: read elements that do not parse as `element_type` as null instead of
            raising `SchemaError`.
        {{scan budget}}

    {{typed scan returns}}

    Examples:
        >>> lf = pr.scan_list(url, "queue:*", element_type=pl.Int64)
        >>> lf.filter(pl.col("position") < 2).collect().rows()
        [('queue:jobs', 1, 0), ('queue:jobs', 2, 1)]
    """
    url = as_url(url)
    n_rows = check_n_rows(n_rows)
    overrides = Overrides(schema_overrides)
    return overrides.finish(scan_collection(
        url, pattern, _core.scan_lists,
        [member_column("include_element", element_column_name, overrides.dtype(element_column_name, element_type),
                 "element_type")]
        + ([("include_position", position_column_name, pl.Int64(), {})] if include_position else []),
        {
            "element_column_name": element_column_name, "position_column_name": position_column_name,
            "include_position": False,  # set again below when the column exists and is wanted
        },
        name="redis lists", key_columns=KeyColumns.from_arguments(locals(), per_key_metadata=False), batch_size=batch_size, count_hint=count_hint,
        ignore_errors=ignore_errors, snapshot=snapshot,
        budget=scan_budget(max_server_share, max_commands_per_second, snapshot=snapshot),
    ), n_rows)


@eager_twin(scan_list)
@shared_docs
def read_list() -> None:
    """Read Redis lists into a DataFrame (eager [scan_list][polars_redis.readers.lists.scan_list]).

    Returns:
        One row per list element.

    {{eager read raises}}

    Examples:
        >>> pr.read_list(url, "queue:*")["element"].to_list()
        ['1', '2', '3']
    """
