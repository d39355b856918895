"""RediSearch queries as frames: search_hashes / search_json and read_search_hashes. (Filters on
scan_hashes / scan_json with ``search_index=`` use the same machinery implicitly.)"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import polars as pl

from polars_redis import _core
from polars_redis._core import ConfigurationError
from polars_redis._doc_fragments import shared_docs
from polars_redis.client import Client
from polars_redis.cluster.writes import is_cluster
from polars_redis.engine.budget import scan_budget
from polars_redis.engine.connection import as_url
from polars_redis.engine.dtypes import SchemaLike, normalize_schema, to_descriptor
from polars_redis.engine.key_columns import KeyColumns, check_scan_sizes
from polars_redis.engine.read_options import Overrides, check_n_rows
from polars_redis.pushdown.planner import SearchTarget
from polars_redis.pushdown.search_index import describe_index
from polars_redis.readers.eager import eager_twin
from polars_redis.readers.field_scan import field_scan
from polars_redis.readers.json import check_paths
from polars_redis.readers.search.indexes import infer_schema_from_index
from polars_redis.readers.search.plan import SortBy, Knn, sort_pairs, SearchPlanner

__all__ = ["search_hashes", "search_json", "read_search_hashes"]


def _search(
    url: str | Client, index: str, query: str, schema: SchemaLike | None, *, key_type: str, native: Any,
    paths: Mapping[str, str] | None, sort_by: SortBy, limit: int | None, params: Mapping[str, Any] | None,
    knn: Knn | None, distance_column_name: str, include_key: bool, key_column_name: str, include_ttl: bool,
    ttl_column_name: str, batch_size: int, count_hint: int, ignore_errors: bool, n_rows: int | None,
    schema_overrides: SchemaLike | None, max_server_share: float | None, max_commands_per_second: float | None,
) -> pl.LazyFrame:
    """search_hashes and search_json, which take the same parameters (`paths` is JSON's only)."""
    url = as_url(url)
    budget = scan_budget(max_server_share, max_commands_per_second)
    _core.validate_url(url)
    n_rows = check_n_rows(n_rows)
    overrides = Overrides(schema_overrides, nested=key_type == "JSON")
    check_scan_sizes(batch_size, count_hint)
    if limit is not None and limit < 0:
        raise ConfigurationError(f"limit must be >= 0, got {limit}")
    if knn is not None and not include_key:
        raise ConfigurationError("knn results are matched to their distance by key: it needs include_key=True")
    if sort_by is not None and not include_key and is_cluster(url):
        raise ConfigurationError("sort_by on a Redis Cluster orders the shards' rows by key: it needs include_key=True")
    column_paths = check_paths(paths)  # a bad JSONPath fails here, as for scan_json
    nested = key_type == "JSON"

    def resolve_fields() -> dict[str, pl.DataType]:
        return overrides.fields(given_or_inferred())

    def given_or_inferred() -> dict[str, pl.DataType]:
        if schema is not None:
            return normalize_schema(schema, nested=nested)
        info = describe_index(url, index)
        inferred = infer_schema_from_index(url, index)
        if nested:  # JSON attributes are read from their paths (the whole array for `[*]` tags)
            for item in info.fields:
                if item.name in inferred:
                    path = item.identifier[:-3] if item.identifier.endswith("[*]") else item.identifier
                    column_paths.setdefault(item.name, path)
        else:  # hash attributes are read from their fields
            inferred = {item.identifier: inferred[item.name] for item in info.fields if item.name in inferred}
        return inferred

    values: dict[str, pl.DataType] = {distance_column_name: pl.Float64()} if knn is not None else {}
    key_columns = KeyColumns(include_key=include_key, key_column_name=key_column_name, include_ttl=include_ttl,
                             ttl_column_name=ttl_column_name, key_parts=tuple(values.items()))

    def target_for(fields: Callable[[], dict[str, pl.DataType]]) -> SearchPlanner:
        def target() -> SearchTarget:
            ids = {f: (column_paths.get(f, "$." + f) if nested else f) for f in fields()}
            return SearchTarget(index, key_type, ids, ignore_errors)

        return SearchPlanner(url, index, query, target, key_type, sort_pairs(sort_by), limit, params, knn,
                              distance_column_name, key_column_name)

    def describe_field(field: str, dtype: pl.DataType) -> tuple[Any, ...]:
        if nested:
            return (field, to_descriptor(field, dtype, nested=True), column_paths.get(field))
        return (field, to_descriptor(field, dtype))

    return overrides.finish(field_scan(
        native, url, "*", resolve_fields=resolve_fields, describe=describe_field, schema_given=schema is not None,
        key_columns=key_columns, batch_size=batch_size, count_hint=count_hint, ignore_errors=ignore_errors,
        name=f"redis search {index}", planner=target_for, budget=budget,
    ), n_rows)


@shared_docs
def search_hashes(
    url: str | Client,
    index: str,
    query: str = "*",
    schema: SchemaLike | None = None,
    *,
    sort_by: SortBy = None,
    limit: int | None = None,
    params: Mapping[str, Any] | None = None,
    knn: Knn | None = None,
    distance_column_name: str = "_distance",
    include_key: bool = True,
    key_column_name: str = "_key",
    include_ttl: bool = False,
    ttl_column_name: str = "_ttl",
    batch_size: int = 1000,
    count_hint: int = 1000,
    ignore_errors: bool = False,
    n_rows: int | None = None,
    schema_overrides: SchemaLike | None = None,
    max_server_share: float | None = None,
    max_commands_per_second: float | None = None,
) -> pl.LazyFrame:
    """Lazily read the hashes a RediSearch query matches.

    Keys come from ``FT.AGGREGATE index query LOAD 1 @__key ... WITHCURSOR`` (no result cap, no
    quadratic paging, ``TIMEOUT 0`` so the server never returns a silently partial answer); the
    fields the query needs are fetched with pipelined HMGET. A ``filter`` on the frame is pushed
    into the query as with ``scan_hashes(search_index=...)``.

    Args:
        url: the Redis URL.
        index: a RediSearch index ON HASH.
        query: RediSearch query syntax (DIALECT 2), e.g. ``"@age:[30 +inf] @city:{Oslo}"``.
        schema: field -> dtype; ``None``: from the index
            ([infer_schema_from_index][polars_redis.readers.search.indexes.infer_schema_from_index]).
        sort_by: a field, or a list of fields / ``(field, descending)`` pairs; rows keep that order.
        limit: at most this many results.
        params: query parameters (``$name`` in the query).
        knn: ``(vector_field, vector, k)``: the k nearest neighbours of `vector` (floats packed
            as FLOAT32, or raw bytes), nearest first, with their distance in
            `distance_column_name`; `query` pre-filters the candidates.
        distance_column_name: name of the Float64 distance column added with `knn`.
        {{key column}}
        {{search results}}
        {{scan budget}}

    Returns:
        A LazyFrame; every collect runs the query again.

    {{search raises}}
            The index is read when the schema is inferred (here); the rest at collect.

    Examples:
        >>> lf = pr.search_hashes(url, "idx:users", "@age:[30 +inf]", sort_by=("age", True), limit=10)
        >>> lf.select("name", "age").collect().rows()
        [('Cy', 41.0), ('Ada', 36.0)]
    """
    return _search(**locals(), key_type="HASH", native=_core.scan_hashes, paths=None)


@shared_docs
def search_json(
    url: str | Client,
    index: str,
    query: str = "*",
    schema: SchemaLike | None = None,
    *,
    paths: Mapping[str, str] | None = None,
    sort_by: SortBy = None,
    limit: int | None = None,
    params: Mapping[str, Any] | None = None,
    knn: Knn | None = None,
    distance_column_name: str = "_distance",
    include_key: bool = True,
    key_column_name: str = "_key",
    include_ttl: bool = False,
    ttl_column_name: str = "_ttl",
    batch_size: int = 1000,
    count_hint: int = 1000,
    ignore_errors: bool = False,
    n_rows: int | None = None,
    schema_overrides: SchemaLike | None = None,
    max_server_share: float | None = None,
    max_commands_per_second: float | None = None,
) -> pl.LazyFrame:
    """Lazily read the JSON documents a RediSearch query matches (see
    [search_hashes][polars_redis.readers.search.query.search_hashes]).

    Columns are read from ``paths[column]`` or ``$.column``; with ``schema=None`` they are the
    index's attributes read from their JSONPaths.

    Args:
        url: a connection URL or a [Client][polars_redis.client.Client].
        index: a RediSearch index ON JSON.
        query: RediSearch query syntax (DIALECT 2).
        schema: column -> dtype; ``None``: the index's attributes.
        paths: column -> JSONPath, for columns that are not ``$.column``.
        sort_by: as in [search_hashes][polars_redis.readers.search.query.search_hashes].
        limit: at most this many results.
        params: query parameters (``$name`` in the query).
        knn: ``(vector_field, vector, k)``, as in `search_hashes`.
        distance_column_name: name of the Float64 distance column added with `knn`.
        {{key column}}
        {{search results}}
        {{scan budget}}

    Returns:
        A LazyFrame; every collect runs the query again.

    {{search raises}}

    Examples:
        >>> lf = pr.search_json(url, "idx:products", "@price:[0 100]", {"name": pl.String, "price": pl.Float64})
        >>> lf.select("name", "price").collect().rows()
        [('Lamp', 25.0)]
    """
    return _search(**locals(), key_type="JSON", native=_core.scan_json)


@eager_twin(search_hashes)
@shared_docs
def read_search_hashes() -> None:
    """Eager [search_hashes][polars_redis.readers.search.query.search_hashes].

    Returns:
        One row per matching hash.

    {{search raises}}

    Examples:
        >>> pr.read_search_hashes(url, "idx:users", "@city:{Oslo}").sort("_key")["name"].to_list()
        ['Ada', 'Cy']
    """
