"""Reads from RDB files (backups), with no server: ``scan_rdb`` / ``read_rdb``.

The same decoder serves ``snapshot=True`` on the scan functions (a replication full resync from a
live server); see docs/snapshots.md for when a snapshot beats SCAN.
"""

from __future__ import annotations

import os
from typing import Any

import polars as pl

from polars_redis._core import ConfigurationError
from polars_redis.engine.dtypes import SchemaLike
from polars_redis.readers.eager import eager_twin
from polars_redis.readers.snapshot_source import reading_rdb

# The scans never connect with an RDB file as their source; the URL only carries the database.
_NO_SERVER = "redis://rdb-file.invalid"

KEY_TYPES = ("hash", "json", "string", "set", "list", "zset", "stream")


def scan_rdb(
    path: str | os.PathLike[str],
    pattern: str | list[str] = "*",
    schema: SchemaLike | None = None,
    *,
    key_type: str = "hash",
    db: int = 0,
    n_rows: int | None = None,
    schema_overrides: SchemaLike | None = None,
    row_index_name: str | None = None,
    row_index_offset: int = 0,
    **kwargs: Any,
) -> pl.LazyFrame:
    """Lazily read the keys of an RDB file (a ``SAVE`` / ``BGSAVE`` dump or a backup): no server.

    The file is decoded as it is read (memory stays bounded, whatever its size) by the same
    decoder as ``snapshot=True``, into the same columns as the matching scan function:
    ``"hash"`` like [scan_hashes][polars_redis.readers.hashes.scan_hashes], ``"json"`` like
    [scan_json][polars_redis.readers.json.scan_json] (top-level fields), ``"string"`` like
    [scan_strings][polars_redis.readers.strings.scan_strings], ``"set"``, ``"list"`` and ``"zset"`` like
    [scan_set][polars_redis.readers.sets.scan_set], [scan_list][polars_redis.readers.lists.scan_list]
    and [scan_zset][polars_redis.readers.zsets.scan_zset], ``"stream"`` like
    [scan_stream][polars_redis.readers.streams.scan_stream] (then `pattern` is the stream key, or a list
    of keys).

    Keys whose expiry has passed are not read (a server loading the file would drop them); the
    TTL column counts from now. RDB versions 9 to 12 (Redis 6.0 to 7.4+) and Valkey's are read.

    Args:
        path: the RDB file.
        pattern: glob over the keys (as SCAN MATCH); for streams the key or keys.
        schema: for hashes, JSON and streams, field name -> Polars dtype (required for those).
        key_type: which keys to read: ``"hash"``, ``"json"``, ``"string"``, ``"set"``,
            ``"list"``, ``"zset"`` or ``"stream"`` (keys of other types are skipped).
        db: the database number (``SELECT``) whose keys are read.
        n_rows: read at most this many rows (``None``: all), as ``head(n_rows)`` would.
        schema_overrides: column name -> Polars dtype, as in Polars' readers and the matching
            scan function (a parsed column is parsed as it, another is cast).
        row_index_name: add a UInt32 row number column of this name (``None``: none).
        row_index_offset: the first row number.
        **kwargs: the other options of the matching scan function (key and TTL columns,
            ``ignore_errors``, ``batch_size``, ``value_type``, ``min_score``, ...); they differ by
            `key_type`, so they are checked by that function (a misspelt one is a TypeError).

    Returns:
        A LazyFrame; every collect reads the file again.

    Raises:
        ConfigurationError: a missing file, an unknown `key_type`, a missing schema (raised here).
        ProtocolError: the file is not an RDB, is truncated or corrupt (at collect; the message
            names the byte offset).
        SchemaError: a value does not parse as its dtype (at collect; see ``ignore_errors``).

    Examples:
        >>> import os, redis
        >>> r = redis.Redis.from_url(url)
        >>> r.save()
        True
        >>> dump = os.path.join(r.config_get("dir")["dir"], r.config_get("dbfilename")["dbfilename"])
        >>> lf = pr.scan_rdb(dump, "user:*", {"name": pl.String, "age": pl.Int64})
        >>> lf.filter(pl.col("age") > 30).sort("name").collect()["name"].to_list()
        ['Ada', 'Cy']
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise ConfigurationError(f"RDB file {path!r} does not exist")
    if db < 0:
        raise ConfigurationError(f"db must be >= 0, got {db}")
    url = f"{_NO_SERVER}/{db}"
    kwargs.update(n_rows=n_rows, schema_overrides=schema_overrides, row_index_name=row_index_name,
                  row_index_offset=row_index_offset)
    with reading_rdb(path):
        return _scan_file(url, pattern, schema, key_type, kwargs)


def _scan_file(url: str, pattern: str | list[str], schema: SchemaLike | None, key_type: str,
               kwargs: dict[str, Any]) -> pl.LazyFrame:
    from polars_redis.readers import hashes, json, lists, sets, streams, strings, zsets

    if key_type == "stream":
        if schema is None:
            raise ConfigurationError("scan_rdb(key_type='stream') needs a schema: an RDB file has no server to sample")
        return streams.scan_stream(url, pattern, schema, **kwargs)
    if key_type in ("hash", "json"):
        if schema is None:
            raise ConfigurationError(f"scan_rdb(key_type={key_type!r}) needs a schema: an RDB file has no server to sample")
        scan = hashes.scan_hashes if key_type == "hash" else json.scan_json
        return scan(url, pattern, schema, **kwargs)  # type: ignore[arg-type]
    if schema is not None:
        raise ConfigurationError(f"schema applies to hashes and JSON; key_type={key_type!r} takes its scan's options")
    scans = {"string": strings.scan_strings, "set": sets.scan_set, "list": lists.scan_list, "zset": zsets.scan_zset}
    if key_type not in scans:
        raise ConfigurationError(f"key_type must be one of {KEY_TYPES}, got {key_type!r}")
    return scans[key_type](url, pattern, **kwargs)  # type: ignore[operator, arg-type]


@eager_twin(scan_rdb)
def read_rdb() -> None:
    """Read the keys of an RDB file into a DataFrame (eager [scan_rdb][polars_redis.readers.snapshots.scan_rdb]).

    Returns:
        The rows as a DataFrame.

    Raises:
        ConfigurationError: a missing file, an unknown `key_type`, a missing schema.
        ProtocolError: the file is not an RDB, is truncated or corrupt (the message names the
            byte offset).
        SchemaError: a value does not parse as its dtype (see ``ignore_errors``).

    Examples:
        >>> import os, redis
        >>> r = redis.Redis.from_url(url)
        >>> r.save()
        True
        >>> dump = os.path.join(r.config_get("dir")["dir"], r.config_get("dbfilename")["dbfilename"])
        >>> pr.read_rdb(dump, "tags:*", key_type="set").sort("member")["member"].to_list()
        ['polars', 'polars', 'redis']
    """
