"""Many RedisTimeSeries series at once, chosen by label filters (TS.MRANGE): scan_timeseries_multi,
read_timeseries_multi."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from polars_redis import _core
from polars_redis._core import ConfigurationError
from polars_redis._doc_fragments import shared_docs
from polars_redis.client import Client
from polars_redis.cluster.timeseries import grouped_scan
from polars_redis.cluster.writes import is_cluster
from polars_redis.engine.connection import as_url
from polars_redis.engine.dtypes import SchemaLike
from polars_redis.engine.read_options import Overrides, check_n_rows
from polars_redis.engine.recorder import start_native
from polars_redis.readers.eager import eager_twin
from polars_redis.readers.source import captured_errors, lazy_frame
from polars_redis.readers.timeseries import (
    PAGE_SIZE, REDUCERS, TimeLike, check_unique_columns, query_plan, sample_columns,
)

__all__ = ["scan_timeseries_multi", "read_timeseries_multi"]


def _label_list(labels: Sequence[str], what: str) -> list[str]:
    if isinstance(labels, str) or not all(isinstance(label, str) and label for label in labels):
        raise ConfigurationError(f"{what} must be a list of label names, got {labels!r}")
    return list(dict.fromkeys(labels))


@shared_docs
def scan_timeseries_multi(
    url: str | Client,
    filters: list[str],
    *,
    start: TimeLike = "-",
    end: TimeLike = "+",
    aggregation: str | None = None,
    bucket_size_ms: int | None = None,
    group_by: str | None = None,
    reducer: str | None = None,
    with_labels: bool = False,
    selected_labels: list[str] | None = None,
    include_key: bool = True,
    key_column_name: str = "_key",
    align: TimeLike | None = None,
    filter_by_value: tuple[float, float] | None = None,
    include_timestamp: bool = True,
    timestamp_column_name: str = "_ts",
    value_column_name: str = "value",
    n_rows: int | None = None,
    schema_overrides: SchemaLike | None = None,
) -> pl.LazyFrame:
    """Lazily read every series matching label filters (TS.MRANGE) as one frame.

    Rows come series by series, each in time order, with columns timestamp, value, key, then one
    String column per label. Long ranges are paged (no reply holds more than about 100,000
    samples); ``head(n)`` stops after n rows.

    Args:
        url: ``redis://[[user]:password@]host[:port][/db]``, ``rediss://`` or ``unix://``.
        filters: RedisTimeSeries label filters, e.g. ``["type=temperature", "country=us"]``
            (``label=value``, ``label!=value``, ``label=(a,b)``, ``label=``, ``label!=``); at least
            one must be a ``label=value`` matcher.
        start: first timestamp, as in [scan_timeseries][polars_redis.readers.timeseries.scan_timeseries].
        end: last timestamp (inclusive), as in `scan_timeseries`.
        aggregation: per series, one row per bucket, as in `scan_timeseries`.
        bucket_size_ms: bucket width in milliseconds; required with `aggregation`.
        align: bucket alignment, as in `scan_timeseries`.
        filter_by_value: ``(min, max)``: keep samples with min <= value <= max.
        group_by: a label name: series with the same value of it are reduced into one series
            named ``"label=value"``, and the label becomes a column. Needs `reducer`.
        reducer: avg, sum, min, max, range, count, std.p, std.s, var.p or var.s.
        with_labels: every label of the matching series becomes a String column (null where a
            series lacks it). Grouped series carry only the `group_by` label.
        selected_labels: only these labels become columns (null where missing).
        include_key: add the series key (or group name) as a String column.
        key_column_name: name of the key column.
        {{sample columns}}

    {{lazy scan returns}}
        ResponseError: the key is missing or not a series, or another server error.

    Examples:
        >>> lf = pr.scan_timeseries_multi(url, ["type=temperature"], aggregation="max",
        ...                               bucket_size_ms=86_400_000, group_by="location",
        ...                               reducer="max")
        >>> sorted(lf.collect()["_key"].unique())
        ['location=lab', 'location=office']
    """
    url = as_url(url)
    _core.validate_url(url)
    n_rows = check_n_rows(n_rows)
    overrides = Overrides(schema_overrides)
    errors = captured_errors()
    if isinstance(filters, str) or not filters or not all(isinstance(f, str) and f for f in filters):
        raise ConfigurationError(f"filters must be a non-empty list of label filters such as ['type=temperature'], "
                                 f"got {filters!r}")
    filters = list(filters)
    query = query_plan(start, end, None, aggregation, bucket_size_ms, align, filter_by_value)
    if (group_by is None) != (reducer is None):
        raise ConfigurationError("group_by and reducer go together: give both or neither")
    if group_by is not None:
        if not isinstance(group_by, str) or not group_by:
            raise ConfigurationError(f"group_by must be a label name, got {group_by!r}")
        red = reducer.lower() if isinstance(reducer, str) else reducer
        if red not in REDUCERS:
            raise ConfigurationError(f"unknown reducer {reducer!r}; use one of {', '.join(REDUCERS)}")
        query.update(group_by=group_by, reducer=red)
    if with_labels and selected_labels is not None:
        raise ConfigurationError("with_labels and selected_labels exclude each other: use one")
    selected = None if selected_labels is None else _label_list(selected_labels, "selected_labels")
    front = ([timestamp_column_name] if include_timestamp else []) + [value_column_name]
    front += [key_column_name] if include_key else []

    def label_columns() -> list[str]:
        if selected is not None:
            labels = selected
        elif with_labels and group_by is None:
            labels = _core.timeseries_label_names(url, filters)
        else:
            labels = []  # a grouped series has only its group label, added below
        if group_by is not None and group_by not in labels:
            labels = [group_by, *labels]
        return labels

    def output_schema() -> pl.Schema:
        names = front + label_columns()
        check_unique_columns(names)
        types = {timestamp_column_name: pl.Int64(), value_column_name: pl.Float64()}
        if not include_timestamp:
            types.pop(timestamp_column_name)
        return pl.Schema([(name, types.get(name, pl.String())) for name in names])

    schema_box: list[pl.Schema] = []

    def schema() -> pl.Schema:
        if not schema_box:
            try:
                schema_box.append(output_schema())
            except Exception as exc:  # Polars wraps it; the eager reader re-raises it as is
                if errors is not None:
                    errors.error = exc
                raise
        return schema_box[0]

    def start_scan(wanted: list[str], n_rows: int | None, _source: dict[str, Any]) -> _core.NativeScan:
        wanted_set = set(wanted)
        plan = dict(
            query, filters=filters, limit=n_rows, page_size=PAGE_SIZE, with_labels=with_labels,
            label_columns=[name for name in schema() if name not in front and name in wanted_set],
            **sample_columns(wanted_set, include_timestamp, timestamp_column_name, value_column_name),
            include_key=include_key and key_column_name in wanted_set, key_column_name=key_column_name,
        )
        if group_by is not None and is_cluster(url):  # a group's series may span shards
            return grouped_scan(lambda raw: start_native(_core.scan_timeseries_multi, url, raw), plan)
        return start_native(_core.scan_timeseries_multi, url, plan)

    # Without with_labels the columns are known now; with it they come from the server (also now,
    # so that a failure raises our own error; see lazy_frame).
    return overrides.finish(lazy_frame(
        start_scan, schema if with_labels and selected is None else schema(),
        name="redis timeseries", detail=f"filters={filters!r}",
    ), n_rows)


@eager_twin(scan_timeseries_multi)
@shared_docs
def read_timeseries_multi() -> None:
    """Read every series matching label filters into a DataFrame (eager
    [scan_timeseries_multi][polars_redis.readers.timeseries_multi.scan_timeseries_multi]).

    Returns:
        One row per sample of every matching series, series by series.

    {{eager series raises}}

    Examples:
        >>> df = pr.read_timeseries_multi(url, ["facility=building_a"], with_labels=True)
        >>> df.group_by("_key", "location").len().sort("_key").rows()
        [('sensor:temp:1', 'lab', 12), ('sensor:temp:2', 'office', 12)]
    """
