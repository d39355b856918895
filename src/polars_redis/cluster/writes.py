"""Writes over a Redis Cluster: the frame split by the primary serving each row's key.

Every writer's commands touch one key (HSET, JSON.SET, MULTI/DEL/.../EXEC, XADD, TS.ADD), so each
key's commands can run on its own node with the same per-key guarantees as on a single node. The
core says which primary serves each row (CRC16 of the key the row writer renders, over the
topology read at the start); each node's part is written by the ordinary row writer, pipelined,
all nodes at once (the core releases the GIL). Every row of the frame is checked once before any
node is written to. ``if_exists="fail"`` checks every key on every node before anything is
written, and its WATCH-guarded check-and-write runs one key per batch (a transaction's keys must
share a hash slot).

Errors name the failing key; row numbers in them count within the node's part of the frame.

A slot that moves during the write (a resharding) makes its old node answer ``MOVED``, ``ASK``
or ``TRYAGAIN`` for that slot's rows. Such a row took no effect: the node's writer reports it and
goes on, and the rows that succeeded are never sent again (XADD, RPUSH, TS.ADD are not
idempotent). The redirected rows are then sent where they belong: after ``ASK`` to the node it
names, each row's commands preceded by ``ASKING``; after ``MOVED`` / ``TRYAGAIN`` to the owner
in a topology read anew. A key's redirected rows are the tail of its rows (once its slot has left
a node, every later command for the key is redirected) and each round sends all of them to one
node in frame order, so a key's rows keep their order. Rows still redirected after `_ROUNDS`
re-sends fail the write.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import polars as pl

from polars_redis import _core
from polars_redis._core import ConfigurationError, ResponseError

_PREFIX = "__polars_redis_cluster_"  # columns added while routing; reserved
_KEY = _PREFIX + "key"
_NODE = _PREFIX + "node"
_KIND, _HOST, _PORT = _PREFIX + "redirect", _PREFIX + "host", _PREFIX + "port"
_ROUNDS = 5  # re-sends of redirected rows before giving up (a resharding moves a slot in moments)

# A part of the write: the node's (host, port) and whether its rows came by ASK.
_Target = tuple[str, int, bool]
# Runs one part on its node: (url, part, plan) -> (rows written, redirected rows), each redirected
# row (index in the part, "MOVED" | "ASK" | "TRYAGAIN", host, port).
_Send = Callable[[str, pl.DataFrame, dict[str, Any]], tuple[int, list[tuple[int, str, str, int]]]]


def is_cluster(url: str) -> bool:
    """Whether `url` reaches a Redis Cluster (``redis+cluster://`` or a cluster node)."""
    return bool(_core.is_cluster(url))


def _with_key(df: pl.DataFrame, plan: dict[str, Any]) -> tuple[pl.DataFrame, dict[str, Any]]:
    """A frame whose key survives splitting: generated keys (prefix + row number) become a column."""
    if any(name.startswith(_PREFIX) for name in df.columns):
        raise ConfigurationError(f"columns starting with {_PREFIX!r} are reserved for cluster writes")
    if plan.get("key_column") is not None:
        # Each node's part numbers its rows from 0 (a sink adds its earlier batches itself).
        return df, {**plan, "row_offset": 0}
    start = int(plan.get("row_offset", 0))
    keys = pl.int_range(start, start + df.height, eager=True).cast(pl.String)
    df = df.with_columns((pl.lit(plan.get("key_prefix", "")) + keys).alias(_KEY))
    return df, {**plan, "key_column": _KEY, "key_prefix": "", "row_offset": 0}


def _route(df: pl.DataFrame, url: str, plan: dict[str, Any]) -> dict[_Target, pl.DataFrame]:
    """`df` split by the primary serving each row's key, in the topology as read now."""
    nodes, routes = _core.cluster_route(url, df.__arrow_c_stream__(), plan["key_column"], plan["key_prefix"])
    df = df.with_columns(pl.DataFrame(routes).to_series().alias(_NODE))
    parts = df.partition_by(_NODE, as_dict=True, include_key=False)
    return {(*nodes[int(key[0])], False): part for key, part in parts.items()}


def _follow(redirected: pl.DataFrame, url: str, plan: dict[str, Any]) -> dict[_Target, pl.DataFrame]:
    """Where redirected rows go next: each key by its first redirected row, so all its rows go to one node, in order."""
    redirected = redirected.with_columns(pl.col(_KIND, _HOST, _PORT).first().over(plan["key_column"]))
    asked = redirected.filter(pl.col(_KIND) == "ASK").drop(_KIND)
    parts = {(host, port, True): part
             for (host, port), part in asked.partition_by(_HOST, _PORT, as_dict=True, include_key=False).items()}
    moved = redirected.filter(pl.col(_KIND) != "ASK").drop(_KIND, _HOST, _PORT)
    if moved.height:
        parts.update(_route(moved, url, plan))  # the topology refresh
    return parts


def _send_all(url: str, parts: dict[_Target, pl.DataFrame], plan: dict[str, Any],
              send: _Send) -> tuple[int, list[pl.DataFrame], BaseException | None]:
    """Every part on its node at once: (rows written, the redirected rows, the first failure)."""

    def run(target: _Target) -> tuple[int, list[tuple[int, str, str, int]]]:
        host, port, asking = target
        return send(url, parts[target], {**plan, "cluster_node": (host, port), "asking": asking})

    with ThreadPoolExecutor(max_workers=len(parts)) as pool:
        futures = {target: pool.submit(run, target) for target in parts}
    written = 0
    redirected: list[pl.DataFrame] = []
    failure: BaseException | None = None
    for target, future in futures.items():
        error = future.exception()
        if error is not None:
            failure = failure or error
            continue
        count, rows = future.result()
        written += count
        if rows:
            index, kinds, hosts, ports = zip(*rows)
            redirected.append(parts[target][list(index)].with_columns(
                pl.Series(_KIND, kinds, pl.String),
                pl.Series(_HOST, [host or target[0] for host in hosts], pl.String),  # "": the same host
                pl.Series(_PORT, ports, pl.Int64)))
    return written, redirected, failure


def _unplaced(rows: pl.DataFrame, plan: dict[str, Any], written: int) -> ResponseError:
    keys = rows.select(pl.lit(plan["key_prefix"]) + pl.col(plan["key_column"]).cast(pl.String)).to_series()
    keys = keys.unique(maintain_order=True).to_list()
    shown = ", ".join(repr(key) for key in keys[:10]) + (", ..." if len(keys) > 10 else "")
    last = rows.row(-1, named=True)
    return ResponseError(
        f"{rows.height} row(s) of {len(keys)} key(s) ({shown}) were still redirected after {_ROUNDS} re-sends "
        f"(last: {last[_KIND]} to {last[_HOST]}:{last[_PORT]}) and were not written "
        f"[cluster: {written} row(s) were committed]")


def _place(df: pl.DataFrame, url: str, plan: dict[str, Any], send: _Send) -> int:
    """Run `send` for every row of `df` on the node serving its key, following redirections.

    Returns the rows written; a failing part raises once every part has finished, its message
    completed with the rows the rest of the write committed.
    """
    parts = _route(df, url, plan)
    written = 0
    resends = 0
    while parts:
        count, redirected, failure = _send_all(url, parts, plan, send)
        written += count
        if failure is not None:
            failure.args = (f"{failure} [cluster: {written} row(s) were committed by the rest of the write]",)
            failure.committed_rows = written + getattr(failure, "committed_rows", 0)  # type: ignore[attr-defined]
            raise failure
        if not redirected:
            break
        rows = pl.concat(redirected)
        if resends == _ROUNDS:
            raise _unplaced(rows, plan, written)
        if resends or rows[_KIND].eq("TRYAGAIN").any():
            time.sleep(0.05 * 2**resends)  # the slot is still moving: give the resharding a moment
        resends += 1
        parts = _follow(rows, url, plan)
    return written


# What only a Redis type's writer reads (its value columns, RESTORE payloads): the key check takes
# the row options alone (the core rejects a plan key it does not read).
_VALUE_KEYS = frozenset({"items_column", "scores_column", "value_column", "id_column", "trim", "timestamp_column",
                         "add_options", "restore"})


def _check_part(url: str, part: pl.DataFrame, plan: dict[str, Any]) -> tuple[int, list[tuple[int, str, str, int]]]:
    row_plan = {k: v for k, v in plan.items() if k not in _VALUE_KEYS}
    return 0, _core.check_keys_absent(url, part.__arrow_c_stream__(), row_plan)


def check_absent(keys: pl.DataFrame, url: str, plan: dict[str, Any]) -> None:
    """Raise KeyExistsError if any key of `keys` (the key column, or row numbers) exists on its node."""
    keys, plan = _with_key(keys, plan)
    _place(keys, url, plan, _check_part)


def write(native: Callable[..., Any], df: pl.DataFrame, url: str, plan: dict[str, Any]) -> int:
    """Write `df` with `native` on every primary of the cluster; returns the rows written.

    Every row is checked (the whole frame, once) before any node is written to.
    """
    df, plan = _with_key(df, plan)
    native(url, df.__arrow_c_stream__(), df.__arrow_c_stream__(), {**plan, "check_only": True, "precheck": False})
    if plan.get("if_exists") == "fail":
        if plan.get("precheck", True):
            _place(df, url, plan, _check_part)  # every node's keys before any node is written: all or nothing
        plan = {**plan, "precheck": False}
    # WATCH-guarded batches (fail, append with a TTL) hold one key each: keys of a batch must
    # share a hash slot.
    plan = {**plan, "batch_size": 1}

    def send(url: str, part: pl.DataFrame, node_plan: dict[str, Any]) -> tuple[int, list[tuple[int, str, str, int]]]:
        return native(url, part.__arrow_c_stream__(), part.__arrow_c_stream__(), node_plan)

    return _place(df, url, plan, send)
