"""Redis streams as Polars frames: scan_stream, read_stream (consumer groups: stream_groups.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import polars as pl

from polars_redis import _core
from polars_redis._core import ConfigurationError
from polars_redis._doc_fragments import shared_docs
from polars_redis.client import Client
from polars_redis.engine.budget import scan_budget
from polars_redis.engine.connection import as_url
from polars_redis.engine.dtypes import SchemaLike, normalize_schema, to_descriptor
from polars_redis.engine.epoch import epoch_ms
from polars_redis.engine.key_columns import check_unique, check_row_index_offset
from polars_redis.engine.read_options import Overrides, check_n_rows, row_index_column
from polars_redis.engine.recorder import start_native
from polars_redis.readers.eager import eager_twin
from polars_redis.readers.snapshot_source import rdb_file
from polars_redis.readers.source import lazy_frame

__all__ = ["scan_stream", "read_stream"]


def _epoch_ms(value: datetime | int, name: str) -> int:
    """Milliseconds since the epoch: a datetime by the shared rule (naive is local time)."""
    if isinstance(value, bool) or not isinstance(value, datetime | int):
        raise ConfigurationError(f"{name} must be a datetime or epoch milliseconds (int), got {value!r}")
    if isinstance(value, datetime):
        return epoch_ms(value, name)
    if value < 0:
        raise ConfigurationError(f"{name} is before 1970-01-01, which no stream entry ID can be: {value} ms")
    return value


def _id_range(
    start_id: str, end_id: str, start_time: datetime | int | None, end_time: datetime | int | None
) -> tuple[str, str]:
    # XRANGE completes an ID given as milliseconds alone: "<ms>" starts at <ms>-0 and ends at
    # <ms>-<max sequence>, so both time bounds are inclusive.
    if start_time is not None:
        if start_id != "-":
            raise ConfigurationError("pass start_id or start_time, not both")
        start_id = str(_epoch_ms(start_time, "start_time"))
    if end_time is not None:
        if end_id != "+":
            raise ConfigurationError("pass end_id or end_time, not both")
        end_id = str(_epoch_ms(end_time, "end_time"))
    return start_id, end_id


def stream_columns(
    fields: dict[str, pl.DataType],
    *,
    include_key: bool,
    key_column_name: str,
    include_id: bool,
    id_column_name: str,
    include_timestamp: bool,
    timestamp_column_name: str,
    row_index_column_name: str | None = None,
) -> pl.Schema:
    columns: list[tuple[str, pl.DataType]] = []
    if row_index_column_name is not None:
        columns.append((row_index_column_name, pl.UInt32()))
    if include_key:
        columns.append((key_column_name, pl.String()))
    if include_id:
        columns.append((id_column_name, pl.String()))
    if include_timestamp:
        columns.append((timestamp_column_name, pl.Int64()))
    columns.extend(fields.items())
    check_unique([name for name, _ in columns], "rename the key, ID, timestamp or row index column")
    return pl.Schema(columns)


def check_positive(**values: int | None) -> None:
    for name, value in values.items():
        if value is not None and value < 1:
            raise ConfigurationError(f"{name} must be at least 1, got {value}")


@shared_docs
def scan_stream(
    url: str | Client,
    key: str | Sequence[str],
    schema: SchemaLike,
    *,
    start_id: str = "-",
    end_id: str = "+",
    start_time: datetime | int | None = None,
    end_time: datetime | int | None = None,
    count: int | None = None,
    include_id: bool = True,
    id_column_name: str = "_id",
    include_timestamp: bool = True,
    timestamp_column_name: str = "_ts",
    key_column_name: str = "_key",
    include_row_index: bool | None = None,
    row_index_column_name: str | None = None,
    row_index_offset: int = 0,
    row_index_name: str | None = None,
    n_rows: int | None = None,
    schema_overrides: SchemaLike | None = None,
    batch_size: int = 10_000,
    page_size: int = 1000,
    ignore_errors: bool = False,
    snapshot: bool = False,
    max_server_share: float | None = None,
    max_commands_per_second: float | None = None,
) -> pl.LazyFrame:
    """Lazily read the entries of one or more Redis streams (XRANGE).

    One row per entry, in ID order (and in the order of `key` when it lists several streams).
    Columns: the key (only when `key` is a list), the entry ID as a String (``_id``), the ID's
    milliseconds as Int64 (``_ts``; ``pl.from_epoch("_ts", time_unit="ms")`` makes it a
    Datetime), then one column per schema field typed like hash fields (a field an entry lacks is
    null). XRANGE is paged (`page_size` entries per call, continuing after the last ID seen); the
    pages of several keys, or of time segments of one large key, are pipelined; ``head(n)`` asks
    for no more than n entries; and fields a query does not use are never converted.

    A missing key reads as no entries; a key holding another type raises `ResponseError`.

    Args:
        url: ``redis://[[user]:password@]host[:port][/db]``, ``rediss://`` for TLS, or
            ``unix:///path?db=N``.
        key: a stream key, or a list of them (then a String key column is added first).
        schema: field name -> Polars dtype.
        start_id: first entry ID, inclusive (``"-"``: the beginning); ``"(<id>"`` excludes it.
            An ID may omit its sequence (``"1700000000000"`` means ``1700000000000-0``).
        end_id: last entry ID, inclusive (``"+"``: the end); ``"(<id>"`` excludes it. Without a
            sequence it covers the whole millisecond.
        start_time: instead of `start_id`: the first millisecond, inclusive, as a ``datetime``
            (naive means local time, as ``datetime.timestamp()`` takes it; aware is exact) or
            epoch milliseconds.
        end_time: instead of `end_id`: the last millisecond, inclusive.
        count: at most this many entries per key (the first ones of the range).
        include_id: add the entry ID column named `id_column_name`.
        id_column_name: name of the entry ID column.
        include_timestamp: add the ID's milliseconds (Int64) named `timestamp_column_name`.
        timestamp_column_name: name of the timestamp column.
        key_column_name: name of the key column when `key` is a list.
        include_row_index: add a UInt32 row number column first, starting at `row_index_offset`
            (``None``: only when `row_index_name` is given).
        row_index_column_name: name of the row number column (default ``"_index"``).
        row_index_offset: the first row number.
        row_index_name: Polars' spelling of the row index: add a UInt32 row number column of this
            name (``None``: none, unless `include_row_index`).
        n_rows: read at most this many rows (``None``: all), as ``head(n_rows)`` would.
        schema_overrides: column name -> Polars dtype, as in Polars' readers: a field of `schema` is
            parsed as that dtype instead; another column (ID, timestamp, ...) is cast to it. A
            name that is no column raises `ConfigurationError`.
        batch_size: rows per batch handed to Polars.
        page_size: entries per XRANGE call.
        {{snapshot}}
        ignore_errors: read values that do not parse as their dtype as null instead of raising
            `SchemaError`.
        {{scan budget}}

    {{lazy scan returns}}
        SchemaError: a value does not parse as its dtype (at collect; see `ignore_errors`).
        ResponseError: a key holds another type, or the server answered a command with an error.

    Examples:
        >>> from datetime import datetime, timedelta
        >>> lf = pr.scan_stream(
        ...     url, "events:user:123", {"action": pl.String, "value": pl.Int64},
        ...     start_time=datetime.now() - timedelta(hours=1),
        ... )
        >>> lf.group_by("action").len().sort("action").collect().rows()
        [('click', 2), ('view', 1)]
    """
    url = as_url(url)
    _core.validate_url(url)  # a malformed URL fails here, not at collect time
    keys = [key] if isinstance(key, str) else list(key)
    if not all(isinstance(k, str) for k in keys):
        raise ConfigurationError(f"key must be a string or a list of strings, got {key!r}")
    check_positive(batch_size=batch_size, page_size=page_size)
    if count is not None and count < 0:
        raise ConfigurationError(f"count must be >= 0, got {count}")
    check_row_index_offset(row_index_offset)
    n_rows = check_n_rows(n_rows)
    overrides = Overrides(schema_overrides)
    row_index = row_index_column(include_row_index, row_index_column_name, row_index_name)
    start_id, end_id = _id_range(start_id, end_id, start_time, end_time)
    fields = overrides.fields(normalize_schema(schema))
    include_key = not isinstance(key, str)
    rdb_path = rdb_file()
    budget = scan_budget(max_server_share, max_commands_per_second, snapshot=snapshot or rdb_path is not None)
    layout: dict[str, Any] = dict(
        include_key=include_key, key_column_name=key_column_name,
        include_id=include_id, id_column_name=id_column_name,
        include_timestamp=include_timestamp, timestamp_column_name=timestamp_column_name,
    )
    output = stream_columns(fields, **layout, row_index_column_name=row_index)

    def start_scan(columns: list[str], n_rows: int | None, _source: dict[str, Any]) -> _core.NativeScan:
        wanted = set(columns)
        plan = {
            "keys": keys,
            "start_id": start_id,
            "end_id": end_id,
            "count": count,
            "fields": [(name, to_descriptor(name, dtype)) for name, dtype in fields.items() if name in wanted],
            "include_key": include_key and key_column_name in wanted,
            "key_column_name": key_column_name,
            "include_id": include_id and id_column_name in wanted,
            "id_column_name": id_column_name,
            "include_timestamp": include_timestamp and timestamp_column_name in wanted,
            "timestamp_column_name": timestamp_column_name,
            # Numbered by the core as batches are taken (keys and shards are read concurrently).
            "include_row_index": row_index is not None and row_index in wanted,
            "row_index_column_name": row_index or "",
            "row_index_offset": row_index_offset,
            "batch_size": batch_size,
            "page_size": page_size,
            "n_rows": n_rows,
            "ignore_errors": ignore_errors,
            "snapshot": snapshot or rdb_path is not None,
            "rdb_path": rdb_path,
            **budget,
        }
        return start_native(_core.scan_stream, url, plan)

    detail = f"key={key!r}, range=[{start_id!r}, {end_id!r}]"
    return overrides.finish(lazy_frame(start_scan, output, name="redis stream", detail=detail), n_rows)


@eager_twin(scan_stream)
@shared_docs
def read_stream() -> None:
    """Read Redis stream entries into a DataFrame (eager
    [scan_stream][polars_redis.readers.streams.scan_stream]).

    Returns:
        One row per entry, in ID order per key.

    {{eager read raises}}

    Examples:
        >>> df = pr.read_stream(url, "events", {"action": pl.String}, count=2)
        >>> df.select("_id", "action").rows()
        [('1-0', 'click'), ('2-0', 'view')]
    """
