"""RedisTimeSeries as Polars frames: scan_timeseries, scan_timeseries_multi and their eager forms."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Union

import polars as pl

from polars_redis import _core
from polars_redis.cluster.timeseries import grouped_scan
from polars_redis.cluster.writes import is_cluster
from polars_redis.engine.connection import as_url
from polars_redis.client import Client
from polars_redis._core import ConfigurationError
from polars_redis.engine.dtypes import SchemaLike
from polars_redis.engine.epoch import epoch_ms
from polars_redis.engine.key_columns import check_unique
from polars_redis.engine.read_options import Overrides, check_n_rows
from polars_redis.engine.recorder import start_native
from polars_redis.readers.source import captured_errors, lazy_frame
from polars_redis.readers.eager import eager_twin

__all__ = ["scan_timeseries", "read_timeseries", "scan_timeseries_multi", "read_timeseries_multi"]

TimeLike = Union[int, str, datetime, date]

AGGREGATIONS = (
    "avg", "sum", "min", "max", "range", "count", "first", "last",
    "std.p", "std.s", "var.p", "var.s", "twa",
)
REDUCERS = ("avg", "sum", "min", "max", "range", "count", "std.p", "std.s", "var.p", "var.s")

# Samples per reply at most: a long range is read in pages of this many samples (about 3 MB of
# RESP), so memory stays bounded while each round trip still carries plenty of work.
_PAGE_SIZE = 100_000


def _timestamp(value: Any, what: str, symbol: str | None = None) -> int | str:
    """Epoch milliseconds for `value`, or `symbol` ("-" / "+") passed through."""
    if symbol is not None and value == symbol:
        return symbol
    if isinstance(value, bool) or value is None:
        pass
    elif isinstance(value, int):
        if value < 0:
            raise ConfigurationError(f"{what} must be >= 0 (epoch milliseconds), got {value}")
        return value
    elif isinstance(value, (datetime, date)):
        return epoch_ms(value, what)
    elif isinstance(value, str):
        text = value.strip()
        try:
            parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
        except ValueError:
            pass
        else:
            return epoch_ms(parsed, what)
    accepted = f'"{symbol}", ' if symbol else ""
    raise ConfigurationError(
        f"{what} must be {accepted}epoch milliseconds (int), a datetime or an ISO 8601 string, got {value!r}"
    )


def _query_plan(
    start: TimeLike, end: TimeLike, count: int | None, aggregation: str | None, bucket_size_ms: int | None,
    align: TimeLike | None, filter_by_value: tuple[float, float] | None,
) -> dict[str, Any]:
    """Validated TS.RANGE / TS.MRANGE options, as the core's plan entries."""
    start_ms = _timestamp(start, "start", "-")
    end_ms = _timestamp(end, "end", "+")
    if isinstance(start_ms, int) and isinstance(end_ms, int) and start_ms > end_ms:
        raise ConfigurationError(f"start ({start_ms}) is after end ({end_ms})")
    if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 1):
        raise ConfigurationError(f"count must be a positive int, got {count!r}")
    plan: dict[str, Any] = {"start": str(start_ms), "end": str(end_ms)}
    if aggregation is None:
        if bucket_size_ms is not None:
            raise ConfigurationError("bucket_size_ms is given without aggregation: set aggregation too")
        if align is not None:
            raise ConfigurationError("align is given without aggregation: alignment applies to buckets")
    else:
        agg = aggregation.lower() if isinstance(aggregation, str) else aggregation
        if agg not in AGGREGATIONS:
            raise ConfigurationError(f"unknown aggregation {aggregation!r}; use one of {', '.join(AGGREGATIONS)}")
        if bucket_size_ms is None:
            raise ConfigurationError(f"aggregation={agg!r} needs bucket_size_ms (the bucket width in milliseconds)")
        if isinstance(bucket_size_ms, bool) or not isinstance(bucket_size_ms, int) or bucket_size_ms < 1:
            raise ConfigurationError(f"bucket_size_ms must be a positive int, got {bucket_size_ms!r}")
        plan["aggregation"] = agg
        plan["bucket_size_ms"] = bucket_size_ms
        if align is not None:
            # Resolved to a timestamp so every page of a long range uses the same bucket grid.
            if align in ("start", "-"):
                if start_ms == "-":
                    raise ConfigurationError("align='start' needs an explicit start timestamp")
                plan["align"] = start_ms
            elif align in ("end", "+"):
                if end_ms == "+":
                    raise ConfigurationError("align='end' needs an explicit end timestamp")
                plan["align"] = end_ms
            else:
                plan["align"] = _timestamp(align, "align ('start', 'end' or a timestamp)")
    if filter_by_value is not None:
        try:
            low, high = filter_by_value
        except (TypeError, ValueError):
            raise ConfigurationError(f"filter_by_value must be a (min, max) pair, got {filter_by_value!r}") from None
        if any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in (low, high)) or not low <= high:
            raise ConfigurationError(f"filter_by_value must be numbers (min, max) with min <= max, got {filter_by_value!r}")
        plan["filter_by_value"] = (float(low), float(high))
    return plan


