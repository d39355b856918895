"""A frame cache: whole DataFrames stored in Redis as Arrow IPC, so services can share results.

A frame is one Redis hash: a ``meta`` field (JSON: format, version, rows, bytes, chunk count,
compression) and ``chunk:0`` ... ``chunk:N-1`` holding the Arrow IPC file in pieces of at most
``chunk_size`` bytes (a Redis value may not exceed 512 MB). Writing replaces the key atomically,
with its TTL (one MULTI/EXEC); reading takes the meta and every chunk in one MULTI/EXEC under
WATCH (again if a writer replaced the frame in between), so a read returns exactly one version.
Every Polars dtype round-trips exactly (it is Polars' own IPC).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Literal

import polars as pl

from polars_redis import _core
from polars_redis._core import ConfigurationError, ResponseError
from polars_redis._doc_fragments import shared_docs
from polars_redis.client import Client
from polars_redis.engine.connection import as_url
from polars_redis.engine.dtypes import SchemaLike
from polars_redis.engine.read_options import Overrides, check_n_rows
from polars_redis.readers.source import register_source
from polars_redis.writers.pipeline import check_ttl

__all__ = ["read_frame", "scan_frame", "write_frame"]

FORMAT = "polars-redis frame"
VERSION = 1
Compression = Literal["uncompressed", "lz4", "zstd"]


def write_frame(
    df: pl.DataFrame,
    url: str | Client,
    key: str,
    *,
    ttl: int | None = None,
    compression: Compression = "zstd",
    chunk_size: int = 64 * 2**20,
) -> int:
    """Store `df` under `key` as Arrow IPC; returns the bytes stored.

    Args:
        df: the frame to store.
        url: a connection URL or a [Client][polars_redis.client.Client].
        key: the Redis key (a hash), replaced atomically.
        ttl: seconds until the key expires (``None``: never).
        compression: ``"zstd"`` (default), ``"lz4"`` or ``"uncompressed"`` Arrow IPC.
        chunk_size: the largest piece stored in one hash field, at most 512 MiB.

    Returns:
        The number of bytes stored.

    Raises:
        ConfigurationError: an invalid URL, `compression`, `ttl` or `chunk_size`.
        RedisConnectionError: the server cannot be reached (AuthenticationError: credentials
            rejected).
        RedisTimeoutError: the server did not answer in time.
        ResponseError: the server rejected the write (e.g. out of memory).

    Examples:
        >>> daily_totals = pl.DataFrame({"day": ["mon", "tue"], "total": [12.5, 8.0]})
        >>> pr.write_frame(daily_totals, url, "cache:daily", ttl=3600) > 0
        True
    """
    url = as_url(url)
    _core.validate_url(url)
    if compression not in ("uncompressed", "lz4", "zstd"):
        raise ConfigurationError(f"compression must be 'uncompressed', 'lz4' or 'zstd', got {compression!r}")
    if ttl is not None:
        check_ttl(ttl)
    if not 1 <= chunk_size <= 512 * 2**20:
        raise ConfigurationError(f"chunk_size must be between 1 byte and 512 MiB, got {chunk_size}")
    buffer = io.BytesIO()
    df.write_ipc(buffer, compression=compression)
    data = buffer.getbuffer()
    chunks = [bytes(data[i : i + chunk_size]) for i in range(0, len(data), chunk_size)] or [b""]
    meta = json.dumps({
        "format": FORMAT, "version": VERSION, "rows": df.height, "bytes": len(data),
        "chunks": len(chunks), "compression": compression,
    })
    _core.put_chunked_value(url, key, meta, chunks, ttl)
    return len(data)


def _load(url: str, key: str) -> bytes:
    """The frame's IPC bytes: meta and chunks of one version (read in one transaction)."""
    _core.validate_url(url)
    stored = _core.get_chunked_value(url, key)
    if stored is None:
        raise ResponseError(f"no frame is stored under key {key!r}")
    raw_meta, chunks = stored
    try:
        meta = json.loads(raw_meta)
        if meta.get("format") != FORMAT:
            raise ValueError("not a frame")
    except ValueError:
        raise ResponseError(f"key {key!r} does not hold a polars-redis frame") from None
    if meta["version"] > VERSION:
        raise ResponseError(f"frame {key!r} has format version {meta['version']}; this library reads up to {VERSION}")
    if len(chunks) != meta["chunks"]:
        raise ResponseError(f"frame {key!r} is incomplete: {len(chunks)} chunk(s) instead of {meta['chunks']}")
    data = b"".join(chunks)
    if len(data) != meta["bytes"]:
        raise ResponseError(f"frame {key!r} is corrupt: {len(data)} bytes instead of {meta['bytes']}")
    return data


@shared_docs
def read_frame(
    url: str | Client,
    key: str,
    *,
    n_rows: int | None = None,
    schema_overrides: SchemaLike | None = None,
    columns: list[str] | None = None,
) -> pl.DataFrame:
    """Read the frame stored under `key` (optionally only some columns).

    Args:
        {{stored frame}}
        columns: read only these columns.

    Returns:
        The stored frame, with its exact dtypes.

    {{stored frame raises}}

    Examples:
        >>> stored = pr.write_frame(pl.DataFrame({"day": ["mon"], "total": [12.5]}), url, "cache:daily")
        >>> pr.read_frame(url, "cache:daily").rows()
        [('mon', 12.5)]
    """
    url = as_url(url)
    n_rows = check_n_rows(n_rows)
    overrides = Overrides(schema_overrides)
    frame = pl.read_ipc(io.BytesIO(_load(url, key)), columns=columns, n_rows=n_rows)
    return overrides.finish(frame.lazy(), None).collect()


@shared_docs
def scan_frame(
    url: str | Client,
    key: str,
    *,
    n_rows: int | None = None,
    schema_overrides: SchemaLike | None = None,
) -> pl.LazyFrame:
    """A LazyFrame over the frame stored under `key`; projection, filters and limits apply.

    The schema is read when this is called; the data is fetched again at every collect.

    Args:
        {{stored frame}}

    Returns:
        A LazyFrame; every collect reads the stored frame again.

    {{stored frame raises}}
            Raised here (the schema is read now) and at collect.

    Examples:
        >>> frame = pl.DataFrame({"day": ["mon", "tue"], "total": [12.5, 8.0]})
        >>> stored = pr.write_frame(frame, url, "cache:daily")
        >>> pr.scan_frame(url, "cache:daily").filter(pl.col("total") > 10).collect().rows()
        [('mon', 12.5)]
    """
    url = as_url(url)
    n_rows = check_n_rows(n_rows)
    overrides = Overrides(schema_overrides)
    schema = pl.read_ipc_schema(io.BytesIO(_load(url, key)))

    def source(
        with_columns: list[str] | None, predicate: pl.Expr | None, n_rows: int | None, _batch_size: int | None
    ) -> Iterator[pl.DataFrame]:
        frame = pl.read_ipc(io.BytesIO(_load(url, key)), columns=with_columns)
        if predicate is not None:
            frame = frame.filter(predicate)
        if n_rows is not None:
            frame = frame.head(n_rows)
        yield frame

    lf = register_source(source, pl.Schema(schema), name="redis frame", detail=f"key={key!r}")
    return overrides.finish(lf, n_rows)
