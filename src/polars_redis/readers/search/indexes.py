"""RediSearch indexes: create one from a frame's schema, or read the schema an index describes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from polars_redis import _core
from polars_redis._core import ConfigurationError
from polars_redis.client import Client
from polars_redis.cluster import search as cluster_search
from polars_redis.cluster.writes import is_cluster
from polars_redis.engine.connection import as_url
from polars_redis.engine.dtypes import SchemaLike, normalize_schema
from polars_redis.pushdown.search_index import describe_index

__all__ = ["infer_schema_from_index", "create_index"]


_INDEX_DTYPES = {"NUMERIC": pl.Float64(), "TAG": pl.String(), "TEXT": pl.String(), "GEO": pl.String(),
                 "GEOSHAPE": pl.String()}


def infer_schema_from_index(url: str | Client, index: str) -> dict[str, pl.DataType]:
    """Column dtypes from an index's attributes (FT.INFO): NUMERIC -> Float64; TAG, TEXT, GEO and
    GEOSHAPE -> String; VECTOR -> Binary (the raw FLOAT32/FLOAT64 bytes of a hash field).

    Columns are named after the attributes (``AS`` names for JSON paths).

    Args:
        url: a connection URL or a [Client][polars_redis.client.Client].
        index: the RediSearch index name.

    Returns:
        Column name -> Polars dtype.

    Raises:
        ConfigurationError: an invalid URL.
        RedisConnectionError: the server cannot be reached (AuthenticationError: credentials
            rejected).
        RedisTimeoutError: the server did not answer in time.
        ResponseError: no such index (or no search module).

    Examples:
        >>> pr.infer_schema_from_index(url, "idx:users")
        {'name': String, 'age': Float64, 'city': String}
    """
    url = as_url(url)
    info = describe_index(url, index)
    schema: dict[str, pl.DataType] = {}
    for item in info.fields:
        if item.type == "VECTOR":
            schema[item.name] = pl.Binary() if info.key_type == "HASH" else pl.List(pl.Float64())
        elif item.type == "TAG" and info.key_type == "JSON" and item.identifier.endswith("[*]"):
            schema[item.name] = pl.List(pl.String())  # a TAG over every element of an array
        elif item.type in _INDEX_DTYPES:
            schema[item.name] = _INDEX_DTYPES[item.type]
    return schema


def create_index(
    url: str | Client,
    name: str,
    schema: SchemaLike,
    prefix: str | Sequence[str],
    *,
    on: str = "hash",
    text: Sequence[str] = (),
    sortable: Sequence[str] = (),
    index_missing: Sequence[str] = (),
    paths: Mapping[str, str] | None = None,
    vectors: Mapping[str, Mapping[str, Any]] | None = None,
    if_exists: str = "fail",
) -> None:
    """Create a RediSearch index over keys starting with `prefix`, from a Polars schema.

    Integer and float columns become NUMERIC, String columns TAG (TEXT when named in `text`),
    Boolean, Date and Datetime columns TAG (their text form), List(String) columns of JSON
    documents TAG over every element. `vectors` declares VECTOR fields:
    ``{"embedding": {"dim": 4, "distance": "COSINE", "algorithm": "FLAT", "type": "FLOAT32"}}``.

    Args:
        url: the Redis URL.
        name: the index name.
        schema: column -> Polars dtype.
        prefix: key prefix(es) the index covers, e.g. ``"user:"``.
        on: ``"hash"`` or ``"json"`` (columns are ``$.column`` unless given in `paths`).
        text: String columns to index as full-text TEXT instead of TAG.
        sortable: columns to make SORTABLE.
        index_missing: columns with INDEXMISSING, so ``is_null()`` filters can be pushed down.
        paths: JSON only: column -> JSONPath.
        vectors: VECTOR fields and their attributes.
        if_exists: ``"fail"`` (raise), ``"skip"`` (keep the existing index) or ``"replace"``
            (FT.DROPINDEX without deleting documents, then create).

    Returns:
        None.

    Raises:
        ConfigurationError: an invalid option, or a column not in `schema` / a dtype no field type
            fits.
        RedisConnectionError: the server cannot be reached (AuthenticationError: credentials
            rejected).
        RedisTimeoutError: the server did not answer in time.
        ResponseError: the index exists (with ``if_exists="fail"``), or the server rejected
            FT.CREATE.

    Examples:
        >>> pr.create_index(url, "idx:people", {"name": pl.String, "age": pl.Int64}, "person:",
        ...                 text=["name"], sortable=["age"])
        >>> pr.infer_schema_from_index(url, "idx:people")
        {'name': String, 'age': Float64}
    """
    url = as_url(url)
    if on not in ("hash", "json"):
        raise ConfigurationError(f"on must be 'hash' or 'json', got {on!r}")
    if if_exists not in ("fail", "skip", "replace"):
        raise ConfigurationError(f"if_exists must be 'fail', 'skip' or 'replace', got {if_exists!r}")
    columns = normalize_schema(schema, nested=on == "json")
    prefixes = [prefix] if isinstance(prefix, str) else list(prefix)
    unknown = sorted((set(text) | set(sortable) | set(index_missing) | set(paths or {})) - set(columns) - set(vectors or {}))
    if unknown:
        raise ConfigurationError(f"create_index: {unknown} are not columns of the schema")
    args: list[str] = ["FT.CREATE", name, "ON", on.upper(), "PREFIX", str(len(prefixes)), *prefixes, "SCHEMA"]
    for column, dtype in columns.items():
        identifier = (paths or {}).get(column, "$." + column) if on == "json" else column
        field_type = _field_type(column, dtype, column in text, on)
        if field_type == "TAG" and on == "json" and dtype.base_type() == pl.List:
            identifier += "[*]"
        args += [identifier, "AS", column, field_type] if on == "json" else [identifier, field_type]
        if column in sortable:
            args.append("SORTABLE")
        if column in index_missing:
            args.append("INDEXMISSING")
    for column, options in (vectors or {}).items():
        identifier = (paths or {}).get(column, "$." + column) if on == "json" else column
        attrs = {"TYPE": "FLOAT32", "DISTANCE_METRIC": "COSINE"}
        for key, value in options.items():
            key = {"dim": "DIM", "distance": "DISTANCE_METRIC", "type": "TYPE"}.get(key, key.upper())
            if key != "ALGORITHM":
                attrs[key] = str(value).upper() if key != "DIM" else str(int(value))
        if "DIM" not in attrs:
            raise ConfigurationError(f"vector field {column!r} needs a 'dim'")
        algorithm = str(options.get("algorithm", "FLAT")).upper()
        flat = [part for pair in attrs.items() for part in pair]
        args += ([identifier, "AS", column] if on == "json" else [identifier]) + ["VECTOR", algorithm, str(len(flat)), *flat]
    if is_cluster(url):  # one index per shard: see cluster.search
        cluster_search.create_on_shards(url, name, args[2:], if_exists)
        return
    if if_exists != "fail" and name in (_core.command(url, ["FT._LIST"]) or []):
        if if_exists == "skip":
            return
        _core.command(url, ["FT.DROPINDEX", name])
    _core.command(url, args)


def _field_type(column: str, dtype: pl.DataType, as_text: bool, on: str) -> str:
    base = dtype.base_type()
    if dtype.is_numeric():
        return "NUMERIC"
    if base == pl.String:
        return "TEXT" if as_text else "TAG"
    if base in (pl.Boolean, pl.Date, pl.Datetime):
        return "TAG"
    if base == pl.List and on == "json" and dtype.inner == pl.String:  # type: ignore[attr-defined]
        return "TAG"
    raise ConfigurationError(f"create_index: column {column!r} of dtype {dtype} cannot be indexed")
