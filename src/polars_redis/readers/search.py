"""RediSearch, explicitly: search_hashes / search_json, aggregate, create_index and
infer_schema_from_index. (Filters on scan_hashes / scan_json with ``search_index=`` use the same
machinery implicitly.)"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Union

import polars as pl

from polars_redis import _core
from polars_redis.cluster import search as cluster_search
from polars_redis.engine.aggregate import run_aggregate
from polars_redis.engine.budget import scan_budget
from polars_redis.cluster.writes import is_cluster
from polars_redis.engine.connection import as_url
from polars_redis.client import Client
from polars_redis._core import ConfigurationError
from polars_redis.engine.dtypes import SchemaLike, normalize_schema, to_descriptor
from polars_redis.pushdown.expr_tree import conjuncts, describe, parse_predicate
from polars_redis.readers.field_scan import field_scan
from polars_redis.engine.key_columns import KeyColumns, check_scan_sizes
from polars_redis.pushdown.planner import (SEARCH_DIALECT, KeyOrder, SearchTarget, SourcePlan, translate_for_index,
                                    unusable_reason)
from polars_redis.engine.read_options import Overrides, check_n_rows
from polars_redis.readers.eager import eager_twin
from polars_redis.pushdown.search_index import IndexInfo, describe_index
from polars_redis.readers.json import check_paths
from polars_redis.pushdown.search_query import attribute

__all__ = ["search_hashes", "search_json", "read_search_hashes", "aggregate", "create_index", "infer_schema_from_index"]

SortBy = Union[str, tuple[str, bool], Sequence[Union[str, tuple[str, bool]]], None]
Knn = tuple[str, Sequence[float], int]

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


# --- search_hashes / search_json ------------------------------------------------------------------


def _sort_pairs(sort_by: SortBy) -> list[list[str]]:
    if sort_by is None:
        return []
    single = isinstance(sort_by, str) or (isinstance(sort_by, tuple) and len(sort_by) == 2
                                          and isinstance(sort_by[1], bool))
    items = [sort_by] if single else list(sort_by)
    pairs = []
    for item in items:
        column, descending = (item, False) if isinstance(item, str) else item
        pairs.append([column, "DESC" if descending else "ASC"])
    return pairs


def _vector_bytes(vector: Sequence[float] | bytes) -> bytes:
    if isinstance(vector, (bytes, bytearray)):
        return bytes(vector)
    values = [float(v) for v in vector]
    return struct.pack(f"<{len(values)}f", *values)


@dataclass
class _Distances:
    """The KNN distance of each returned key, as a column derived from the key column."""

    by_key: dict[str, float]
    column: str
    source: str

    @property
    def names(self) -> list[str]:
        return [self.column]

    def add(self, frame: pl.DataFrame, wanted: list[str]) -> pl.DataFrame:
        keys = frame.get_column(self.source)
        return frame.with_columns(keys.replace_strict(self.by_key, return_dtype=pl.Float64, default=None).alias(self.column))


@dataclass
class _SearchPlanner:
    """Plans a search_* scan: the user's query, narrowed by whatever the filter pushes down."""

    url: str
    index: str
    query: str
    target: Callable[[], SearchTarget]
    key_type: str
    sort_by: list[list[str]]
    limit: int | None
    params: Mapping[str, Any] | None
    knn: Knn | None
    distance_column: str
    key_column: str

    def plan(self, predicate: pl.Expr | None, schema: pl.Schema, n_rows: int | None = None) -> SourcePlan:
        info = describe_index(self.url, self.index)
        if info.key_type != self.key_type:
            raise ConfigurationError(f"index {self.index!r} indexes {info.key_type} keys, not {self.key_type}")
        notes = [f"query: {self.query}"]
        query = self.query
        if predicate is not None:
            terms = conjuncts(parse_predicate(predicate, schema))
            reason = unusable_reason(info)
            translation, pushed, _, refusals = translate_for_index(info, self.target(), terms, schema)
            # The user's own query already depends on the index; pushing more is only unsafe when
            # the index misses keys, and then the user's query has the same blind spot.
            if translation is not None:
                query = translation.query if self.query.strip() == "*" else f"({self.query}) {translation.query}"
                notes.append("pushed: " + " & ".join(describe(t) for t in pushed))
            notes.extend(f"not pushed: {describe(term)}: {why}" for term, why in refusals)
            if reason is not None:
                notes.append(f"warning: index {self.index!r}: {reason}")
        params = [[name, value if isinstance(value, (bytes, str)) else str(value)] for name, value in (self.params or {}).items()]
        if self.knn is not None:
            return self._knn_plan(info, query, params, notes)
        # head(n) without a client filter becomes LIMIT n: with sort_by the server then keeps a
        # top-n instead of sorting every match.
        limit = self.limit if n_rows is None else n_rows if self.limit is None else min(self.limit, n_rows)
        if self.sort_by and is_cluster(self.url):
            cluster_search.require_sortable(info, [field for field, _ in self.sort_by], "sort_by")
            # Each shard sorts its own documents: the global order comes from merging their sort
            # values, and the rows are then read by key in that order.
            keys = cluster_search.sorted_keys(self.url, self.index, query, self.sort_by, limit, params, SEARCH_DIALECT)
            notes.append(f"cluster: sorted on every shard, merged: {len(keys)} key(s)")
            return SourcePlan({"pattern": "*", "key_source": {"kind": "keys", "keys": keys}, "match_pattern": None},
                              notes, order=KeyOrder(self.key_column, keys))
        source = {"kind": "search", "index": self.index, "query": query, "dialect": SEARCH_DIALECT,
                  "sort_by": self.sort_by, "limit": limit, "params": params}
        return SourcePlan({"pattern": "*", "key_source": source, "match_pattern": None}, notes)

    def _knn_plan(self, info: IndexInfo, query: str, params: list[list[Any]], notes: list[str]) -> SourcePlan:
        assert self.knn is not None
        field, vector, k = self.knn
        if not any(item.name == field and item.type == "VECTOR" for item in info.fields):
            raise ConfigurationError(f"knn: {field!r} is not a VECTOR attribute of index {self.index!r}")
        if k < 1:
            raise ConfigurationError(f"knn: k must be at least 1, got {k}")
        blob = _vector_bytes(vector)
        knn_query = f"({query})=>[KNN {int(k)} {attribute(field)} $__knn_vector AS __distance]"
        command: list[Any] = ["FT.SEARCH", self.index, knn_query, "RETURN", "1",
                              "__distance", "SORTBY", "__distance", "ASC", "LIMIT", "0", str(int(k))]
        flat_params = [part for name, value in params for part in (name, value)] + ["__knn_vector", blob]
        command += ["PARAMS", str(len(flat_params)), *flat_params, "DIALECT", str(SEARCH_DIALECT), "TIMEOUT", "0"]
        if is_cluster(self.url):
            keys, distances = cluster_search.knn_on_shards(self.url, self.index, command[2:], int(k), _knn_results)
        else:
            keys, distances = _knn_results(_core.command(self.url, command))
        notes.append(f"KNN: FT.SEARCH {self.index} {knn_query!r} returned {len(keys)} key(s)")
        derived = _Distances(dict(zip(keys, distances)), self.distance_column, self.key_column)
        return SourcePlan({"pattern": "*", "key_source": {"kind": "keys", "keys": keys}, "match_pattern": None},
                          notes, derived=derived, order=KeyOrder(self.key_column, keys))


