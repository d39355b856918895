"""What the set, list and sorted-set readers share: the key scan of one collection type, one row
per member or element (readers/sets.py, lists.py, zsets.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl

from polars_redis import _core
from polars_redis.engine.dtypes import normalize_schema, to_descriptor
from polars_redis.engine.key_columns import KeyColumns, check_scan_sizes
from polars_redis.engine.recorder import start_native
from polars_redis.pushdown.planner import KeyPushdown
from polars_redis.readers.snapshot_source import rdb_file, snapshot_pushdown
from polars_redis.readers.source import lazy_frame


def scan_collection(
    url: str,
    pattern: str,
    start: Callable[[str, dict[str, Any]], Any],
    values: list[tuple[str, str, pl.DataType, dict[str, Any]]],
    extra_plan: dict[str, Any],
    *,
    name: str,
    key_columns: KeyColumns,
    batch_size: int,
    count_hint: int,
    ignore_errors: bool,
    snapshot: bool,
    budget: dict[str, float] | None = None,
) -> pl.LazyFrame:
    """A LazyFrame over the key scan of one collection type.

    `values` lists the reader's own columns as (plan flag, column name, dtype, plan entries): the
    flag is set in the plan only when Polars needs that column.
    """
    _core.validate_url(url)  # a malformed URL fails here, not at collect time
    check_scan_sizes(batch_size, count_hint)
    schema = key_columns.schema([(column, dtype) for _, column, dtype, _ in values], "give each column its own name")

    def start_scan(wanted_columns: list[str], n_rows: int | None, source: dict[str, Any]) -> Any:
        wanted = set(wanted_columns)
        plan: dict[str, Any] = {
            "pattern": pattern,
            **key_columns.plan(wanted),
            "batch_size": batch_size,
            "count_hint": count_hint,
            "n_rows": n_rows,
            "ignore_errors": ignore_errors,
            **extra_plan,
            **(budget or {}),
            **source,
        }
        for flag, column, _, entries in values:
            plan[flag] = column in wanted
            plan.update(entries)
        return start_native(start, url, plan)

    pushdown = snapshot_pushdown(url, pattern, key_columns.key_column, snapshot=snapshot, rdb_path=rdb_file())
    pushdown = pushdown or KeyPushdown(url, pattern, key_columns.key_column)
    return lazy_frame(start_scan, schema, name=name, detail=f"pattern={pattern!r}", pushdown=pushdown)


def member_column(flag: str, column: str, dtype: Any, plan_name: str) -> tuple[str, str, pl.DataType, dict[str, Any]]:
    resolved = normalize_schema({column: dtype}, what=plan_name)[column]  # ConfigurationError for unsupported dtypes
    return (flag, column, resolved, {plan_name: to_descriptor(column, resolved)})
