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


# --- Baselines run side by side: redis-py + hiredis, valkey-glide, and the raw C++ loop ---------

RAW_LOOP_SOURCE = Path(__file__).parent / "raw_loop" / "raw_loop.cpp"
RAW_LOOP_BINARY = Path(__file__).parent.parent / "build" / "bench" / "raw_loop"
FETCH_CHUNK = 1000  # keys per pipelined round in the Python baselines (SCAN COUNT 1000 gives ~1000)


def baseline_versions() -> str:
    """The baselines' versions, for the line above each table."""
    from importlib.metadata import version

    import hiredis

    return (f"redis-py {redis.__version__} + hiredis {hiredis.__version__}, "
            f"valkey-glide-sync {version('valkey-glide-sync')}")


def hiredis_client(url: str, **kwargs: Any) -> redis.Redis:
    """redis-py with the hiredis parser: the idiomatic fastest redis-py (fails without hiredis)."""
    from redis.utils import HIREDIS_AVAILABLE

    if not HIREDIS_AVAILABLE:
        raise RuntimeError("hiredis is not installed: run the benchmarks from .venv-bench (make bench-venv)")
    return redis.Redis.from_url(url, **kwargs)


def glide_client(url: str) -> Any:
    """A valkey-glide (sync) client on the same server."""
    from urllib.parse import urlparse

    import glide_sync

    parsed = urlparse(url)
    credentials = (glide_sync.ServerCredentials(parsed.password, parsed.username or None)
                   if parsed.password else None)
    config = glide_sync.GlideClientConfiguration(
        [glide_sync.NodeAddress(parsed.hostname or "127.0.0.1", parsed.port or 6379)], credentials=credentials,
        request_timeout=60_000)
    return glide_sync.GlideClient.create(config)


def scan_chunks(client: redis.Redis, match: str, type_: str | None = None) -> Any:
    """redis-py: the keys of each SCAN COUNT 1000 reply, one list per round (SCAN then fetch)."""
    cursor = 0
    while True:
        cursor, keys = client.scan(cursor, match=match, count=FETCH_CHUNK, _type=type_)
        if keys:
            yield keys
        if cursor == 0:
            return


def glide_scan_chunks(client: Any, match: str, type_: Any = None) -> Any:
    """valkey-glide: the keys of each SCAN COUNT 1000 reply, one list per round."""
    cursor: Any = b"0"
    while True:
        cursor, keys = client.scan(cursor, match=match, count=FETCH_CHUNK, type=type_)
        if keys:
            yield keys
        if cursor in (b"0", "0"):
            return


def glide_batch(client: Any, fill: Callable[[Any], None]) -> list[Any]:
    """One pipelined (non-atomic) glide batch."""
    import glide_sync

    batch = glide_sync.Batch(is_atomic=False)
    fill(batch)
    return client.exec(batch, raise_on_error=True) or []


def raw_loop_binary() -> Path:
    """bench/raw_loop/raw_loop.cpp compiled (again when the source is newer) into build/bench."""
    import subprocess

    if not RAW_LOOP_BINARY.exists() or RAW_LOOP_BINARY.stat().st_mtime < RAW_LOOP_SOURCE.stat().st_mtime:
        RAW_LOOP_BINARY.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["g++", "-O2", "-std=c++20", "-o", str(RAW_LOOP_BINARY), str(RAW_LOOP_SOURCE)], check=True)
    return RAW_LOOP_BINARY


def raw_loop(url: str, pattern: str, type_: str, mode: str, *command: str, count: int = 1000) -> Callable[[], int]:
    """A callable running the raw C++ loop once; returns its row count and records its own wall
    time (without process start-up) in `raw_loop.last_wall`."""
    import subprocess
    from urllib.parse import urlparse

    binary = str(raw_loop_binary())
    parsed = urlparse(url)
    argv = [binary, parsed.hostname or "127.0.0.1", str(parsed.port or 6379), pattern, type_ or "-", str(count),
            mode, *command]

    import os

    env = {**os.environ, "REDIS_PASSWORD": parsed.password or "", "REDIS_USER": parsed.username or ""}
    if not parsed.password:
        del env["REDIS_PASSWORD"]

    def run() -> int:
        out = subprocess.run(argv, check=True, capture_output=True, text=True, env=env).stdout.split()
        raw_loop.last_wall = float(out[3]) / 1e3  # type: ignore[attr-defined]
        return int(out[0])

    return run