def _limit(count: int | None, n_rows: int | None) -> int | None:
    limits = [n for n in (count, n_rows) if n is not None]
    return min(limits) if limits else None


def _check_unique(columns: list[str]) -> None:
    check_unique(columns, "rename the timestamp, value or key column "
                          "(timestamp_column_name, value_column_name, key_column_name)")


def scan_timeseries(
    url: str | Client,
    key: str,
    *,
    start: TimeLike = "-",
    end: TimeLike = "+",
    count: int | None = None,
    aggregation: str | None = None,
    bucket_size_ms: int | None = None,
    align: TimeLike | None = None,
    filter_by_value: tuple[float, float] | None = None,
    include_timestamp: bool = True,
    timestamp_column_name: str = "_ts",
    value_column_name: str = "value",
    n_rows: int | None = None,
    schema_overrides: SchemaLike | None = None,
) -> pl.LazyFrame:
    """Lazily read one RedisTimeSeries series (TS.RANGE) as rows of timestamp and value.

    Nothing is sent until the frame is collected. The range is read in pages of at most 100,000
    samples, so memory stays bounded however long it is; ``head(n)`` asks the server for n samples
    only. Aggregation, alignment and value filtering run on the server.

    Args:
        url: ``redis://[[user]:password@]host[:port][/db]``, ``rediss://`` or ``unix://``.
        key: the series' key. A missing key raises `ResponseError` at collect time.
        start: first timestamp: ``"-"`` (oldest), epoch milliseconds, a ``datetime`` (naive means
            local time, as ``datetime.timestamp()`` takes it; aware is exact), a ``date`` (its
            local midnight) or an ISO 8601 string (without an offset it is local time too).
        end: last timestamp (inclusive): ``"+"`` (newest) or the same forms as `start`.
        count: at most this many rows (samples, or buckets when aggregating).
        aggregation: one of avg, sum, min, max, range, count, first, last, std.p, std.s, var.p,
            var.s, twa: one row per bucket of `bucket_size_ms`.
        bucket_size_ms: bucket width in milliseconds; required with `aggregation`.
        align: bucket alignment: ``"start"`` (the explicit `start`), ``"end"`` (the explicit
            `end`) or a timestamp; buckets are aligned to epoch 0 by default.
        filter_by_value: ``(min, max)``: keep samples with min <= value <= max (before aggregating).
        include_timestamp: add the timestamp column (Int64 epoch milliseconds).
        timestamp_column_name: name of the timestamp column.
        value_column_name: name of the Float64 value column.
        n_rows: read at most this many rows (``None``: all), as ``head(n_rows)`` would.
        schema_overrides: column name -> Polars dtype, as in Polars' readers: the column is cast
            to it (e.g. ``{"_ts": pl.Datetime("ms")}``). A name that is no column raises
            `ConfigurationError`.

    Returns:
        A LazyFrame; every collect runs a fresh scan.

    Raises:
        ConfigurationError: an invalid URL, option or dtype (raised here).
        RedisConnectionError: the server cannot be reached (at collect); AuthenticationError (a
            subclass) when it rejects the credentials.
        RedisTimeoutError: the server did not answer in time.
        ResponseError: the key is missing or not a series, or another server error.

    Examples:
        >>> from datetime import datetime, timedelta
        >>> lf = pr.scan_timeseries(url, "sensor:temp:1", start=datetime.now() - timedelta(hours=24),
        ...                         aggregation="avg", bucket_size_ms=3_600_000)
        >>> df = lf.with_columns(pl.from_epoch("_ts", time_unit="ms")).collect()
        >>> df.columns, df["_ts"].dtype.is_temporal(), df.height > 0
        (['_ts', 'value'], True, True)
    """
    url = as_url(url)
    _core.validate_url(url)
    n_rows = check_n_rows(n_rows)
    overrides = Overrides(schema_overrides)
    if not isinstance(key, str) or not key:
        raise ConfigurationError(f"key must be a non-empty string, got {key!r}")
    query = _query_plan(start, end, count, aggregation, bucket_size_ms, align, filter_by_value)
    columns = ([timestamp_column_name] if include_timestamp else []) + [value_column_name]
    _check_unique(columns)
    schema = pl.Schema([(name, pl.Int64() if name == timestamp_column_name and include_timestamp else pl.Float64())
                        for name in columns])

    def start_scan(wanted: list[str], n_rows: int | None, _source: dict[str, Any]) -> _core.NativeScan:
        plan = dict(
            query, key=key, limit=_limit(count, n_rows), page_size=_PAGE_SIZE,
            include_timestamp=include_timestamp and timestamp_column_name in wanted,
            timestamp_column_name=timestamp_column_name,
            include_value=value_column_name in wanted, value_column_name=value_column_name,
        )
        return start_native(_core.scan_timeseries, url, plan)

    return overrides.finish(lazy_frame(start_scan, schema, name="redis timeseries", detail=f"key={key!r}"), n_rows)


