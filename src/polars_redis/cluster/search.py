"""RediSearch over a Redis Cluster, where open-source Redis has no search coordinator.

RediSearch declares an index name as a key, so a node serves FT.* commands only for index names
whose hash slot it owns, and each node's index covers that node's documents only. A cluster-wide
index is therefore one index per shard: the plain name on the shard owning its slot, and
``{<tag>}<name>`` on the others (the core picks the tag; see cluster_search_index.hpp). Queries
run on every shard and their results are merged: FT.INFO, sorted and KNN results by the core
(read/index_info.hpp, sorted_search.hpp, knn_search.hpp), aggregations here by regrouping the
shards' rows in Polars.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from polars_redis import _core
from polars_redis._core import ConfigurationError, ResponseError
from polars_redis.engine.aggregate import run_aggregate

Node = tuple[str, int, bool]


def require_sortable(info: Any, names: Sequence[str], what: str) -> None:
    """Raise unless every attribute in `names` is SORTABLE: without a coordinator, RediSearch on a
    cluster node cannot load a document's fields (FT.AGGREGATE rows come back empty, SORTBY and
    GROUPBY see nulls), and only SORTABLE attributes are kept in the index itself."""
    sortable = {item.name for item in info.fields if item.sortable}
    missing = sorted({name.lstrip("@") for name in names} - sortable)
    if missing:
        raise ConfigurationError(
            f"{what} on a Redis Cluster can only use SORTABLE attributes of index {info.name!r} (RediSearch "
            f"without a coordinator cannot load document fields there): {missing} are not SORTABLE; recreate "
            f"the index with create_index(..., sortable=[...]) or read the rows and work in Polars")


def require_loadable(info: Any, names: Sequence[str]) -> None:
    """Raise unless every attribute in `names` can be LOADed on a cluster node: its value must be
    kept unnormalized in the index (NUMERIC SORTABLE, or SORTABLE UNF)."""
    loadable = {item.name for item in info.fields if item.sortable and (item.type == "NUMERIC" or item.unf)}
    missing = sorted(set(names) - loadable)
    if missing:
        raise ConfigurationError(
            f"load on a Redis Cluster can only use attributes whose values index {info.name!r} keeps (NUMERIC "
            f"SORTABLE, or SORTABLE UNF): {missing} are not; RediSearch without a coordinator cannot load "
            f"document fields there")


def index_names(url: str, name: str) -> list[tuple[Node, str]]:
    """The index's (read node, name on that node) per shard; an error names a shard without it."""
    return [(tuple(node), physical) for node, physical in _core.cluster_index_names(url, name)]  # type: ignore[misc]


def _variants(listed: Sequence[Any], name: str) -> list[str]:
    """The names in an FT._LIST reply that are index `name` on some shard (plain or tagged)."""
    pattern = re.compile(r"(\{[^}]+\})?" + re.escape(name))
    return [str(item) for item in listed if pattern.fullmatch(str(item))]


def create_on_shards(url: str, name: str, definition: Sequence[str], if_exists: str) -> None:
    """FT.CREATE on every primary, all or nothing for ``if_exists="fail"``; `definition` follows the name."""
    targets = [(tuple(node), physical) for node, physical in _core.cluster_index_names(url, name, create=True)]
    existing = {node: _variants(_core.command(url, ["FT._LIST"], node=node) or [], name) for node, _ in targets}
    if if_exists == "fail":
        found = [f"{node[0]}:{node[1]}" for node, names in existing.items() if names]
        if found:
            raise ResponseError(f"FT.CREATE failed on index {name!r}: Index already exists (on cluster node(s) "
                                f"{', '.join(found)}); nothing was created")
    for node, physical in targets:
        if existing[node] and if_exists == "skip":
            continue
        for old in existing[node] if if_exists == "replace" else ():
            _core.command(url, ["FT.DROPINDEX", old], node=node)
        _core.command(url, ["FT.CREATE", physical, *definition], node=node)


def sorted_keys(url: str, index: str, query: str, sort_by: list[list[str]], limit: int | None,
                params: list[list[Any]], dialect: int) -> list[str]:
    """The keys of a sorted search over every shard, in global order: each shard's first `limit`
    in its own order, merged by their sort keys (the core pages FT.SEARCH NOCONTENT SORTBY ...
    WITHSORTKEYS on each shard and merges)."""
    if len(sort_by) != 1:
        raise ConfigurationError("on a Redis Cluster, sort_by takes one field (FT.SEARCH sorts each shard by one "
                                 f"field), got {[field for field, _ in sort_by]}; sort the result in Polars instead")
    (field, order), = sort_by
    return _core.search_sorted_keys(url, index, query, field.lstrip("@"), order == "DESC", limit, params, dialect)


def _reducer_fields(spec: Sequence[Any]) -> list[str]:
    """The attributes a reducer reads: its field, and FIRST_VALUE's BY field."""
    fargs = list(spec[1:])
    fields = [str(a).lstrip("@") for a in fargs[:1]]
    if len(fargs) >= 3 and str(fargs[1]).upper() == "BY":
        fields.append(str(fargs[2]).lstrip("@"))
    return fields


_COUNT = "__polars_redis_count"


