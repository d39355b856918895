"""The LazyFrame of a reader whose values are named fields of each key (hashes, JSON documents)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl

from polars_redis import _core
from polars_redis.engine.key_columns import KeyColumns
from polars_redis.engine.key_template import KeyTemplate, TemplateColumns
from polars_redis.engine.recorder import start_native
from polars_redis.pushdown.planner import KeyPushdown, SearchTarget, SourcePlanner
from polars_redis.readers.source import lazy_frame


def field_scan(
    native: Callable[[str, dict[str, Any]], _core.NativeScan],
    url: str,
    pattern: str,
    *,
    resolve_fields: Callable[[], dict[str, pl.DataType]],
    describe: Callable[[str, pl.DataType], tuple[Any, ...]],
    schema_given: bool,
    key_columns: KeyColumns,
    batch_size: int,
    count_hint: int,
    ignore_errors: bool,
    name: str,
    template: KeyTemplate | None = None,
    search: Callable[[dict[str, pl.DataType]], SearchTarget] | None = None,
    planner: Callable[[Callable[[], dict[str, pl.DataType]]], SourcePlanner] | None = None,
    preflight: Callable[[], None] | None = None,
    budget: dict[str, float] | None = None,
) -> pl.LazyFrame:
    """Fields come from `resolve_fields` (the given schema, or an inference run once, when the
    scan is built); `describe` turns a projected field into its entry in the native plan. `template`
    adds columns parsed from the key; `search` names the index a filter may be pushed to;
    `planner` (given the fields getter) replaces the key pushdown entirely (search_hashes);
    `preflight` runs before every scan (e.g. a check that the server has the module); `budget` holds
    the scan's max_server_share / max_commands_per_second plan entries."""
    resolved: list[dict[str, pl.DataType]] = []

    def fields() -> dict[str, pl.DataType]:
        if not resolved:
            resolved.append(resolve_fields())
        return resolved[0]

    def start_scan(columns: list[str], n_rows: int | None, source: dict[str, Any]) -> _core.NativeScan:
        if preflight is not None:
            preflight()
        all_fields = fields()
        wanted = set(columns)
        projected = [describe(field, dtype) for field, dtype in all_fields.items() if field in wanted]
        plan = {
            "pattern": pattern,
            "fields": projected,
            # Every field needed: fetch the whole value (HGETALL, JSON.GET $) rather than by name.
            "fetch_all": bool(all_fields) and len(projected) == len(all_fields),
            **key_columns.plan(wanted),
            "batch_size": batch_size,
            "count_hint": count_hint,
            "n_rows": n_rows,
            "ignore_errors": ignore_errors,
            **(budget or {}),
            **source,
        }
        return start_native(native, url, plan)

    def output_schema() -> pl.Schema:
        return key_columns.schema(fields())

    key_column = key_columns.key_column
    derived = TemplateColumns(template, key_column, ignore_errors) if template and key_column else None
    # A given schema is resolved here; an inferred one by lazy_frame (both now, so errors surface
    # as ours rather than as Polars' "schema callable failed").
    return lazy_frame(
        start_scan, output_schema() if schema_given else output_schema,
        name=name, detail=f"pattern={pattern!r}",
        # The index target depends on the fields, which may only be known after inference.
        pushdown=planner(fields) if planner is not None else
        KeyPushdown(url, pattern, key_column, template, (lambda: search(fields())) if search else None),
        derived=derived,
    )
