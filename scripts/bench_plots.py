"""Bar charts (SVG, no plotting dependency) from the tables in bench/RESULTS.md, for the docs'
performance page: our speed-up over redis-py, and our wall time over the server's own CPU time.

Run by `make docs` before mkdocs: python scripts/bench_plots.py bench/RESULTS.md docs/assets
"""

from __future__ import annotations

import re
import sys
from html import escape
from pathlib import Path

_SPEEDUP = re.compile(r"([\d.]+)x faster")


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def read_rows(results: Path) -> list[tuple[str, float, float | None]]:
    """(label, speed-up over redis-py, wall / server CPU) for every polars-redis row."""
    rows = []
    section = ""
    header: list[str] = []
    for line in results.read_text().splitlines():
        if line.startswith("## "):
            section = re.sub(r"\s*\(.*?\)\s*$", "", line[3:]).replace("`", "").split(":")[0].strip()
            header = []
        elif line.startswith("|"):
            cells = _cells(line)
            if not header:
                header = cells
                continue
            if set("".join(cells)) <= set("-: "):
                continue
            if not any("polars-redis" in cell for cell in cells) or not _SPEEDUP.search(cells[-1]):
                continue
            speedup = float(_SPEEDUP.search(cells[-1]).group(1))
            ratio = None
            if "wall / server CPU" in header:
                try:
                    ratio = float(cells[header.index("wall / server CPU")])
                except (ValueError, IndexError):
                    ratio = None
            what = " ".join(c for c in cells[:2] if c and not c.replace(",", "").isdigit()) or cells[1]
            size = next((c for c in cells[:2] if c.replace(",", "").isdigit()), "")
            label = f"{section}: {what.replace('polars-redis, ', '')}" + (f" ({size})" if size else "")
            if all(label != seen for seen, _, _ in rows):  # repeated runs of one case: the first
                rows.append((label, speedup, ratio))
        else:
            header = [] if not line.strip() else header
    return rows


def bar_chart(title: str, bars: list[tuple[str, float]], unit: str, reference: float | None = None) -> str:
    width, label_width, bar_height, top = 980, 560, 18, 40
    scale_max = max([value for _, value in bars] + [reference or 0]) * 1.08
    plot = width - label_width - 70
    height = top + len(bars) * (bar_height + 6) + 30
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
        f'<text x="10" y="22" font-size="15" font-weight="bold">{escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(bars):
        y = top + i * (bar_height + 6)
        length = max(1.0, plot * value / scale_max)
        out.append(f'<text x="{label_width - 8}" y="{y + 13}" text-anchor="end">{escape(label)}</text>')
        out.append(f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" fill="#3b6fb6"/>')
        out.append(f'<text x="{label_width + length + 5:.1f}" y="{y + 13}">{value:g}{unit}</text>')
    if reference is not None:
        x = label_width + plot * reference / scale_max
        out.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 20}" stroke="#c0392b" stroke-dasharray="4 3"/>')
        out.append(f'<text x="{x + 4:.1f}" y="{height - 8}" fill="#c0392b">{reference:g}{unit} target</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(results: str, out_dir: str) -> None:
    rows = read_rows(Path(results))
    if not rows:
        raise SystemExit(f"no polars-redis rows with a speed-up found in {results}")
    target = Path(out_dir)
    target.mkdir(parents=True, exist_ok=True)
    speedups = sorted(((label, speedup) for label, speedup, _ in rows), key=lambda bar: bar[1], reverse=True)
    (target / "bench-speedup.svg").write_text(
        bar_chart("polars-redis vs redis-py + pl.DataFrame (wall time, same run)", speedups, "x", reference=10))
    ratios = sorted(((label, ratio) for label, _, ratio in rows if ratio is not None), key=lambda bar: bar[1])
    (target / "bench-server-ratio.svg").write_text(
        bar_chart("polars-redis wall time / Redis server CPU time (1.0 = the server is the bottleneck)", ratios, "x",
                  reference=1.3))


if __name__ == "__main__":
    main(*(sys.argv[1:3] if len(sys.argv) >= 3 else ("bench/RESULTS.md", "docs/assets")))
