"""One RedisTimeSeries series as Polars frames: scan_timeseries, read_timeseries (and what the
multi-series readers in timeseries_multi.py share)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Union

import polars as pl

from polars_redis import _core
from polars_redis._core import ConfigurationError
from polars_redis._doc_fragments import shared_docs
from polars_redis.client import Client
from polars_redis.engine.connection import as_url
from polars_redis.engine.dtypes import SchemaLike
from polars_redis.engine.epoch import epoch_ms
from polars_redis.engine.key_columns import check_unique
from polars_redis.engine.read_options import Overrides, check_n_rows
from polars_redis.engine.recorder import start_native
from polars_redis.readers.eager import eager_twin
from polars_redis.readers.source import lazy_frame

__all__ = ["scan_timeseries", "read_timeseries"]

TimeLike = Union[int, str, datetime, date]

AGGREGATIONS = (
    "avg", "sum", "min", "max", "range", "count", "first", "last",
    "std.p", "std.s", "var.p", "var.s", "twa",
)
REDUCERS = ("avg", "sum", "min", "max", "range", "count", "std.p", "std.s", "var.p", "var.s")

# Samples per reply at most: a long range is read in pages of this many samples (about 3 MB of
# RESP), so memory stays bounded while each round trip still carries plenty of work.
PAGE_SIZE = 100_000


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


def query_plan(
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


def sample_columns(wanted: set[str], include_timestamp: bool, timestamp_column_name: str,
                   value_column_name: str) -> dict[str, Any]:
    """The plan entries of the timestamp and value columns: each is read only when Polars wants it."""
    return {"include_timestamp": include_timestamp and timestamp_column_name in wanted,
            "timestamp_column_name": timestamp_column_name,
            "include_value": value_column_name in wanted, "value_column_name": value_column_name}


def check_unique_columns(columns: list[str]) -> None:
    check_unique(columns, "rename the timestamp, value or key column "
                          "(timestamp_column_name, value_column_name, key_column_name)")


@shared_docs
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
        {{sample columns}}

    {{lazy scan returns}}
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
    query = query_plan(start, end, count, aggregation, bucket_size_ms, align, filter_by_value)
    columns = ([timestamp_column_name] if include_timestamp else []) + [value_column_name]
    check_unique_columns(columns)
    schema = pl.Schema([(name, pl.Int64() if name == timestamp_column_name and include_timestamp else pl.Float64())
                        for name in columns])

    def start_scan(wanted: list[str], n_rows: int | None, _source: dict[str, Any]) -> _core.NativeScan:
        plan = dict(
            query, key=key, limit=_limit(count, n_rows), page_size=PAGE_SIZE,
            **sample_columns(set(wanted), include_timestamp, timestamp_column_name, value_column_name),
        )
        return start_native(_core.scan_timeseries, url, plan)

    return overrides.finish(lazy_frame(start_scan, schema, name="redis timeseries", detail=f"key={key!r}"), n_rows)


@eager_twin(scan_timeseries)
@shared_docs
def read_timeseries() -> None:
    """Read one RedisTimeSeries series into a DataFrame (eager
    [scan_timeseries][polars_redis.readers.timeseries.scan_timeseries]).

    Returns:
        One row per sample (or bucket when aggregating), in time order.

    {{eager series raises}}

    Examples:
        >>> df = pr.read_timeseries(url, "sensor:temp:1", aggregation="count", bucket_size_ms=86_400_000)
        >>> int(df["value"].sum())
        12
    """
