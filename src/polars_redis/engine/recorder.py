"""Dry runs for explain: while recording, scans describe their plan instead of contacting Redis."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from polars_redis import _core


@dataclass
class ScanRecord:
    """One scan as a collect would run it."""

    name: str
    predicate: pl.Expr | None
    notes: list[str] = field(default_factory=list)
    native: str | None = None  # the core entry point, e.g. "scan_hashes"
    plan: dict[str, Any] | None = None
    # The core's description of what the scan sends, {"keys": bytes, "fetch": [bytes]}.
    description: dict[str, Any] | None = None
    cluster: bool = False  # the URL reaches a Redis Cluster: the work is split by shard
    server: str | None = None  # where reads go, for Sentinel and read_from URLs


class _EmptyScan:
    def next_batch(self) -> None:
        return None

    def close(self) -> None:
        pass


_lock = threading.Lock()
_records: list[ScanRecord] | None = None
_current = threading.local()


@contextmanager
def recording() -> Iterator[list[ScanRecord]]:
    """Record (and skip) every scan started until the block ends; one recording at a time."""
    global _records
    with _lock:
        _records = []
        try:
            yield _records
        finally:
            _records = None


def is_recording() -> bool:
    return _records is not None


@contextmanager
def scan_record(name: str, predicate: pl.Expr | None, notes: list[str]) -> Iterator[None]:
    """Where start_native files the plan of the scan being started on this thread."""
    records = _records
    if records is None:
        yield
        return
    record = ScanRecord(name, predicate, list(notes))
    records.append(record)
    _current.record = record
    try:
        yield
    finally:
        _current.record = None


def start_native(native: Callable[[str, dict[str, Any]], Any], url: str, plan: dict[str, Any]) -> Any:
    """Start a native scan, or, while recording, file its plan and return a scan of no batches.

    The core restarts a scan that cannot reach the server before its first batch (the URL's
    ``retries``)."""
    record = getattr(_current, "record", None)
    if _records is None or record is None:
        return native(url, plan)
    record.native = getattr(native, "__name__", str(native))
    record.plan = dict(plan)
    try:
        record.cluster = bool(_core.is_cluster(url))
    except _core.RedisError:  # explain describes the plan even when the server cannot be asked
        record.cluster = False
    record.description = _core.describe_scan(record.native, url, plan, record.cluster)
    if not record.cluster:
        try:
            record.server = _core.read_route(url) or None
        except _core.RedisError as error:
            record.server = f"not known now ({error})"
    return _EmptyScan()
