"""Writes over a Redis Cluster: the frame split by the primary serving each row's key.

Every writer's commands touch one key (HSET, JSON.SET, MULTI/DEL/.../EXEC, XADD, TS.ADD), so each
key's commands can run on its own node with the same per-key guarantees as on a single node. The
core says which primary serves each row (CRC16 of the key the row writer renders, over the
topology read at the start); each node's part is written by the ordinary row writer, pipelined,
all nodes at once (the core releases the GIL). ``if_exists="fail"`` checks every key on every
node before anything is written, and its atomic check-and-write runs one key per script call
(a script's keys must share a hash slot).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import polars as pl

from polars_redis import _core
from polars_redis._core import ConfigurationError

_KEY = "__polars_redis_cluster_key"
_NODE = "__polars_redis_cluster_node"


def is_cluster(url: str) -> bool:
    """Whether `url` reaches a Redis Cluster (``redis+cluster://`` or a cluster node)."""
    return bool(_core.is_cluster(url))


def _with_key(df: pl.DataFrame, plan: dict[str, Any]) -> tuple[pl.DataFrame, dict[str, Any]]:
    """A frame whose key survives splitting: generated keys (prefix + row number) become a column."""
    if plan.get("key_column") is not None:
        return df, plan
    start = int(plan.get("row_offset", 0))
    keys = pl.int_range(start, start + df.height, eager=True).cast(pl.String)
    df = df.with_columns((pl.lit(plan.get("key_prefix", "")) + keys).alias(_KEY))
    return df, {**plan, "key_column": _KEY, "key_prefix": "", "row_offset": 0}


def _route(df: pl.DataFrame, url: str, plan: dict[str, Any]) -> tuple[dict[int, pl.DataFrame], dict[int, dict[str, Any]]]:
    """`df` split by the primary serving each row's key, with each part's plan."""
    if _NODE in df.columns or _KEY in df.columns:
        raise ConfigurationError(f"the columns {_NODE!r} and {_KEY!r} are reserved for cluster writes")
    df, plan = _with_key(df, plan)
    nodes, routes = _core.cluster_route(url, df.__arrow_c_stream__(), plan["key_column"], plan["key_prefix"])
    df = df.with_columns(pl.DataFrame(routes).to_series().alias(_NODE))
    parts = {int(key[0]): part for key, part in df.partition_by(_NODE, as_dict=True, include_key=False).items()}
    return parts, {i: {**plan, "cluster_node": tuple(nodes[i])} for i in parts}


def check_absent(keys: pl.DataFrame, url: str, plan: dict[str, Any]) -> None:
    """Raise KeyExistsError if any key of `keys` (the key column, or row numbers) exists on its node."""
    parts, node_plans = _route(keys, url, plan)
    for i, part in parts.items():
        _core.check_keys_absent(url, part.__arrow_c_stream__(), node_plans[i])


def write(native: Callable[..., int], df: pl.DataFrame, url: str, plan: dict[str, Any], *,
          with_precheck: bool = True) -> int:
    """Write `df` with `native` on every primary of the cluster; returns the rows written.

    `with_precheck`: `native` takes (url, stream, precheck, plan) rather than (url, stream, plan).
    """
    parts, node_plans = _route(df, url, plan)
    fail_mode = plan.get("if_exists") == "fail"
    if fail_mode:
        if plan.get("precheck", True):
            # Every node's keys are checked before any node is written: all or nothing.
            for i, part in parts.items():
                _core.check_keys_absent(url, part.__arrow_c_stream__(), node_plans[i])
        for node_plan in node_plans.values():
            node_plan.update(precheck=False, batch_size=1)

    def write_part(i: int) -> int:
        part = parts[i]
        if with_precheck:
            return native(url, part.__arrow_c_stream__(), None, node_plans[i])
        return native(url, part.__arrow_c_stream__(), node_plans[i])

    with ThreadPoolExecutor(max_workers=len(parts)) as pool:
        futures = {i: pool.submit(write_part, i) for i in parts}
    written = 0
    failure: BaseException | None = None
    for i, future in futures.items():
        error = future.exception()
        if error is None:
            written += future.result()
        elif failure is None:
            failure = error
    if failure is not None:
        # Each node's message counts its own committed rows; add the other nodes' total.
        failure.args = (f"{failure} [cluster: {written} row(s) were committed on the other nodes]",)
        raise failure
    return written
