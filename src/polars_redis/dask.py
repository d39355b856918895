"""Dask DataFrames over a Redis scan: one Dask partition per scan partition (per cluster shard).

Needs the ``dask`` extra: ``pip install 'polars-redis-native[dask]'``.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from polars_redis.readers.partitions import ScanPartition, engine_missing, scan_partitions

try:
    import dask.dataframe as dd
except ImportError as exc:  # the engine is optional: say which extra brings it
    raise engine_missing("Dask DataFrame", "dask") from exc

from polars_redis.client import Client

__all__ = ["read_dask"]


def _to_pandas(frame: pl.DataFrame) -> Any:
    # Arrow-backed pandas columns keep nulls and dtypes as they are (a nullable Int64 column would
    # turn into float64 on some partitions otherwise, breaking the meta).
    return frame.to_pandas(use_pyarrow_extension_array=True)


def _read_partition(partition: ScanPartition) -> Any:
    return _to_pandas(partition.read())


def read_dask(url: str | Client, *args: Any, **kwargs: Any) -> Any:
    """Read a scan as a Dask DataFrame, one partition per Redis Cluster shard.

    Plans the partitions here with [scan_partitions][polars_redis.readers.partitions.scan_partitions]
    (same arguments) and builds the frame with ``dask.dataframe.from_map``; each partition is
    read by a Dask worker when the frame is computed. Columns are Arrow-backed pandas dtypes.

    Args:
        url: a connection URL or a [Client][polars_redis.client.Client].
        *args: the other arguments of [scan_partitions][polars_redis.readers.partitions.scan_partitions]:
            ``kind``, ``pattern``, ``schema``.
        **kwargs: its keywords: ``columns``, ``predicate``, ``n_rows``, ``read_from`` and any
            keyword of the kind's scan.

    Returns:
        A lazy ``dask.dataframe.DataFrame`` with one partition per shard (unknown divisions).

    Raises:
        ConfigurationError: as [scan_partitions][polars_redis.readers.partitions.scan_partitions].
        RedisConnectionError: the cluster cannot be reached when planning.

    Examples:
        >>> from polars_redis.dask import read_dask
        >>> ddf = read_dask(url, "hashes", "user:*", {"name": pl.String, "age": pl.Int64},
        ...                 predicate=pl.col("age") > 30)
        >>> ddf.npartitions, int(ddf["age"].sum().compute(scheduler="synchronous"))
        (1, 77)
    """
    partitions = scan_partitions(url, *args, **kwargs)
    meta = _to_pandas(pl.DataFrame(schema=partitions[0].output_schema()))
    return dd.from_map(_read_partition, partitions, meta=meta, label="read-redis", enforce_metadata=False)
