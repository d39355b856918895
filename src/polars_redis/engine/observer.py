"""Watching what scans read before any filter (the command line's progress line counts keys
scanned, which a filter's dropped rows would otherwise hide)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import polars as pl

# Module-wide, not thread-local: Polars 2 iterates a scan on its own engine threads.
_lock = threading.Lock()
_observers: list[Callable[[pl.DataFrame], None]] = []


@contextmanager
def observing(callback: Callable[[pl.DataFrame], None]) -> Iterator[None]:
    """Call `callback` with every batch any scan reads (before filtering) until the block ends."""
    with _lock:
        _observers.append(callback)
    try:
        yield
    finally:
        with _lock:
            _observers.remove(callback)


def scanned(frame: pl.DataFrame) -> None:
    """Report a batch as read from Redis (called by the scans before their filter)."""
    if _observers:
        for callback in list(_observers):
            callback(frame)
