"""Shared benchmark helpers: a server, timing, and the server's own CPU time as the floor."""

from __future__ import annotations

import statistics
from pathlib import Path
import time
from collections.abc import Callable
from typing import Any

import redis


def server_cpu_seconds(client: redis.Redis) -> float:
    info = client.info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def measure(
    client: redis.Redis, work: Callable[[], Any], repeat: int = 3, setup: Callable[[], Any] | None = None
) -> tuple[float, float, Any]:
    """Median wall seconds and median server CPU seconds of `work` over `repeat` runs; `setup`
    runs before each one, outside the measurement."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        if setup is not None:
            setup()
        cpu0 = server_cpu_seconds(client)
        start = time.perf_counter()
        result = work()
        walls.append(time.perf_counter() - start)
        cpus.append(server_cpu_seconds(client) - cpu0)
    return statistics.median(walls), statistics.median(cpus), result


def machine_description() -> str:
    import os
    import platform

    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Linux {platform.release()}, Python {platform.python_version()}"


def table_start(*columns: str) -> list[str]:
    """The machine line and the header of a Markdown table whose first column is right-aligned
    (a size) and the second left-aligned (a label), the rest numbers."""
    align = ["---:", "---"] + ["---:"] * (len(columns) - 2)
    return [f"Machine: {machine_description()}", "", "| " + " | ".join(columns) + " |", "|" + "|".join(align) + "|"]


def comparison_rows(n: int, label: str, wall: float, cpu: float, base_wall: float, base_cpu: float) -> list[str]:
    """Our row and the baseline's, for the tables in bench/RESULTS.md."""
    return [
        f"| {n:,} | polars-redis, {label} | {wall * 1e3:.1f} | {cpu * 1e3:.1f} | {wall / cpu:.2f} | "
        f"{base_wall / wall:.1f}x faster |",
        f"| {n:,} | redis-py, {label} | {base_wall * 1e3:.1f} | {base_cpu * 1e3:.1f} | {base_wall / base_cpu:.2f} | 1.0x |",
    ]


def publish(lines: list[str], markdown: "Path | None") -> None:
    """Print the finished table and, when asked, write it to a Markdown file."""
    table = "\n".join(lines)
    print(table)
    if markdown:
        markdown.write_text(table + "\n")
