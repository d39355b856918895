"""Redis stream consumer groups: create one, read a group's new entries as a DataFrame (moving the
group forward), acknowledge them."""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from polars_redis import _core
from polars_redis._core import ConfigurationError
from polars_redis.client import Client
from polars_redis.engine.connection import as_url
from polars_redis.engine.dtypes import SchemaLike, normalize_schema, to_descriptor
from polars_redis.engine.read_options import Overrides, check_n_rows
from polars_redis.readers.source import iterate_batches
from polars_redis.readers.streams import check_positive, stream_columns

__all__ = ["create_stream_group", "read_stream_group", "ack_stream"]


def create_stream_group(url: str | Client, key: str, group: str, start_id: str = "$") -> bool:
    """Create a consumer group (XGROUP CREATE ... MKSTREAM), creating the stream if needed.

    `start_id` is the last ID the group counts as already delivered: ``"$"`` (the default) means
    only entries added from now on, ``"0"`` means the whole stream. Create the group before the
    producers start when no entry may be missed.

    Args:
        url: a connection URL or a [Client][polars_redis.client.Client].
        key: the stream key (created empty if missing).
        group: the consumer group's name.
        start_id: the last ID the group counts as delivered: ``"$"`` or ``"0"``.

    Returns:
        True if the group was created, False if it already existed (nothing is changed then).

    Raises:
        ConfigurationError: an invalid URL.
        RedisConnectionError: the server cannot be reached (AuthenticationError: credentials
            rejected).
        ResponseError: `key` holds another type, or the server rejected the command.

    Examples:
        >>> pr.create_stream_group(url, "orders", "billing", start_id="0")
        True
        >>> pr.create_stream_group(url, "orders", "billing")
        False
    """
    url = as_url(url)
    _core.validate_url(url)
    return _core.create_stream_group(url, key, group, start_id)


