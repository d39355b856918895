"""Writes over a Redis Cluster: the core runs them (``write/cluster_writer.hpp``).

The writers hand the frame to the same core entry point on a cluster as on a single node; the
core splits it by the primary serving each row's key, writes every node's share at once, and
follows MOVED / ASK / TRYAGAIN under the redirect policy it shares with cluster reads. This module
keeps the question callers ask first: whether a URL reaches a cluster.
"""

from __future__ import annotations

from polars_redis import _core


def is_cluster(url: str) -> bool:
    """Whether `url` reaches a Redis Cluster (``redis+cluster://`` or a cluster node)."""
    return bool(_core.is_cluster(url))
