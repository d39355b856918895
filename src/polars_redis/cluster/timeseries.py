"""TS.MRANGE ... GROUPBY/REDUCE over a Redis Cluster.

A group's series may live on several shards, and no shard can reduce what it does not hold. So
each shard returns its matching series ungrouped (with the per-series aggregation already
applied, and the group label as a column), and the reduction RedisTimeSeries would do (one value
per group and timestamp, over the series that have a sample there) runs here in Polars.
"""

from __future__ import annotations

from typing import Any, Callable

import polars as pl

from polars_redis.engine.native import drain

_GROUP = "__polars_redis_group"
_TS = "__polars_redis_ts"
_VALUE = "__polars_redis_value"


def _reduction(reducer: str) -> pl.Expr:
    value = pl.col(_VALUE)
    return {
        "avg": value.mean(), "sum": value.sum(), "min": value.min(), "max": value.max(),
        "range": value.max() - value.min(), "count": value.count().cast(pl.Float64),
        "std.p": value.std(ddof=0), "std.s": value.std(ddof=1),
        "var.p": value.var(ddof=0), "var.s": value.var(ddof=1),
    }[reducer].cast(pl.Float64)


class GroupedScan:
    """A finished scan holding the reduced groups as one frame (what the scan protocol asks for)."""

    def __init__(self, frame: pl.DataFrame | None) -> None:
        self._frame = frame

    def next_batch(self) -> pl.DataFrame | None:
        frame, self._frame = self._frame, None
        return frame

    def close(self) -> None:
        self._frame = None


def grouped_scan(start_native: Callable[[dict[str, Any]], Any], plan: dict[str, Any]) -> GroupedScan:
    """Reads `plan`'s series ungrouped through `start_native` and reduces them by group and timestamp.

    The result has the columns `plan` asks for: the timestamp and value, the key (the group's
    ``label=value`` name, as TS.MRANGE names it) and the label columns (the group label; others null).
    """
    label, reducer = plan["group_by"], plan["reducer"]
    raw = {name: value for name, value in plan.items() if name not in ("group_by", "reducer")}
    raw.update(limit=None, with_labels=False, label_columns=[label], include_timestamp=True,
               timestamp_column_name=_TS, include_value=True, value_column_name=_VALUE, include_key=False)
    frames = drain(start_native(raw))
    series = pl.concat(frames, how="vertical") if frames else pl.DataFrame(
        schema={_TS: pl.Int64, _VALUE: pl.Float64, label: pl.String})
    # Series without the label belong to no group (TS.MRANGE leaves them out too).
    reduced = (series.filter(pl.col(label).is_not_null()).rename({label: _GROUP})
               .group_by(_GROUP, _TS).agg(_reduction(reducer).alias(_VALUE))
               .sort(_GROUP, _TS))
    columns: list[pl.Expr] = []
    if plan.get("include_timestamp"):
        columns.append(pl.col(_TS).alias(plan["timestamp_column_name"]))
    if plan.get("include_value"):
        columns.append(pl.col(_VALUE).alias(plan["value_column_name"]))
    if plan.get("include_key"):
        columns.append((pl.lit(label + "=") + pl.col(_GROUP)).alias(plan["key_column_name"]))
    for name in plan.get("label_columns") or []:
        columns.append(pl.col(_GROUP).alias(name) if name == label else pl.lit(None, pl.String).alias(name))
    return GroupedScan(reduced.select(columns) if columns else reduced.select(pl.len()).clear())
