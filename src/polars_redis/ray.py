"""Ray Data over a Redis scan: one read task per partition (per Redis Cluster shard).

Needs the ``ray`` extra: ``pip install 'polars-redis-native[ray]'``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import partial
from typing import Any

from polars_redis.readers.partitions import ScanPartition, engine_missing, scan_partitions

try:
    import ray.data
    from ray.data.block import BlockMetadata
    from ray.data.datasource import Datasource, ReadTask
except ImportError as exc:  # the engine is optional: say which extra brings it
    raise engine_missing("Ray Data", "ray") from exc

from polars_redis.client import Client

__all__ = ["RedisDatasource", "read_ray"]


def _read_partition(partition: ScanPartition) -> Iterable[Any]:
    # A module-level function, so the read task pickles by reference.
    return [partition.read_arrow()]


class RedisDatasource(Datasource):
    """A Ray Data datasource reading scan partitions, one read task per partition.

    Each read task runs its partition through polars-redis on a Ray worker and yields one Arrow
    table. Pass it to ``ray.data.read_datasource``, or use
    [read_ray][polars_redis.ray.read_ray].

    Args:
        partitions: from [scan_partitions][polars_redis.readers.partitions.scan_partitions].

    Raises:
        ValueError: `partitions` is empty.

    Examples:
        >>> from polars_redis.ray import RedisDatasource
        >>> source = RedisDatasource(pr.scan_partitions(url, "hashes", "user:*", {"age": pl.Int64}))
        >>> tasks = source.get_read_tasks(parallelism=8)  # one per partition: one on a single server
        >>> [table.num_rows for task in tasks for table in task()]  # what a Ray worker runs
        [3]
    """

    def __init__(self, partitions: Sequence[ScanPartition]) -> None:
        super().__init__()
        if not partitions:
            raise ValueError("a RedisDatasource needs at least one partition")
        self.partitions = list(partitions)

    def get_name(self) -> str:
        """The name Ray shows for the read tasks.

        Returns:
            ``"Redis"``.
        """
        return "Redis"

    def estimate_inmemory_data_size(self) -> int | None:
        """Unknown before the scan runs.

        Returns:
            ``None``.
        """
        return None

    def get_read_tasks(
        self, parallelism: int, per_task_row_limit: int | None = None, data_context: Any = None
    ) -> list[ReadTask]:
        """One read task per partition, whatever the requested parallelism.

        Args:
            parallelism: Ray's requested number of tasks (the shards decide instead).
            per_task_row_limit: at most this many rows per task (e.g. from ``Dataset.limit``),
                pushed into each partition's scan so it stops early.
            data_context: Ray's data context (unused).

        Returns:
            A ReadTask per partition, each yielding one ``pyarrow.Table``.
        """
        tasks = []
        for partition in self.partitions:
            if per_task_row_limit is not None:
                limit = per_task_row_limit if partition.n_rows is None else min(partition.n_rows, per_task_row_limit)
                partition = replace(partition, n_rows=limit)
            metadata = BlockMetadata(num_rows=None, size_bytes=None, exec_stats=None, input_files=None)
            tasks.append(ReadTask(partial(_read_partition, partition), metadata))
        return tasks


def read_ray(url: str | Client, *args: Any, **kwargs: Any) -> Any:
    """Read a scan as a Ray Dataset, one read task per Redis Cluster shard.

    Plans the partitions here with [scan_partitions][polars_redis.readers.partitions.scan_partitions]
    (same arguments) and reads them on the Ray cluster (``ray.init()`` first, or Ray starts a
    local one).

    Args:
        url: a connection URL or a [Client][polars_redis.client.Client].
        *args: the other arguments of [scan_partitions][polars_redis.readers.partitions.scan_partitions]:
            ``kind``, ``pattern``, ``schema``.
        **kwargs: its keywords: ``columns``, ``predicate``, ``n_rows``, ``read_from`` and any
            keyword of the kind's scan.

    Returns:
        A lazy ``ray.data.Dataset``; its blocks are Arrow tables.

    Raises:
        ConfigurationError: as [scan_partitions][polars_redis.readers.partitions.scan_partitions].
        RedisConnectionError: the cluster cannot be reached when planning.
    """
    partitions = scan_partitions(url, *args, **kwargs)
    return ray.data.read_datasource(RedisDatasource(partitions))
