"""What a failed write says it committed, read back from its message, so a test can check every
reported row against the server. The message lists ranges ("rows 0-41 ('a' .. 'b'), row 43
('c')"), not a prefix: after a failed reply later units still settle, so the committed rows can
have holes (an out-of-memory server accepts writes again once it has drained its input buffers)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOTAL = re.compile(r"\[(?:cluster: )?(\d+) row\(s\) were committed")
_RANGE = re.compile(r"\brows? (\d+)(?:-(\d+))? \(")


@dataclass(frozen=True)
class CommittedRows:
    total: int
    ranges: list[range]  # the ranges the message lists, in row order
    complete: bool  # False when the message stops listing ("and N more ranges")

    def listed(self) -> int:
        return sum(len(r) for r in self.ranges)

    def __contains__(self, row: int) -> bool:
        return any(row in r for r in self.ranges)


def committed_rows(message: str) -> CommittedRows:
    total = _TOTAL.search(message)
    assert total, f"no committed-rows report in: {message}"
    listing = message[total.end():].split("]", 1)[0]
    ranges = [range(int(first), int(last or first) + 1) for first, last in _RANGE.findall(listing)]
    return CommittedRows(int(total.group(1)), ranges, "more ranges" not in listing)
