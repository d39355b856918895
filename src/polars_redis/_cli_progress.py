"""A one-line progress renderer for the command line (stderr, no dependency)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class Progress:
    """Counts keys and rows; redraws one stderr line at most `max_rate` times a second.

    `total` (keys expected, e.g. from DBSIZE) gives the ETA; it is an estimate, so the ETA is
    left out once the count passes it.
    """

    def __init__(self, label: str, *, enabled: bool, total: int | None = None,
                 stream: TextIO | None = None, max_rate: float = 10.0) -> None:
        self.label = label
        self.enabled = enabled
        self.total = total
        self.keys = 0
        self.rows = 0
        self._stream = stream if stream is not None else sys.stderr
        self._interval = 1.0 / max_rate
        self._start = time.monotonic()
        self._last_draw = float("-inf")
        self._width = 0

    def add(self, keys: int, rows: int) -> None:
        """Count a batch; redraws when the last redraw is older than the interval."""
        self.keys += keys
        self.rows += rows
        now = time.monotonic()
        if self.enabled and now - self._last_draw >= self._interval:
            self._last_draw = now
            self._draw(now)

    def line(self, now: float) -> str:
        elapsed = max(now - self._start, 1e-9)
        rate = self.keys / elapsed
        text = f"{self.label}: {self.keys:,} keys, {self.rows:,} rows, {rate:,.0f} keys/s"
        if self.total and rate > 0 and self.keys < self.total:
            text += f", {100 * self.keys / self.total:.0f}% of {self.total:,}, ETA {_clock((self.total - self.keys) / rate)}"
        return text

    def _draw(self, now: float) -> None:
        text = self.line(now)
        # Pad over a longer previous line instead of relying on terminal escape codes.
        self._stream.write("\r" + text.ljust(self._width))
        self._stream.flush()
        self._width = len(text)

    def finish(self) -> None:
        """Draw the final count with the elapsed time and end the line."""
        if not self.enabled:
            return
        now = time.monotonic()
        text = f"{self.line(now)}, done in {_clock(now - self._start)}"
        self._stream.write("\r" + text.ljust(self._width) + "\n")
        self._stream.flush()