def read_stream_group(
    url: str | Client,
    key: str,
    group: str,
    consumer: str,
    schema: SchemaLike,
    *,
    count: int | None = None,
    block_ms: int | None = None,
    create_group: bool = False,
    start_id: str = "$",
    pending: bool = False,
    include_id: bool = True,
    id_column_name: str = "_id",
    include_timestamp: bool = True,
    timestamp_column_name: str = "_ts",
    page_size: int = 1000,
    ignore_errors: bool = False,
    n_rows: int | None = None,
    schema_overrides: SchemaLike | None = None,
) -> pl.DataFrame:
    """Read the entries a consumer group delivers to `consumer` (XREADGROUP), unacknowledged.

    Each entry of the stream is delivered to one consumer of the group only. Delivered entries
    stay in the group's pending list until [ack_stream][polars_redis.readers.stream_groups.ack_stream]
    acknowledges them, which gives an
    at-least-once pipeline:

    1. ``df = read_stream_group(url, key, group, consumer, schema)`` (new entries),
    2. process and store ``df``,
    3. ``ack_stream(url, key, group, df["_id"])``.

    After a crash between 1 and 3, the same consumer calls ``read_stream_group(...,
    pending=True)`` first: it returns the entries delivered to it and never acknowledged (an
    entry deleted from the stream since then comes back with null fields). Processing must
    therefore be idempotent, or check the IDs it already stored.

    This is eager on purpose: reading moves the group forward, so a LazyFrame that re-reads on
    every collect would deliver different entries each time.

    Args:
        url: the Redis URL.
        key: the stream key.
        group: the consumer group.
        consumer: this consumer's name (created by the server on first use).
        schema: field name -> Polars dtype.
        count: at most this many entries (default: all that are available, read in pages).
        block_ms: when no new entry is available, wait up to this long for one (XREADGROUP
            BLOCK). Ignored with ``pending=True``.
        create_group: create the group first if it does not exist (with the stream, MKSTREAM);
            an existing group is left as it is.
        start_id: where a group created here starts: ``"$"`` (new entries only) or ``"0"``
            (the whole stream).
        pending: re-read this consumer's pending entries (delivered, not acknowledged) instead
            of new ones. Reading them again does not deliver anything new.
        include_id: add the entry ID column (needed to acknowledge).
        id_column_name: name of the entry ID column.
        include_timestamp: add the ID's milliseconds (Int64).
        timestamp_column_name: name of the timestamp column.
        page_size: entries per XREADGROUP call.
        ignore_errors: read values that do not parse as their dtype as null. Without it a
            `SchemaError` is raised and the entries delivered so far stay pending.
        n_rows: Polars' spelling of a limit: at most this many entries are delivered (with
            `count`, the smaller of the two); ``0`` reads nothing.
        schema_overrides: column name -> Polars dtype, as in Polars' readers: a field of
            `schema` is parsed as that dtype instead; the ID or timestamp column is cast to it.
            A name that is no column raises `ConfigurationError`.

    Returns:
        The delivered entries (an empty frame when there are none).

    Raises:
        ConfigurationError: an invalid URL or option.
        RedisConnectionError: the server cannot be reached (AuthenticationError: credentials
            rejected).
        RedisTimeoutError: the server did not answer in time.
        SchemaError: a value does not parse as its dtype (see `ignore_errors`).
        ResponseError: the group does not exist (see `create_group`), or another server error.

    Examples:
        >>> df = pr.read_stream_group(url, "orders", "billing", "worker-1",
        ...                           {"amount": pl.Float64}, create_group=True, start_id="0")
        >>> df.select("_id", "amount").rows()
        [('1-0', 9.5)]
        >>> pr.ack_stream(url, "orders", "billing", df["_id"])
        1
    """
    url = as_url(url)
    _core.validate_url(url)
    check_positive(count=count, page_size=page_size, block_ms=block_ms)
    n_rows = check_n_rows(n_rows)
    overrides = Overrides(schema_overrides)
    fields = overrides.fields(normalize_schema(schema))
    output = stream_columns(
        fields, include_key=False, key_column_name="_key", include_id=include_id, id_column_name=id_column_name,
        include_timestamp=include_timestamp, timestamp_column_name=timestamp_column_name,
    )
    if n_rows == 0:  # COUNT 0 would mean no limit to the server: deliver nothing instead
        return overrides.finish(pl.LazyFrame(schema=output), None).collect()
    if n_rows is not None:
        count = n_rows if count is None else min(count, n_rows)
    plan = {
        "key": key,
        "group": group,
        "consumer": consumer,
        "count": count,
        "block_ms": block_ms,
        "create_group": create_group,
        "start_id": start_id,
        "pending": pending,
        "fields": [(name, to_descriptor(name, dtype)) for name, dtype in fields.items()],
        "include_id": include_id,
        "id_column_name": id_column_name,
        "include_timestamp": include_timestamp,
        "timestamp_column_name": timestamp_column_name,
        "page_size": page_size,
        "ignore_errors": ignore_errors,
    }
    frames = list(iterate_batches(lambda _columns, _n_rows, _source: _core.read_stream_group(url, plan), output, None, None, None))
    return overrides.finish(pl.concat(frames, how="vertical").lazy(), None).collect()


def ack_stream(url: str | Client, key: str, group: str, ids: Iterable[str] | pl.Series) -> int:
    """Acknowledge processed entries (XACK), removing them from the group's pending list.

    Args:
        url: the Redis URL.
        key: the stream key.
        group: the consumer group.
        ids: entry IDs, e.g. the ``_id`` column of
            [read_stream_group][polars_redis.readers.stream_groups.read_stream_group]'s frame.

    Returns:
        How many entries were acknowledged (IDs not pending in the group are not counted).

    Raises:
        ConfigurationError: `ids` is not a list or Series of ID strings, or the URL is invalid.
        RedisConnectionError: the server cannot be reached (AuthenticationError: credentials
            rejected).
        ResponseError: the server rejected the command (e.g. `key` holds another type).

    Examples:
        >>> df = pr.read_stream_group(url, "orders", "billing", "worker-1",
        ...                           {"amount": pl.Float64}, create_group=True, start_id="0")
        >>> pr.ack_stream(url, "orders", "billing", df["_id"])
        1
    """
    url = as_url(url)
    _core.validate_url(url)
    values = ids.to_list() if isinstance(ids, pl.Series) else list(ids)
    if isinstance(ids, str) or not all(isinstance(v, str) for v in values):
        raise ConfigurationError("ids must be a list or Series of entry ID strings")
    return _core.ack_stream(url, key, group, values)
