"""The key source of snapshot reads (``snapshot=True``) and RDB files (``scan_rdb``).

Both read every key of an RDB instead of running SCAN: a replication full resync on a connection
of its own, or a file. The pattern still selects keys (the decoder skips the others' values), and
the filter's key terms still narrow it; the full filter runs on the client as always.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import polars as pl

from polars_redis._core import ConfigurationError
from polars_redis.pushdown.planner import KeyPushdown, SourcePlan

_rdb_file: ContextVar[str | None] = ContextVar("polars_redis_rdb_file", default=None)


@contextmanager
def reading_rdb(path: str) -> Iterator[None]:
    """Scans built in this block read the RDB file `path` instead of a server (scan_rdb)."""
    token = _rdb_file.set(path)
    try:
        yield
    finally:
        _rdb_file.reset(token)


def rdb_file() -> str | None:
    """The RDB file the scan being built reads, if scan_rdb builds it."""
    return _rdb_file.get()


DISKLESS_NOTE = (
    "the server forks and streams its RDB after repl-diskless-sync-delay (5 s by default; "
    "CONFIG SET repl-diskless-sync-delay 0 starts it at once); the whole dataset crosses the wire"
)


@dataclass(frozen=True)
class SnapshotPushdown:
    """Plans a snapshot read: the key filter's pattern narrowing applies, key lists do not (the
    RDB is read whole either way, so a named key is found by the pattern and the client filter)."""

    keys: KeyPushdown
    source: dict[str, Any]

    def plan(self, predicate: pl.Expr | None, schema: pl.Schema, n_rows: int | None = None) -> SourcePlan:
        scan = self.keys.plan(predicate, schema, n_rows)
        entries = dict(scan.entries)
        notes = list(scan.notes)
        if entries.get("key_source", {}).get("kind") != "scan":
            entries = {"pattern": self.keys.pattern, "match_pattern": None}
            notes = ["the key filter is applied to the snapshot's keys on the client"]
        entries["key_source"] = self.source
        if self.source["kind"] == "rdb":
            head = f"snapshot: RDB file {self.source['path']!r} (no server)"
        else:
            head = f"snapshot: replication full resync (REPLCONF capa eof, PSYNC ? -1); {DISKLESS_NOTE}"
        return SourcePlan(entries, [head, *notes])


def snapshot_pushdown(
    url: str,
    pattern: str,
    key_column: str | None,
    *,
    snapshot: bool,
    rdb_path: str | None,
    include_memory_usage: bool = False,
    template: Any = None,
) -> SnapshotPushdown | None:
    """The snapshot planner of a scan, or None for the SCAN path."""
    if not snapshot and rdb_path is None:
        return None
    if include_memory_usage:
        raise ConfigurationError(
            "include_memory_usage needs MEMORY USAGE on a live server: a snapshot or RDB file has no memory figures"
        )
    source: dict[str, Any] = {"kind": "rdb", "path": rdb_path} if rdb_path is not None else {"kind": "snapshot"}
    return SnapshotPushdown(KeyPushdown(url, pattern, key_column, template), source)
