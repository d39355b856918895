"""A started C++ scan as Python sees it, and draining one into frames.

Below the Polars glue and the pushdown planner: the cluster and aggregate readers drain scans
without planning anything."""

from __future__ import annotations

from typing import Any, Protocol

import polars as pl


class NativeScan(Protocol):
    def next_batch(self) -> Any: ...
    def close(self) -> None: ...


def drain(scan: NativeScan) -> list[pl.DataFrame]:
    """Every batch of a started native scan, as frames; the scan is closed however this ends."""
    frames = []
    try:
        while (batch := scan.next_batch()) is not None:
            frames.append(pl.DataFrame(batch))
    finally:
        scan.close()
    return frames
