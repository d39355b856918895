"""Charts (SVG, no plotting dependency) from the tables in bench/RESULTS.md for the docs'
performance page: for a few common reads and writes, the wall time of polars-redis, of the
redis-py baseline from the same run, and the Redis server's own CPU time for our run (the floor
no client can go below).

Run by `make docs` before mkdocs: python scripts/bench_plots.py bench/RESULTS.md docs/assets
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from html import escape
from pathlib import Path

# (file, title, size, cases): a case is (label on the chart, the section heading's start, the
# polars-redis row's description in that table).
CHARTS = [
    ("bench-reads-100k.svg", "Reading 100,000 keys into a DataFrame", "100,000", [
        ("hashes, 10 fields", "Hashes", "all 10 fields"),
        ("hashes, 2 of 10 fields", "Hashes", "2 projected fields"),
        ("JSON documents, nested", "scan_json", "all fields"),
        ("strings", "Strings", "String values"),
        ("stream entries", "scan_stream", "all 4 fields"),
        ("sorted set members", "Sets, lists", "sorted set, read_zset"),
    ]),
    ("bench-reads-1m.svg", "Reading 1,000,000 keys into a DataFrame", "1,000,000", [
        ("hashes, 10 fields", "Hashes", "all 10 fields"),
        ("strings", "Strings", "String values"),
        ("stream entries", "scan_stream", "all 4 fields"),
        ("sorted set members", "Sets, lists", "sorted set, read_zset"),
    ]),
    ("bench-writes-100k.svg", "Writing 100,000 rows from a DataFrame", "100,000", [
        ("hashes", "Writes", "hashes, append (HSET)"),
        ("JSON documents", "Writes", "JSON, replace"),
        ("strings", "Writes", "strings, append (SET KEEPTTL)"),
    ]),
]


@dataclass
class Row:
    section: str
    size: str
    who: str  # the reader/writer cell: "polars-redis, ..." or "redis-py..."
    wall_ms: float
    server_ms: float


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def read_rows(results: Path) -> list[Row]:
    """Every row of a table that has wall and server CPU times, with its section heading."""
    rows: list[Row] = []
    section = ""
    header: list[str] = []
    for line in results.read_text().splitlines():
        if line.startswith("#"):
            section = line.lstrip("#").strip().replace("`", "")
            header = []
        elif line.startswith("|"):
            cells = _cells(line)
            if not header:
                header = cells
            elif not set("".join(cells)) <= set("-: ") and {"wall ms", "server CPU ms"} <= set(header):
                who = cells[1] if len(cells) > 1 else ""
                try:
                    wall = float(cells[header.index("wall ms")])
                    server = float(cells[header.index("server CPU ms")])
                except (ValueError, IndexError):
                    continue
                rows.append(Row(section, cells[0], who, wall, server))
        elif not line.strip():
            header = []
    return rows


def pick(rows: list[Row], section: str, size: str, ours: str) -> tuple[Row, Row]:
    """Our row and the redis-py row that follows it in the same table (the same run)."""
    for i, row in enumerate(rows):
        if row.section.startswith(section) and row.size == size and row.who == f"polars-redis, {ours}":
            for later in rows[i + 1:]:
                if later.section != row.section or later.size != size:
                    break
                if later.who.startswith("redis-py"):
                    return row, later
    raise SystemExit(f"bench_plots: no polars-redis row {ours!r} with a redis-py baseline at {size} in "
                     f"a section starting {section!r}")


COLORS = {"polars-redis": "#2f6db5", "redis-py without hiredis + pl.DataFrame": "#d98b2b", "Redis server CPU (floor)": "#7a7a7a"}


def chart(title: str, cases: list[tuple[str, Row, Row]]) -> str:
    """One block per case: three bars scaled to the longest of the block, labelled in ms."""
    width, label_width, bar, gap, top = 820, 190, 16, 3, 64
    plot = width - label_width - 150
    block = 3 * (bar + gap) + 14
    height = top + len(cases) * block + 10
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="13">',
        f'<text x="10" y="22" font-size="16" font-weight="bold">{escape(title)}</text>',
    ]
    x = 10
    for name, color in COLORS.items():  # legend
        out.append(f'<rect x="{x}" y="34" width="12" height="12" fill="{color}"/>')
        out.append(f'<text x="{x + 17}" y="45">{escape(name)}</text>')
        x += 30 + 7.2 * len(name)
    for i, (label, ours, theirs) in enumerate(cases):
        y = top + i * block
        values = [ours.wall_ms, theirs.wall_ms, ours.server_ms]
        longest = max(values)
        out.append(f'<text x="{label_width - 10}" y="{y + bar + 14}" text-anchor="end">{escape(label)}</text>')
        for j, (value, color) in enumerate(zip(values, COLORS.values())):
            top_j = y + j * (bar + gap)
            length = max(1.0, plot * value / longest)
            out.append(f'<rect x="{label_width}" y="{top_j}" width="{length:.1f}" height="{bar}" fill="{color}"/>')
            out.append(f'<text x="{label_width + length + 6:.1f}" y="{top_j + 12}">{value:,.0f} ms</text>')
        speedup = theirs.wall_ms / ours.wall_ms
        out.append(f'<text x="{label_width - 10}" y="{y + bar + 30}" text-anchor="end" fill="#555" '
                   f'font-size="12">{speedup:.1f}x faster</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(results: str, out_dir: str) -> None:
    rows = read_rows(Path(results))
    target = Path(out_dir)
    target.mkdir(parents=True, exist_ok=True)
    for name, title, size, cases in CHARTS:
        picked = [(label, *pick(rows, section, size, ours)) for label, section, ours in cases]
        (target / name).write_text(chart(f"{title} (wall time; shorter is better)", picked))


if __name__ == "__main__":
    main(*(sys.argv[1:3] if len(sys.argv) >= 3 else ("bench/RESULTS.md", "docs/assets")))
