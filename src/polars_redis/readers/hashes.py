"""Redis hashes as Polars frames: scan_hashes, read_hashes, infer_hash_schema."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from polars_redis import _core
from polars_redis._core import ConfigurationError
from polars_redis._doc_fragments import shared_docs
from polars_redis.client import Client
from polars_redis.engine.budget import scan_budget
from polars_redis.engine.connection import as_url
from polars_redis.engine.dtypes import SchemaLike, from_descriptor, normalize_schema, to_descriptor
from polars_redis.engine.key_columns import KeyColumns, check_scan_sizes
from polars_redis.engine.key_template import resolve_template
from polars_redis.engine.read_options import Overrides, check_n_rows
from polars_redis.pushdown.planner import SearchTarget
from polars_redis.readers.eager import eager_twin
from polars_redis.readers.field_scan import field_scan
from polars_redis.readers.snapshot_source import rdb_file, snapshot_pushdown

__all__ = ["scan_hashes", "read_hashes", "infer_hash_schema"]


def infer_hash_schema(
    url: str | Client,
    pattern: str = "*",
    sample_size: int = 100,
    type_inference: bool = True,
) -> dict[str, pl.DataType]:
    """Infer a schema by sampling hashes that match `pattern`.

    Samples up to `sample_size` hashes (pipelined SCAN + HGETALL) and picks, per field, the first
    of Int64, Float64, Boolean, Date, Datetime that every sampled non-null value parses as, else
    String. Fields are listed in the order first seen.

    Args:
        url: a connection URL (see [scan_hashes][polars_redis.readers.hashes.scan_hashes]) or a
            [Client][polars_redis.client.Client].
        pattern: SCAN MATCH pattern of the hashes to sample.
        sample_size: at most this many hashes are read.
        type_inference: ``False`` types every field as String.

    Returns:
        Field name -> Polars dtype, ready to pass as `schema`.

    Raises:
        ConfigurationError: `sample_size` below 1 or an invalid URL.
        RedisConnectionError: the server cannot be reached (AuthenticationError: credentials
            rejected).
        RedisTimeoutError: the server did not answer in time.

    Examples:
        >>> pr.infer_hash_schema(url, "user:*")
        {'name': String, 'age': Int64, 'city': String}
    """
    url = as_url(url)
    if sample_size < 1:
        raise ConfigurationError(f"sample_size must be at least 1, got {sample_size}")
    fields = _core.infer_hash_schema(url, pattern, sample_size, type_inference)
    return {name: from_descriptor(spec) for name, spec in fields}


@shared_docs
def scan_hashes(
    url: str | Client,
    pattern: str = "*",
    schema: SchemaLike | None = None,
    *,
    include_key: bool = True,
    key_column_name: str = "_key",
    include_ttl: bool = False,
    ttl_column_name: str = "_ttl",
    include_memory_usage: bool = False,
    memory_column_name: str = "_memory",
    include_row_index: bool | None = None,
    row_index_column_name: str | None = None,
    row_index_offset: int = 0,
    row_index_name: str | None = None,
    n_rows: int | None = None,
    schema_overrides: SchemaLike | None = None,
    batch_size: int = 1000,
    count_hint: int = 500,
    ignore_errors: bool = False,
    key_template: str | None = None,
    key_template_schema: Mapping[str, Any] | None = None,
    search_index: str | None = None,
    snapshot: bool = False,
    max_server_share: float | None = None,
    max_commands_per_second: float | None = None,
) -> pl.LazyFrame:
    """Lazily scan Redis hashes whose keys match `pattern`.

    Nothing is sent to Redis until the frame is collected. Each hash becomes one row; each schema
    field one column (a missing field is null). Only the fields a query needs are fetched (HMGET;
    HGETALL when all are needed, until the hashes prove much wider than the schema),
    `head(n)` stops after about n hashes, and the TTL and memory usage come in the same pipeline
    as the fields.

    Args:
        url: ``redis://[[user]:password@]host[:port][/db]``, ``rediss://`` for TLS, or
            ``unix:///path?db=N``.
        pattern: SCAN MATCH pattern, e.g. ``"user:*"``.
        schema: field name -> Polars dtype. ``None`` infers it from a sample
            ([infer_hash_schema][polars_redis.readers.hashes.infer_hash_schema]) when the scan is built.
        {{key column}}
        include_ttl: add the TTL in seconds (-1: no expiry) as an Int64 column.
        ttl_column_name: name of the TTL column.
        include_memory_usage: add the bytes the key and its value take in Redis' memory
            (``MEMORY USAGE key``) as an Int64 column named `memory_column_name`.
        memory_column_name: name of the memory usage column.
        {{row index}}
        {{field rows}}
        count_hint: SCAN COUNT hint. The default (500, not the 100 Redis uses) keeps the fetch
            pipeline fed: with 100 the single SCAN cursor cannot deliver keys as fast as the server
            answers the fetches, while with 1000 keys wait longer between SCAN and their fetch and
            the server reads them with colder caches, about 4% more of its CPU (measured in
            bench/RESULTS.md). Lower it to shorten each SCAN call on a latency-sensitive server.
        ignore_errors: read values that do not parse as their dtype as null instead of raising
            `SchemaError`.
        {{key template and index}}
        {{snapshot}}
        {{scan budget}}

    Returns:
        A LazyFrame; every collect runs a fresh scan.

    Raises:
        ConfigurationError: an invalid URL, option, dtype or key template (raised here).
        RedisConnectionError: the server cannot be reached (when the schema is inferred, here;
            otherwise at collect). AuthenticationError, a subclass, when credentials are rejected.
        RedisTimeoutError: the server did not answer in time.
        SchemaError: a value does not parse as its dtype (at collect; see `ignore_errors`).
        ResponseError: the server answered a command with an error.

    Examples:
        >>> lf = pr.scan_hashes(url, "user:*", {"name": pl.String, "age": pl.Int64})
        >>> lf.filter(pl.col("age") > 30).select("name").sort("name").collect()["name"].to_list()
        ['Ada', 'Cy']
    """
    url = as_url(url)
    _core.validate_url(url)  # a malformed URL fails here, not at collect time
    check_scan_sizes(batch_size, count_hint)
    n_rows = check_n_rows(n_rows)
    overrides = Overrides(schema_overrides)
    template, pattern = resolve_template(key_template, key_template_schema, pattern, include_key)
    key_columns = KeyColumns.from_arguments(locals(), key_parts=tuple(template.schema.items()) if template else ())

    def search(fields: dict[str, pl.DataType]) -> SearchTarget:
        return SearchTarget(str(search_index), "HASH", {f: f for f in fields}, ignore_errors)

    snapshot_source = snapshot_pushdown(url, pattern, key_columns.key_column, snapshot=snapshot,
                                        rdb_path=rdb_file(), include_memory_usage=include_memory_usage,
                                        template=template)

    lf = field_scan(
        _core.scan_hashes, url, pattern,
        resolve_fields=lambda: overrides.fields(
            infer_hash_schema(url, pattern) if schema is None else normalize_schema(schema)),
        describe=lambda field, dtype: (field, to_descriptor(field, dtype)),
        schema_given=schema is not None, key_columns=key_columns, batch_size=batch_size,
        count_hint=count_hint, ignore_errors=ignore_errors, name="redis hashes",
        template=template, search=search if search_index is not None else None,
        planner=(lambda _fields: snapshot_source) if snapshot_source else None,
        budget=scan_budget(max_server_share, max_commands_per_second, snapshot=snapshot),
    )
    return overrides.finish(lf, n_rows)


@eager_twin(scan_hashes)
def read_hashes() -> None:
    """Read Redis hashes into a DataFrame (eager [scan_hashes][polars_redis.readers.hashes.scan_hashes]).

    With ``schema=None`` the schema is inferred first with
    [infer_hash_schema][polars_redis.readers.hashes.infer_hash_schema].

    Returns:
        One row per hash.

    Raises:
        ConfigurationError: an invalid URL, option or dtype.
        RedisConnectionError: the server cannot be reached (AuthenticationError: credentials
            rejected).
        RedisTimeoutError: the server did not answer in time.
        SchemaError: a value does not parse as its dtype (see `ignore_errors`).
        ResponseError: the server answered a command with an error.

    Examples:
        >>> df = pr.read_hashes(url, "user:*", {"name": pl.String, "age": pl.Int64})
        >>> df.sort("_key").rows()
        [('user:1', 'Ada', 36), ('user:2', 'Bo', 12), ('user:3', 'Cy', 41)]
    """