def _partials(alias: str, function: str, fargs: Sequence[Any]) -> tuple[list[Any], dict[str, pl.DataType], pl.Expr]:
    """A reducer split in two: the REDUCE clauses each shard runs (with the columns they give) and
    the Polars aggregation combining the shards' values of one group."""
    field = "@" + str(fargs[0]).lstrip("@") if fargs else ""
    column = pl.col(alias)
    if function == "COUNT":
        return ["REDUCE", "COUNT", "0", "AS", alias], {alias: pl.Int64()}, column.sum()
    if function in ("SUM", "MIN", "MAX"):
        combine = {"SUM": column.sum(), "MIN": column.min(), "MAX": column.max()}[function]
        return ["REDUCE", function, "1", field, "AS", alias], {alias: pl.Float64()}, combine
    if function == "AVG":  # weighted by each shard's group size
        count = pl.col(_COUNT)
        return (["REDUCE", "AVG", "1", field, "AS", alias], {alias: pl.Float64()},
                (column * count).sum() / count.filter(column.is_not_null()).sum())
    if function in ("COUNT_DISTINCT", "COUNT_DISTINCTISH"):  # exact: the union of the shards' values
        return (["REDUCE", "TOLIST", "1", field, "AS", alias], {alias: pl.List(pl.String())},
                column.list.explode(empty_as_null=True).drop_nulls().n_unique())
    if function == "FIRST_VALUE":
        rest = [str(a) for a in fargs[1:]]
        if len(rest) >= 2 and rest[0].upper() == "BY":
            descending = len(rest) >= 3 and rest[2].upper() == "DESC"
            by = f"__polars_redis_by_{alias}"
            clauses = ["REDUCE", "FIRST_VALUE", str(len(fargs)), field, *rest, "AS", alias,
                       "REDUCE", "MAX" if descending else "MIN", "1", "@" + rest[1].lstrip("@"), "AS", by]
            return (clauses, {alias: pl.String(), by: pl.Float64()},
                    column.sort_by(pl.col(by), descending=descending, nulls_last=True).first())
        return ["REDUCE", "FIRST_VALUE", "1", field, "AS", alias], {alias: pl.String()}, column.drop_nulls().first()
    raise ConfigurationError(f"reduce {alias!r}: {function} cannot be combined across the shards of a Redis Cluster "
                             "(use COUNT, SUM, MIN, MAX, AVG, COUNT_DISTINCT or FIRST_VALUE, or read the rows and "
                             "aggregate in Polars)")


def aggregate_on_cluster(url: str, info: Any, query: str, *, pre_group_args: list[Any], load: Sequence[str],
                         apply: Mapping[str, str], filter: str | None, group_by: Sequence[str],
                         reduce: Mapping[str, Sequence[Any]], columns: Mapping[str, pl.DataType],
                         sort_pairs: list[list[str]], limit: int | None,
                         tail_args: list[Any], batch_size: int, ignore_errors: bool) -> pl.DataFrame:
    """aggregate() over every shard. Rows without grouping: each shard's rows (its first `limit` in
    order), merged, sorted and cut. Grouped: each shard reduces its own documents into partial
    values (COUNT, SUM, TOLIST, ...) that Polars combines per group, so groups spanning shards
    come out whole; SORTBY and LIMIT then apply to the combined groups."""
    index = info.name
    computed = set(apply) | set(reduce)
    referenced = re.findall(r"@(\w+)", " ".join([*apply.values(), filter or ""]))
    needed = [n.lstrip("@") for n in group_by] + [f for spec in reduce.values() for f in _reducer_fields(spec)]
    sorted_on = [c for c, _ in sort_pairs]
    require_sortable(info, [n for n in [*needed, *referenced, *sorted_on] if n not in computed], "aggregate")
    require_loadable(info, [n.lstrip("@") for n in load])
    if not group_by and not reduce:
        args = [*pre_group_args]
        if sort_pairs:  # each shard's first `limit` in order, then the merged order
            args += ["SORTBY", str(2 * len(sort_pairs)), *(p for c, o in sort_pairs for p in ("@" + c, o))]
        if limit is not None:
            args += ["LIMIT", "0", str(limit)]
        frame = run_aggregate(url, index, query, args + tail_args, columns, batch_size=batch_size,
                              ignore_errors=ignore_errors)
    else:
        keys = [name.lstrip("@") for name in group_by]
        args = [*pre_group_args, "GROUPBY", str(len(keys)), *("@" + k for k in keys)]
        shard_columns: dict[str, pl.DataType] = {k: columns[k] for k in keys}
        combine: list[pl.Expr] = []
        for alias, spec in reduce.items():
            clauses, partial_columns, expression = _partials(alias, str(spec[0]).upper(), list(spec[1:]))
            args += clauses
            shard_columns.update(partial_columns)
            combine.append(expression.alias(alias))
        if any(str(spec[0]).upper() == "AVG" for spec in reduce.values()):
            args += ["REDUCE", "COUNT", "0", "AS", _COUNT]
            shard_columns[_COUNT] = pl.Int64()
        frame = run_aggregate(url, index, query, args + tail_args, shard_columns, batch_size=batch_size,
                              ignore_errors=ignore_errors)
        if keys:
            frame = frame.group_by(keys).agg(combine) if combine else frame.select(keys).unique()
        else:  # one group per shard (or none when no shard matched anything)
            frame = frame.select(combine) if frame.height else frame.select(combine).clear()
    if sort_pairs:
        frame = frame.sort([c for c, _ in sort_pairs], descending=[o == "DESC" for _, o in sort_pairs],
                           nulls_last=True, maintain_order=True)
    if limit is not None:
        frame = frame.head(limit)
    return frame.select([pl.col(name).cast(dtype) for name, dtype in columns.items()])
