"""How a search_* query becomes a native plan: sorting, KNN vectors and their distances, and the
planner Polars' filters go through."""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Union

import polars as pl

from polars_redis import _core
from polars_redis._core import ConfigurationError
from polars_redis.cluster import search as cluster_search
from polars_redis.cluster.writes import is_cluster
from polars_redis.pushdown.expr_tree import conjuncts, describe, parse_predicate
from polars_redis.pushdown.planner import (SEARCH_DIALECT, KeyOrder, SearchTarget, SourcePlan, translate_for_index,
                                    unusable_reason)
from polars_redis.pushdown.search_index import IndexInfo, describe_index
from polars_redis.pushdown.search_query import attribute


SortBy = Union[str, tuple[str, bool], Sequence[Union[str, tuple[str, bool]]], None]

Knn = tuple[str, Sequence[float], int]


def sort_pairs(sort_by: SortBy) -> list[list[str]]:
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
class SearchPlanner:
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
        # FT.SEARCH <index> (the core names each shard's index on a Redis Cluster), then:
        args: list[Any] = [knn_query, "RETURN", "1", "__distance", "SORTBY", "__distance", "ASC", "LIMIT", "0",
                           str(int(k))]
        flat_params = [part for name, value in params for part in (name, value)] + ["__knn_vector", blob]
        args += ["PARAMS", str(len(flat_params)), *flat_params, "DIALECT", str(SEARCH_DIALECT), "TIMEOUT", "0"]
        # On a Redis Cluster each shard's k nearest, merged by distance.
        keys, distances = _core.search_nearest(self.url, self.index, args, int(k))
        notes.append(f"KNN: FT.SEARCH {self.index} {knn_query!r} returned {len(keys)} key(s)")
        derived = _Distances(dict(zip(keys, distances)), self.distance_column, self.key_column)
        return SourcePlan({"pattern": "*", "key_source": {"kind": "keys", "keys": keys}, "match_pattern": None},
                          notes, derived=derived, order=KeyOrder(self.key_column, keys))