@eager_twin(scan_timeseries)
def read_timeseries() -> None:
    """Read one RedisTimeSeries series into a DataFrame (eager
    [scan_timeseries][polars_redis.readers.timeseries.scan_timeseries]).

    Returns:
        One row per sample (or bucket when aggregating), in time order.

    Raises:
        ConfigurationError: an invalid URL, option or dtype.
        RedisConnectionError: the server cannot be reached; AuthenticationError (a
            subclass) when it rejects the credentials.
        RedisTimeoutError: the server did not answer in time.
        ResponseError: the key is missing or not a series, or another server error.

    Examples:
        >>> df = pr.read_timeseries(url, "sensor:temp:1", aggregation="count", bucket_size_ms=86_400_000)
        >>> int(df["value"].sum())
        12
    """


def _label_list(labels: Sequence[str], what: str) -> list[str]:
    if isinstance(labels, str) or not all(isinstance(label, str) and label for label in labels):
        raise ConfigurationError(f"{what} must be a list of label names, got {labels!r}")
    return list(dict.fromkeys(labels))


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
        include_timestamp: add the timestamp column (Int64 epoch milliseconds).
        timestamp_column_name: name of the timestamp column.
        value_column_name: name of the Float64 value column.
        n_rows: read at most this many rows (``None``: all), as ``head(n_rows)`` would.
        schema_overrides: column name -> Polars dtype, as in Polars' readers: the column is cast
            to it (e.g. ``{"_ts": pl.Datetime("ms")}``). A name that is no column raises
            `ConfigurationError`.

    Returns:
        A LazyFrame; every collect runs a fresh scan.

    Raises:
        ConfigurationError: an invalid URL, option or dtype (raised here).
        RedisConnectionError: the server cannot be reached (at collect); AuthenticationError (a
            subclass) when it rejects the credentials.
        RedisTimeoutError: the server did not answer in time.
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
    query = _query_plan(start, end, None, aggregation, bucket_size_ms, align, filter_by_value)
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
        _check_unique(names)
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
            query, filters=filters, limit=n_rows, page_size=_PAGE_SIZE, with_labels=with_labels,
            label_columns=[name for name in schema() if name not in front and name in wanted_set],
            include_timestamp=include_timestamp and timestamp_column_name in wanted_set,
            timestamp_column_name=timestamp_column_name,
            include_value=value_column_name in wanted_set, value_column_name=value_column_name,
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
def read_timeseries_multi() -> None:
    """Read every series matching label filters into a DataFrame (eager
    [scan_timeseries_multi][polars_redis.readers.timeseries.scan_timeseries_multi]).

    Returns:
        One row per sample of every matching series, series by series.

    Raises:
        ConfigurationError: an invalid URL, option or dtype.
        RedisConnectionError: the server cannot be reached; AuthenticationError (a
            subclass) when it rejects the credentials.
        RedisTimeoutError: the server did not answer in time.
        ResponseError: the key is missing or not a series, or another server error.

    Examples:
        >>> df = pr.read_timeseries_multi(url, ["facility=building_a"], with_labels=True)
        >>> df.group_by("_key", "location").len().sort("_key").rows()
        [('sensor:temp:1', 'lab', 12), ('sensor:temp:2', 'office', 12)]
    """