raw_loop.last_wall = 0.0  # type: ignore[attr-defined]


def server_stats(client: redis.Redis) -> tuple[float, int, int]:
    """Server CPU seconds and the socket reads / writes it has processed so far."""
    info = client.info()
    return (float(info["used_cpu_user"]) + float(info["used_cpu_sys"]),
            int(info["total_reads_processed"]), int(info["total_writes_processed"]))


class Result:
    """One contender's medians: wall and server CPU seconds, server socket reads and writes."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.walls: list[float] = []
        self.cpus: list[float] = []
        self.reads: list[int] = []
        self.writes: list[int] = []
        self.value: Any = None

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)

    @property
    def socket_reads(self) -> float:
        return statistics.median(self.reads)

    @property
    def socket_writes(self) -> float:
        return statistics.median(self.writes)


def measure_interleaved(client: redis.Redis, contenders: list[tuple[str, Callable[[], Any]]], repeat: int = 3,
                        setup: Callable[[], Any] | None = None) -> list[Result]:
    """Runs every contender once per round, `repeat` rounds (so a slow spell of the shared machine
    hits all of them), and keeps medians. A contender whose label starts with "raw loop" reports
    the wall time the loop measured itself."""
    results = [Result(label) for label, _ in contenders]
    for _ in range(repeat):
        for result, (label, work) in zip(results, contenders):
            if setup is not None:
                setup()
            cpu0, reads0, writes0 = server_stats(client)
            start = time.perf_counter()
            result.value = work()
            wall = time.perf_counter() - start
            cpu1, reads1, writes1 = server_stats(client)
            result.walls.append(raw_loop.last_wall if label.startswith("raw loop") else wall)  # type: ignore[attr-defined]
            result.cpus.append(cpu1 - cpu0)
            # The INFO call itself is one read and one write.
            result.reads.append(reads1 - reads0 - 1)
            result.writes.append(writes1 - writes0 - 1)
    return results


COMPARISON_COLUMNS = ("reader", "wall ms", "server CPU ms", "wall / server CPU", "server reads / writes",
                      "vs redis-py + hiredis", "wall / raw loop", "server CPU / raw loop")


def comparison_table_rows(size: str, results: list[Result]) -> list[str]:
    """Markdown rows for one case: each contender, its speedup over redis-py + hiredis and its
    wall and server CPU as multiples of the raw loop's (when those contenders ran)."""
    hiredis = next((r for r in results if r.label.startswith("redis-py + hiredis")), None)
    raw = next((r for r in results if r.label.startswith("raw loop")), None)
    rows = []
    for r in results:
        versus = f"{hiredis.wall / r.wall:.1f}x" if hiredis else ""
        raw_wall = f"{r.wall / raw.wall:.2f}" if raw else ""
        raw_cpu = f"{r.cpu / raw.cpu:.2f}" if raw else ""
        rows.append(f"| {size} | {r.label} | {r.wall * 1e3:.1f} | {r.cpu * 1e3:.1f} | {r.wall / r.cpu:.2f} | "
                    f"{r.socket_reads:,.0f} / {r.socket_writes:,.0f} | {versus} | {raw_wall} | {raw_cpu} |")
    return rows


def comparison_table_start(size_column: str, repeat: int) -> list[str]:
    """The machine and versions line and the header of a comparison table."""
    import polars as pl

    return [f"Machine: {machine_description()}; Polars {pl.__version__}; {baseline_versions()}; server and "
            f"client on the same host; medians of {repeat} interleaved runs.", "",
            *table_start(size_column, *COMPARISON_COLUMNS)[2:]]
