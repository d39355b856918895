"""Shared benchmark helpers: a server, timing, and the server's own CPU time as the floor."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import redis


def server_cpu_seconds(client: redis.Redis) -> float:
    info = client.info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def measure(client: redis.Redis, work: Callable[[], Any], repeat: int = 3) -> tuple[float, float, Any]:
    """Median wall seconds and median server CPU seconds of `work` over `repeat` runs."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
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
