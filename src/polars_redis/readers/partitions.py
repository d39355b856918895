"""A scan split into partitions, one per Redis Cluster shard, for distributed engines.

A partition is a plain, picklable description (URL, pattern, scan kind and options, projection,
predicate, row limit) that any process can run through the same reader. On a cluster each
partition's URL carries ``shard_slots``: the core then scans only the shard serving exactly those
slots, re-reading the topology when it runs, so a failover between planning and reading still
reads that shard (from its new primary) and a resharding fails loudly instead of missing or
repeating keys. The Ray and Dask adapters (polars_redis.ray, polars_redis.dask) build on this.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote

import polars as pl

from polars_redis import _core
from polars_redis._core import ConfigurationError
from polars_redis.client import Client
from polars_redis.cluster.writes import is_cluster
from polars_redis.engine.connection import as_url
from polars_redis.engine.dtypes import SchemaLike, normalize_schema
from polars_redis.readers.hashes import infer_hash_schema, scan_hashes
from polars_redis.readers.json import infer_json_schema, scan_json
from polars_redis.readers.lists import scan_list
from polars_redis.readers.sets import scan_set
from polars_redis.readers.source import ScanErrors, build_capturing, collect
from polars_redis.readers.strings import scan_strings
from polars_redis.readers.zsets import scan_zset

__all__ = ["ScanPartition", "scan_partitions"]

# The scan kinds that run one SCAN per shard on a cluster (cpp/src/read/cluster_key_scan.cpp).
_SCANS: dict[str, Callable[..., pl.LazyFrame]] = {
    "hashes": scan_hashes,
    "json": scan_json,
    "strings": scan_strings,
    "set": scan_set,
    "list": scan_list,
    "zset": scan_zset,
}
# Kinds whose scan takes a field schema (inferred once when planning, so every partition agrees).
_INFER: dict[str, Callable[[str, str], dict[str, pl.DataType]]] = {
    "hashes": infer_hash_schema,
    "json": infer_json_schema,
}
_READ_FROM = ("primary", "replica", "prefer_replica")


def engine_missing(engine: str, extra: str) -> ImportError:
    """The error an adapter module raises when its optional engine is not installed."""
    return ImportError(f"polars_redis.{extra} needs {engine}, which is not installed: "
                       f"pip install 'polars-redis-native[{extra}]'")


def _with_option(url: str, name: str, value: str) -> str:
    """`url` with one more query option (the core rejects an option given twice)."""
    separator = "&" if "?" in url[url.rfind("@") + 1:] else "?"
    return f"{url}{separator}{name}={quote(value, safe='')}"


@dataclass(frozen=True, repr=False)
class ScanPartition:
    """One partition of a scan: what one task of a distributed engine reads.

    Build partitions with [scan_partitions][polars_redis.readers.partitions.scan_partitions]; they pickle,
    so they can be shipped to other processes and machines, which need polars-redis and network
    access to the cluster, and the same Polars version (the predicate travels as a serialized
    expression). The repr never shows a password.

    Attributes:
        url: the connection URL of the read, credentials included: the seed's, with the shard
            selection (``shard_slots``) and ``read_from`` as query options.
        kind: the scan kind: ``"hashes"``, ``"json"``, ``"strings"``, ``"set"``, ``"list"`` or
            ``"zset"``.
        pattern: SCAN MATCH pattern.
        schema: the field schema as (name, dtype) pairs for hashes and JSON, else ``None``.
        options: the scan's other keyword arguments as (name, value) pairs.
        columns: the columns to return (projection), or ``None`` for all.
        predicate: a filter as a serialized Polars expression, or ``None``.
        n_rows: at most this many rows from this partition, or ``None``.
        node: ``host:port`` of the node the plan reads from (a replica when asked), or ``None``
            for a server that is not a cluster. The read finds the shard's node again when it runs.
        slots: the hash slots of the partition's shard, e.g. ``"0-5460"``, or ``None``.
    """

    url: str
    kind: str
    pattern: str
    schema: tuple[tuple[str, pl.DataType], ...] | None
    options: tuple[tuple[str, Any], ...]
    columns: tuple[str, ...] | None
    predicate: bytes | None
    n_rows: int | None
    node: str | None
    slots: str | None

    def __repr__(self) -> str:
        where = f", node={self.node!r}, slots={self.slots!r}" if self.slots is not None else ""
        return (f"ScanPartition(url={_core.redact_url(self.url)!r}, kind={self.kind!r}, pattern={self.pattern!r}"
                f"{where}, columns={self.columns!r}, n_rows={self.n_rows!r})")

    def filter_expr(self) -> pl.Expr | None:
        """The partition's predicate as a Polars expression.

        Returns:
            The expression given to [scan_partitions][polars_redis.readers.partitions.scan_partitions], or
            ``None`` without a predicate.
        """
        if self.predicate is None:
            return None
        return pl.Expr.deserialize(io.BytesIO(self.predicate), format="binary")

    def scan(self) -> pl.LazyFrame:
        """The partition as a LazyFrame: the scan with its projection, filter and row limit.

        The filter and projection are pushed into the scan as for any polars-redis LazyFrame.

        Returns:
            A LazyFrame; nothing is read until it is collected.

        Raises:
            ConfigurationError: the partition's URL or options are invalid.
        """
        return self._scan(None)

    def _scan(self, errors: ScanErrors | None) -> pl.LazyFrame:
        kwargs = dict(self.options)
        if self.schema is not None:
            kwargs["schema"] = dict(self.schema)
        kwargs.update(url=self.url, pattern=self.pattern)
        scan = _SCANS[self.kind]
        lf = scan(**kwargs) if errors is None else build_capturing(scan, kwargs, errors)
        predicate = self.filter_expr()
        if predicate is not None:
            lf = lf.filter(predicate)
        if self.columns is not None:
            lf = lf.select(self.columns)
        if self.n_rows is not None:
            lf = lf.head(self.n_rows)
        return lf

    def output_schema(self) -> pl.Schema:
        """The columns and dtypes [read][polars_redis.readers.partitions.ScanPartition.read] returns.

        Sends nothing to Redis.

        Returns:
            The schema of the partition's frame (the same for every partition of one scan).

        Raises:
            ConfigurationError: the partition's URL or options are invalid.
        """
        return self.scan().collect_schema()

    def read(self) -> pl.DataFrame:
        """Read the partition.

        Returns:
            The partition's rows (its shard's keys that match the pattern and predicate).

        Raises:
            ConfigurationError: an invalid URL or option.
            RedisConnectionError: the node cannot be reached, or the cluster's slots moved since
                the partitions were planned (plan them again).
            RedisTimeoutError: the node did not answer in time.
            SchemaError: a value does not parse as its dtype.
            ResponseError: the server answered a command with an error.
        """
        errors = ScanErrors()
        return collect(self._scan(errors), errors)

    def read_arrow(self) -> Any:
        """Read the partition as an Arrow table (needs pyarrow).

        Returns:
            A ``pyarrow.Table`` with the partition's rows.

        Raises:
            RedisError: as [read][polars_redis.readers.partitions.ScanPartition.read].
        """
        return self.read().to_arrow()


def scan_partitions(
    url: str | Client,
    kind: str = "hashes",
    pattern: str = "*",
    schema: SchemaLike | None = None,
    *,
    columns: Sequence[str] | None = None,
    predicate: pl.Expr | None = None,
    n_rows: int | None = None,
    read_from: str | None = None,
    **options: Any,
) -> list[ScanPartition]:
    """Split a scan into partitions, one per Redis Cluster shard (one for any other server).

    Each partition reads its shard's keys that match `pattern` (from a replica of the shard with
    `read_from`), applies `predicate` (pushed down as in a plain scan) and returns `columns`.
    Together the partitions return the rows of the same scan on one machine. Asks the cluster
    for its topology (and samples a schema when `schema` is ``None``); reads nothing else.

    Args:
        url: a connection URL (a cluster URL, or a plain one to any node) or a
            [Client][polars_redis.client.Client].
        kind: ``"hashes"``, ``"json"``, ``"strings"``, ``"set"``, ``"list"`` or ``"zset"``: the
            reader ([scan_hashes][polars_redis.readers.hashes.scan_hashes], ...) each partition runs.
        pattern: SCAN MATCH pattern, e.g. ``"user:*"``.
        schema: field name -> Polars dtype for hashes and JSON; ``None`` infers it once here
            (every partition gets the same). Not accepted by the other kinds.
        columns: the columns to return (projection), e.g. ``["_key", "age"]``; ``None``: all.
        predicate: a filter, e.g. ``pl.col("age") > 30``, applied to each partition's rows.
        n_rows: at most this many rows per partition.
        read_from: ``"primary"`` (default), ``"replica"`` or ``"prefer_replica"``: on a cluster,
            each shard is read from a healthy replica when it has one (else its primary).
        **options: any other keyword of the kind's scan, e.g. ``include_ttl=True``.

    Returns:
        The partitions, in the cluster's shard order.

    Raises:
        ConfigurationError: an unknown kind, an invalid option, URL or `read_from`.
        RedisConnectionError: the server cannot be reached, or a hash slot has no online primary.
        RedisTimeoutError: the server did not answer in time.

    Examples:
        >>> parts = pr.scan_partitions(url, "hashes", "user:*", {"name": pl.String, "age": pl.Int64},
        ...                            columns=["name"], predicate=pl.col("age") > 30)
        >>> pl.concat([p.read() for p in parts]).sort("name")["name"].to_list()
        ['Ada', 'Cy']
    """
    url = as_url(url)
    if kind not in _SCANS:
        raise ConfigurationError(f"kind must be one of {sorted(_SCANS)}, got {kind!r}")
    if read_from is not None:
        if read_from not in _READ_FROM:
            raise ConfigurationError(f"read_from must be 'primary', 'replica' or 'prefer_replica', got {read_from!r}")
        url = _with_option(url, "read_from", read_from)
    _core.validate_url(url)
    if n_rows is not None and (isinstance(n_rows, bool) or not isinstance(n_rows, int) or n_rows < 0):
        raise ConfigurationError(f"n_rows must be an integer >= 0, got {n_rows!r}")
    fields: tuple[tuple[str, pl.DataType], ...] | None = None
    if kind in _INFER:
        resolved = _INFER[kind](url, pattern) if schema is None else normalize_schema(schema)
        fields = tuple(resolved.items())
    elif schema is not None:
        raise ConfigurationError(f"schema is for kind 'hashes' or 'json'; a {kind} scan has fixed columns")
    template = ScanPartition(
        url=url, kind=kind, pattern=pattern, schema=fields, options=tuple(options.items()),
        columns=None if columns is None else tuple(columns),
        predicate=None if predicate is None else predicate.meta.serialize(format="binary"),
        n_rows=n_rows, node=None, slots=None,
    )
    # Builds the scan once without reading: a bad option, column or predicate fails here, not
    # in a remote task.
    template.output_schema()
    if not is_cluster(url):
        return [template]
    return [
        replace(template, url=_with_option(url, "shard_slots", slots), node=f"{host}:{port}", slots=slots)
        for (host, port, _readonly), slots in _core.cluster_partitions(url)
    ]
