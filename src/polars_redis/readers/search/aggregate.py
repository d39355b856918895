"""RediSearch aggregations: FT.AGGREGATE as a typed DataFrame (every shard's partial results merged
on a cluster)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from polars_redis import _core
from polars_redis._core import ConfigurationError
from polars_redis._doc_fragments import shared_docs
from polars_redis.client import Client
from polars_redis.cluster import search as cluster_search
from polars_redis.cluster.writes import is_cluster
from polars_redis.engine.aggregate import run_aggregate
from polars_redis.engine.connection import as_url
from polars_redis.engine.dtypes import normalize_schema
from polars_redis.pushdown.planner import SEARCH_DIALECT
from polars_redis.pushdown.search_index import describe_index
from polars_redis.readers.search.plan import SortBy, sort_pairs

__all__ = ["aggregate"]


_REDUCER_DTYPES = {"COUNT": pl.Int64(), "COUNT_DISTINCT": pl.Int64(), "COUNT_DISTINCTISH": pl.Int64(),
                   "SUM": pl.Float64(), "MIN": pl.Float64(), "MAX": pl.Float64(), "AVG": pl.Float64(),
                   "STDDEV": pl.Float64(), "QUANTILE": pl.Float64(), "FIRST_VALUE": pl.String()}


def _fields(names: Sequence[str]) -> list[str]:
    return ["@" + name.lstrip("@") for name in names]


@shared_docs
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

    {{search raises}}

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

    def field_dtype(name: str) -> pl.DataType:  # a loaded or grouped field: numbers as Float64
        return pl.Float64() if types.get(name.lstrip("@")) == "NUMERIC" else pl.String()

    columns: dict[str, pl.DataType] = {}
    load_args: list[Any] = []
    if load:
        load_args += ["LOAD", str(len(load)), *_fields(load)]
        for name in load:
            columns[name.lstrip("@")] = field_dtype(name)
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
            columns[name.lstrip("@")] = field_dtype(name)
        for alias, spec in (reduce or {}).items():
            function, *fargs = spec
            function = str(function).upper()
            if function not in _REDUCER_DTYPES:
                raise ConfigurationError(f"reduce {alias!r}: {function} is not supported "
                                         f"(use one of {sorted(_REDUCER_DTYPES)})")
            rendered = [("@" + a.lstrip("@")) if isinstance(a, str) and i == 0 else str(a) for i, a in enumerate(fargs)]
            group_args += ["REDUCE", function, str(len(rendered)), *rendered, "AS", alias]
            columns[alias] = _REDUCER_DTYPES[function]
    pairs = sort_pairs(sort_by)
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
