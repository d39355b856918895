"""The progress line of export and import (stderr, no dependency).

On a terminal one line is redrawn in place; elsewhere (a log, a pipe) a full line is printed once
per interval, without carriage returns, so logs stay readable line by line.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

TERMINAL_INTERVAL = 0.1  # redraws a second at most: 10
LOG_INTERVAL = 10.0  # seconds between log lines (--progress-interval)


def clock(seconds: float) -> str:
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class Progress:
    """Counts the `unit` the work advances by (keys scanned, rows written) and, optionally, rows
    written beside it; shows them with a rate and, given `total` (of `unit`), a percentage and an
    ETA. `total` is an estimate (DBSIZE counts every key of the database), so the percentage is
    left out once the count passes it, and the final line says "done" instead of a percentage.

    `style` is ``None`` (count silently), ``"terminal"`` or ``"log"``. Counting is thread-safe:
    Polars 2 runs a scan and its batch functions on its own threads.
    """

    def __init__(self, label: str, unit: str, *, style: str | None, total: int | None = None,
                 total_of: str = "", also_rows: bool = False, interval: float | None = None, stream: TextIO | None = None) -> None:
        self.label = label
        self.unit = unit
        self.style = style
        self.total = total
        self.total_of = total_of  # what `total` counts, e.g. "keys in the database"
        self.also_rows = also_rows
        self.done: int | None = 0  # None: this scan cannot count its unit (see unknown())
        self.rows = 0
        self._stream = stream if stream is not None else sys.stderr
        default = TERMINAL_INTERVAL if style == "terminal" else LOG_INTERVAL
        self._interval = default if interval is None else interval
        self._lock = threading.Lock()
        self.start = time.monotonic()
        # A log's first line comes after one interval (short runs print only the summary); a
        # terminal shows the count at once.
        self._last = float("-inf") if style == "terminal" else self.start
        self._width = 0
        self._drawn = False

    def add(self, done: int = 0, rows: int = 0) -> None:
        """Count progress; shows it when the last line is older than the interval."""
        with self._lock:
            if self.done is not None:
                self.done += done
            self.rows += rows
            now = time.monotonic()
            if self.style is not None and now - self._last >= self._interval:
                self._last = now
                self._show(self.line(now))

    def unknown(self) -> None:
        """The unit cannot be counted (e.g. keys of a projection without the key column)."""
        with self._lock:
            self.done = None

    def line(self, now: float, final: bool = False) -> str:
        elapsed = max(now - self.start, 1e-9)
        parts = []
        if self.done is not None:
            parts.append(f"{self.done:,} {self.unit}")
        if self.also_rows or self.done is None:
            parts.append(f"{self.rows:,} rows written")
        counted = self.done if self.done is not None else self.rows
        rate = counted / elapsed
        parts.append(f"{rate:,.0f} {(self.unit if self.done is not None else 'rows').split()[0]}/s")
        # The final line has no percentage: a narrow pattern ends below DBSIZE, and "27%" would
        # read as stopped there.
        if not final and self.total and self.done is not None and rate > 0 and self.done < self.total:
            parts.append(f"{100 * self.done / self.total:.0f}% of {self.total:,} {self.total_of}".rstrip())
            parts.append(f"ETA {clock((self.total - self.done) / rate)}")
        return f"{self.label}: " + ", ".join(parts)

    def _show(self, text: str, end: str = "") -> None:
        if self.style == "terminal":
            # Pad over a longer previous line instead of relying on terminal escape codes.
            self._stream.write("\r" + text.ljust(self._width) + end)
            self._width = len(text)
        else:
            self._stream.write(text + "\n")
        self._stream.flush()
        self._drawn = True

    def finish(self) -> None:
        """End a terminal's line with the final count (a log needs no final line: the summary follows)."""
        with self._lock:
            if self.style == "terminal":
                now = time.monotonic()
                self._show(f"{self.line(now, final=True)}, done in {clock(now - self.start)}", "\n")