def _knn_results(reply: Any) -> tuple[list[str], list[float]]:
    """Keys and distances of an FT.SEARCH reply, RESP3 map or RESP2 array."""
    keys: list[str] = []
    distances: list[float] = []
    if isinstance(reply, dict):
        for row in reply.get("results") or []:
            attrs = row.get("extra_attributes") or {}
            keys.append(str(row["id"]))
            distances.append(float(attrs.get("__distance")))
        return keys, distances
    items = list(reply)[1:]
    for i in range(0, len(items) - 1, 2):
        keys.append(str(items[i]))
        pairs = items[i + 1]
        values = {str(pairs[j]): pairs[j + 1] for j in range(0, len(pairs) - 1, 2)}
        distances.append(float(values["__distance"]))
    return keys, distances


def _search(
    url: str, index: str, query: str, schema: SchemaLike | None, *, key_type: str, native: Any,
    paths: Mapping[str, str] | None, sort_by: SortBy, limit: int | None, params: Mapping[str, Any] | None,
    knn: Knn | None, distance_column_name: str, include_key: bool, key_column_name: str, include_ttl: bool,
    ttl_column_name: str, batch_size: int, count_hint: int, ignore_errors: bool, n_rows: int | None,
    schema_overrides: SchemaLike | None,
    budget: dict[str, float],
) -> pl.LazyFrame:
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

    def target_for(fields: Callable[[], dict[str, pl.DataType]]) -> _SearchPlanner:
        def target() -> SearchTarget:
            ids = {f: (column_paths.get(f, "$." + f) if nested else f) for f in fields()}
            return SearchTarget(index, key_type, ids, ignore_errors)

        return _SearchPlanner(url, index, query, target, key_type, _sort_pairs(sort_by), limit, params, knn,
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
            ([infer_schema_from_index][polars_redis.readers.search.infer_schema_from_index]).
        sort_by: a field, or a list of fields / ``(field, descending)`` pairs; rows keep that order.
        limit: at most this many results.
        params: query parameters (``$name`` in the query).
        knn: ``(vector_field, vector, k)``: the k nearest neighbours of `vector` (floats packed
            as FLOAT32, or raw bytes), nearest first, with their distance in
            `distance_column_name`; `query` pre-filters the candidates.
        distance_column_name: name of the Float64 distance column added with `knn`.
        include_key: add the key as a String column named `key_column_name`.
        key_column_name: name of the key column.
        include_ttl: add the TTL in seconds (-1: no expiry) as an Int64 column.
        ttl_column_name: name of the TTL column.
        batch_size: rows per batch handed to Polars.
        count_hint: keys per cursor read (FT.AGGREGATE ... WITHCURSOR COUNT).
        ignore_errors: read values that do not parse as their dtype as null instead of raising
            `SchemaError`.
        n_rows: read at most this many rows (``None``: all), as ``head(n_rows)`` would.
        schema_overrides: column name -> Polars dtype, as in Polars' readers: a field of the given
            or inferred schema is parsed as that dtype instead; another column (key, TTL, ...) is
            cast to it. A name that is no column raises `ConfigurationError`.
        max_server_share: bound the scan's share of the server's time, in (0, 1]: fetches go in
            short bursts, each followed by a pause, so that another client's commands wait behind
            less of ours (the production guide, "Scan budgets"). ``None``: unbounded.
        max_commands_per_second: bound the commands the scan sends per second. ``None``: unbounded.

    Returns:
        A LazyFrame; every collect runs the query again.

    Raises:
        ConfigurationError: an invalid URL, option or dtype, or a field the index lacks.
        RedisConnectionError: the server cannot be reached (AuthenticationError: credentials
            rejected).
        RedisTimeoutError: the server did not answer in time.
        SchemaError: a value does not parse as its dtype (see `ignore_errors`).
        ResponseError: no such index, a query syntax error, or another server error.
            The index is read when the schema is inferred (here); the rest at collect.

    Examples:
        >>> lf = pr.search_hashes(url, "idx:users", "@age:[30 +inf]", sort_by=("age", True), limit=10)
        >>> lf.select("name", "age").collect().rows()
        [('Cy', 41.0), ('Ada', 36.0)]
    """
    url = as_url(url)
    return _search(url, index, query, schema, key_type="HASH", native=_core.scan_hashes, paths=None, sort_by=sort_by,
                   limit=limit, params=params, knn=knn, distance_column_name=distance_column_name,
                   include_key=include_key, key_column_name=key_column_name, include_ttl=include_ttl,
                   ttl_column_name=ttl_column_name, batch_size=batch_size, count_hint=count_hint,
                   ignore_errors=ignore_errors, n_rows=n_rows, schema_overrides=schema_overrides,
                   budget=scan_budget(max_server_share, max_commands_per_second))


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
    [search_hashes][polars_redis.readers.search.search_hashes]).

    Columns are read from ``paths[column]`` or ``$.column``; with ``schema=None`` they are the
    index's attributes read from their JSONPaths.

    Args:
        url: a connection URL or a [Client][polars_redis.client.Client].
        index: a RediSearch index ON JSON.
        query: RediSearch query syntax (DIALECT 2).
        schema: column -> dtype; ``None``: the index's attributes.
        paths: column -> JSONPath, for columns that are not ``$.column``.
        sort_by: as in [search_hashes][polars_redis.readers.search.search_hashes].
        limit: at most this many results.
        params: query parameters (``$name`` in the query).
        knn: ``(vector_field, vector, k)``, as in `search_hashes`.
        distance_column_name: name of the Float64 distance column added with `knn`.
        include_key: add the key as a String column named `key_column_name`.
        key_column_name: name of the key column.
        include_ttl: add the TTL in seconds (-1: no expiry) as an Int64 column.
        ttl_column_name: name of the TTL column.
        batch_size: rows per batch handed to Polars.
        count_hint: keys per cursor read (FT.AGGREGATE ... WITHCURSOR COUNT).
        ignore_errors: read values that do not parse as their dtype as null instead of raising
            `SchemaError`.
        n_rows: read at most this many rows (``None``: all), as ``head(n_rows)`` would.
        schema_overrides: column name -> Polars dtype, as in Polars' readers: a field of the given
            or inferred schema is parsed as that dtype instead; another column (key, TTL, ...) is
            cast to it. A name that is no column raises `ConfigurationError`.
        max_server_share: bound the scan's share of the server's time, in (0, 1]: fetches go in
            short bursts, each followed by a pause, so that another client's commands wait behind
            less of ours (the production guide, "Scan budgets"). ``None``: unbounded.
        max_commands_per_second: bound the commands the scan sends per second. ``None``: unbounded.

    Returns:
        A LazyFrame; every collect runs the query again.

    Raises:
        ConfigurationError: an invalid URL, option or dtype, or a field the index lacks.
        RedisConnectionError: the server cannot be reached (AuthenticationError: credentials
            rejected).
        RedisTimeoutError: the server did not answer in time.
        SchemaError: a value does not parse as its dtype (see `ignore_errors`).
        ResponseError: no such index, a query syntax error, or another server error.

    Examples:
        >>> lf = pr.search_json(url, "idx:products", "@price:[0 100]", {"name": pl.String, "price": pl.Float64})
        >>> lf.select("name", "price").collect().rows()
        [('Lamp', 25.0)]
    """
    url = as_url(url)
    return _search(url, index, query, schema, key_type="JSON", native=_core.scan_json, paths=paths, sort_by=sort_by,
                   limit=limit, params=params, knn=knn, distance_column_name=distance_column_name,
                   include_key=include_key, key_column_name=key_column_name, include_ttl=include_ttl,
                   ttl_column_name=ttl_column_name, batch_size=batch_size, count_hint=count_hint,
                   ignore_errors=ignore_errors, n_rows=n_rows, schema_overrides=schema_overrides,
                   budget=scan_budget(max_server_share, max_commands_per_second))


@eager_twin(search_hashes)
def read_search_hashes() -> None:
    """Eager [search_hashes][polars_redis.readers.search.search_hashes].

    Returns:
        One row per matching hash.

    Raises:
        ConfigurationError: an invalid URL, option or dtype, or a field the index lacks.
        RedisConnectionError: the server cannot be reached (AuthenticationError: credentials
            rejected).
        RedisTimeoutError: the server did not answer in time.
        SchemaError: a value does not parse as its dtype (see `ignore_errors`).
        ResponseError: no such index, a query syntax error, or another server error.

    Examples:
        >>> pr.read_search_hashes(url, "idx:users", "@city:{Oslo}").sort("_key")["name"].to_list()
        ['Ada', 'Cy']
    """


# --- aggregate ------------------------------------------------------------------------------------

_REDUCER_DTYPES = {"COUNT": pl.Int64(), "COUNT_DISTINCT": pl.Int64(), "COUNT_DISTINCTISH": pl.Int64(),
                   "SUM": pl.Float64(), "MIN": pl.Float64(), "MAX": pl.Float64(), "AVG": pl.Float64(),
                   "STDDEV": pl.Float64(), "QUANTILE": pl.Float64(), "FIRST_VALUE": pl.String()}


def _fields(names: Sequence[str]) -> list[str]:
    return ["@" + name.lstrip("@") for name in names]


def aggregate(
    url: str | Client,
    index: str,
    query: str = "*",
    *,
    group_by: Sequence[str] = (),
    reduce: Mapping[str, Sequence[Any]] | None = None,
    load: Sequence[str] = (),
    apply: Mapping[str, str] | None = None,
    filter: str | None = None,
    sort_by: SortBy = None,
    limit: int | None = None,
    params: Mapping[str, Any] | None = None,
    schema_overrides: Mapping[str, Any] | None = None,
    batch_size: int = 10_000,
    ignore_errors: bool = False,
) -> pl.DataFrame:
    """Run FT.AGGREGATE and return its rows as typed columns.

    `reduce` maps output names to ``(FUNCTION, *args)``: ``{"n": ("count",), "total":
    ("sum", "amount"), "p50": ("quantile", "price", 0.5)}`` (fields without ``@`` get one).
    Dtypes: group_by and load fields follow the index (NUMERIC -> Float64, others String);
    COUNT / COUNT_DISTINCT(ISH) -> Int64; SUM, MIN, MAX, AVG, STDDEV, QUANTILE -> Float64;
    FIRST_VALUE and APPLY results -> String unless `schema_overrides` says otherwise. Results are
    read with a cursor (WITHCURSOR), so there is no result cap, and with ``TIMEOUT 0``.

    Args:
        url: a connection URL or a [Client][polars_redis.client.Client].
        index: the RediSearch index.
        query: RediSearch query syntax selecting the documents.
        group_by: fields to group by (GROUPBY).
        reduce: output name -> ``(FUNCTION, *args)`` per group (REDUCE ... AS).
        load: document fields to load (LOAD), e.g. for `apply`.
        apply: output name -> APPLY expression, per document.
        filter: a FILTER expression over the rows so far.
        sort_by: a field, or a list of fields / ``(field, descending)`` pairs (SORTBY).
        limit: at most this many rows.
        params: query parameters (``$name`` in the query).
        schema_overrides: output name -> Polars dtype, replacing the default dtype.
        batch_size: rows per cursor read.
        ignore_errors: read values that do not parse as their dtype as null instead of raising.

    Returns:
        One row per result, typed as described above.

    Raises:
        ConfigurationError: an invalid URL, option or dtype, or a field the index lacks.
        RedisConnectionError: the server cannot be reached (AuthenticationError: credentials
            rejected).
        RedisTimeoutError: the server did not answer in time.
        SchemaError: a value does not parse as its dtype (see `ignore_errors`).
        ResponseError: no such index, a query syntax error, or another server error.

    Examples:
        >>> pr.aggregate(url, "idx:orders", "@status:{paid}", group_by=["region"],
        ...              reduce={"orders": ("count",), "revenue": ("sum", "amount")},
        ...              sort_by=("revenue", True)).rows()
        [('eu', 2, 17.0), ('us', 1, 5.0)]
    """
    url = as_url(url)
    _core.validate_url(url)
    info = describe_index(url, index)
    types = {item.name: item.type for item in info.fields}
    columns: dict[str, pl.DataType] = {}
    load_args: list[Any] = []
    if load:
        load_args += ["LOAD", str(len(load)), *_fields(load)]
        for name in load:
            columns[name.lstrip("@")] = pl.Float64() if types.get(name.lstrip("@")) == "NUMERIC" else pl.String()
    row_args: list[Any] = []  # per document, before any grouping
    for alias, expression in (apply or {}).items():
        row_args += ["APPLY", expression, "AS", alias]
        columns[alias] = pl.String()
    if filter is not None:
        row_args += ["FILTER", filter]
    group_args: list[Any] = []
    if group_by or reduce:
        group_args += ["GROUPBY", str(len(group_by)), *_fields(group_by)]
        for name in group_by:
            columns[name.lstrip("@")] = pl.Float64() if types.get(name.lstrip("@")) == "NUMERIC" else pl.String()
        for alias, spec in (reduce or {}).items():
            function, *fargs = spec
            function = str(function).upper()
            if function not in _REDUCER_DTYPES:
                raise ConfigurationError(f"reduce {alias!r}: {function} is not supported "
                                         f"(use one of {sorted(_REDUCER_DTYPES)})")
            rendered = [("@" + a.lstrip("@")) if isinstance(a, str) and i == 0 else str(a) for i, a in enumerate(fargs)]
            group_args += ["REDUCE", function, str(len(rendered)), *rendered, "AS", alias]
            columns[alias] = _REDUCER_DTYPES[function]
    pairs = _sort_pairs(sort_by)
    tail_args: list[Any] = []
    if params:
        flat = [part for name, value in params.items() for part in (name, value if isinstance(value, (bytes, str)) else str(value))]
        tail_args += ["PARAMS", str(len(flat)), *flat]
    tail_args += ["DIALECT", str(SEARCH_DIALECT)]
    for name, dtype in normalize_schema(schema_overrides or {}).items():
        columns[name] = dtype
    if is_cluster(url):
        return cluster_search.aggregate_on_cluster(
            url, info, query, pre_group_args=load_args + row_args, load=load, apply=apply or {}, filter=filter,
            group_by=group_by, reduce=reduce or {}, columns=columns, sort_pairs=pairs,
            limit=limit, tail_args=tail_args, batch_size=batch_size, ignore_errors=ignore_errors)
    args = load_args + row_args + group_args
    if pairs:
        args += ["SORTBY", str(2 * len(pairs))] + [part for column, order in pairs for part in ("@" + column, order)]
    if limit is not None:
        args += ["LIMIT", "0", str(int(limit))]
    return run_aggregate(url, index, query, args + tail_args, columns, batch_size=batch_size,
                         ignore_errors=ignore_errors)
