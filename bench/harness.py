"""The benchmark harness: timed runs with the server's own CPU time as the floor, medians of
repeated (or interleaved) runs, and the Markdown tables the results are printed as."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import redis

from common import FloorOnly, baseline_versions, raw_loop

# --- What the server spent: INFO's used_cpu_* (and its socket reads / writes) ------------------


def server_cpu_seconds(client: redis.Redis) -> float:
    info = client.info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def server_stats(client: redis.Redis) -> tuple[float, int, int]:
    """Server CPU seconds and the socket reads / writes it has processed so far."""
    info = client.info()
    return (float(info["used_cpu_user"]) + float(info["used_cpu_sys"]),
            int(info["total_reads_processed"]), int(info["total_writes_processed"]))


# --- Timed runs -----------------------------------------------------------------------------------


def timed_runs(clients: list[redis.Redis], work: Callable[[], Any], repeat: int,
               setup: Callable[[], Any] | None = None) -> tuple[list[float], list[list[float]], Any]:
    """The wall seconds of each of `repeat` runs of `work`, the server CPU seconds each run cost
    each client's server, and the last result; `setup` runs before each run, outside the timing."""
    walls: list[float] = []
    cpus: list[list[float]] = []
    result = None
    for _ in range(repeat):
        if setup is not None:
            setup()
        before = [server_cpu_seconds(c) for c in clients]
        start = time.perf_counter()
        result = work()
        walls.append(time.perf_counter() - start)
        cpus.append([server_cpu_seconds(c) - b for c, b in zip(clients, before)])
    return walls, cpus, result


def measure(
    client: redis.Redis, work: Callable[[], Any], repeat: int = 3, setup: Callable[[], Any] | None = None
) -> tuple[float, float, Any]:
    """Median wall seconds and median server CPU seconds of `work` over `repeat` runs; `setup`
    runs before each one, outside the measurement."""
    walls, cpus, result = timed_runs([client], work, repeat, setup)
    return statistics.median(walls), statistics.median(cpu for cpu, in cpus), result


def measure_per_server(clients: list[redis.Redis], work: Callable[[], Any],
                       repeat: int) -> tuple[float, list[float], Any]:
    """Median wall seconds and the median server CPU seconds per client of `work`."""
    walls, cpus, result = timed_runs(clients, work, repeat)
    return statistics.median(walls), [statistics.median(column) for column in zip(*cpus)], result


def repeat_for(n: int, repeat: int) -> int:
    """One run fewer above 100K keys: the slow baselines would otherwise dominate the run time."""
    return repeat if n <= 100_000 else max(1, repeat - 1)


def _median_of(samples: str) -> property:
    return property(lambda self: statistics.median(getattr(self, samples)))


class Result:
    """One contender's medians: wall and server CPU seconds, server socket reads and writes."""

    wall = _median_of("walls")
    cpu = _median_of("cpus")
    socket_reads = _median_of("reads")
    socket_writes = _median_of("writes")

    def __init__(self, label: str) -> None:
        self.label = label
        self.walls: list[float] = []
        self.cpus: list[float] = []
        self.reads: list[int] = []
        self.writes: list[int] = []
        self.value: Any = None


# A second run of the raw loop in every round, reported beside it: its ratios to the raw loop show
# how far the same work moves between two runs of one round on this host (the noise floor).
CONTROL_LABEL = "control: the raw loop again"


def runs_raw_loop(label: str) -> bool:
    return label.startswith(("raw loop", CONTROL_LABEL))


def measure_interleaved(client: redis.Redis, contenders: list[tuple[str, Callable[[], Any]]], repeat: int = 3,
                        setup: Callable[[], Any] | None = None, control: bool = False) -> list[Result]:
    """Runs every contender once per round, `repeat` rounds (so a slow spell of the shared machine
    hits all of them), and keeps medians. A contender whose label starts with "raw loop" reports
    the wall time the loop measured itself.

    Within a round, polars-redis and the raw loop run back to back, first one then the other in
    turn, before the slower baselines: the host's speed drifts over seconds, and the per-round
    ratios to the raw loop (paired_ratio) then compare runs made under the same conditions.
    With `control` and a raw loop, the first one runs a second time in every round as the control
    (CONTROL_LABEL): on the other side of the raw loop from polars-redis, so both are its
    neighbours in turn. With slower contenders too, every round starts with a run of the raw loop
    that is not counted: whoever ran first after the peers cost the server more (with the peers,
    the control, first in every other round, had medians of 0.99-1.14, 1.04 on average; without
    them 0.92-1.03, 0.99 on average). With --floor-only (FloorOnly), a comparison with a raw
    loop leaves out everyone else."""
    first_raw = next((c for c in contenders if c[0].startswith("raw loop")), None)
    if first_raw is not None:
        if FloorOnly.enabled:
            contenders = [c for c in contenders if c[0].startswith(("polars-redis", "raw loop"))]
        if control:
            contenders = [*contenders, (CONTROL_LABEL, first_raw[1])]
    results = [Result(label) for label, _ in contenders]
    ours = [i for i, (label, _) in enumerate(contenders) if label.startswith("polars-redis")]
    raws = [i for i, (label, _) in enumerate(contenders) if label.startswith("raw loop")]
    controls = [i for i, (label, _) in enumerate(contenders) if label == CONTROL_LABEL]
    rest = [i for i in range(len(contenders)) if i not in ours + raws + controls]
    settle = first_raw[1] if first_raw is not None and rest else None
    for round_number in range(repeat):
        if settle is not None:
            settle()
        order = (ours + raws + controls if round_number % 2 == 0 else controls + raws + ours) + rest
        for result, (label, work) in ((results[i], contenders[i]) for i in order):
            if setup is not None:
                setup()
            cpu0, reads0, writes0 = server_stats(client)
            start = time.perf_counter()
            result.value = work()
            wall = time.perf_counter() - start
            cpu1, reads1, writes1 = server_stats(client)
            result.walls.append(raw_loop.last_wall if runs_raw_loop(label) else wall)  # type: ignore[attr-defined]
            result.cpus.append(cpu1 - cpu0)
            # The INFO call itself is one read and one write.
            result.reads.append(reads1 - reads0 - 1)
            result.writes.append(writes1 - writes0 - 1)
    return results


# --- Tables ---------------------------------------------------------------------------------------


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


def redis_py_label() -> str:
    """How redis-py parses replies in this interpreter: a baseline row says which it ran."""
    try:
        import hiredis
    except ImportError:
        return "redis-py (no hiredis)"
    return f"redis-py + hiredis {hiredis.__version__}"


def table_start(*columns: str, note: str = "") -> list[str]:
    """The machine line (`note` continues it) and the header of a Markdown table whose first
    column is right-aligned (a size) and the second left-aligned (a label), the rest numbers."""
    align = ["---:", "---"] + ["---:"] * (len(columns) - 2)
    return [f"Machine: {machine_description()}{note}", "", "| " + " | ".join(columns) + " |",
            "|" + "|".join(align) + "|"]


def versus_redis_py_table(size_column: str, note: str, reader: str = "reader") -> list[str]:
    """The start of a table of comparison_rows() lines."""
    return table_start(size_column, reader, "wall ms", "server CPU ms", "wall / server CPU", "vs redis-py",
                       note=note)


def reader_row(n: int, reader: str, wall: float, cpu: float, versus: str, *, digits: int = 1,
               client_cpu: float | None = None) -> str:
    """One row of a comparison_rows() table (`client_cpu`, in ms, adds its column after the server's)."""
    client = "" if client_cpu is None else f" {client_cpu:.1f} |"
    return (f"| {n:,} | {reader} | {wall * 1e3:.{digits}f} | {cpu * 1e3:.{digits}f} |{client} {wall / cpu:.2f} | "
            f"{versus} |")


def comparison_rows(n: int, label: str, wall: float, cpu: float, base_wall: float, base_cpu: float,
                    base_label: str | None = None) -> list[str]:
    """Our row and the baseline's (under `base_label`, or the same label), for the tables in
    bench/RESULTS.md."""
    return [reader_row(n, f"polars-redis, {label}", wall, cpu, f"{base_wall / wall:.1f}x faster"),
            reader_row(n, f"redis-py, {base_label or label}", base_wall, base_cpu, "1.0x")]


COMPARISON_COLUMNS = ("reader", "wall ms", "server CPU ms", "wall / server CPU", "server reads / writes",
                      "vs redis-py + hiredis", "wall / raw loop", "server CPU / raw loop")


def paired_ratio(samples: list[float], base: list[float]) -> str:
    """The median over rounds of one contender's sample divided by the baseline's of the same
    round (measure_interleaved runs them in the same rounds); from 5 rounds on, with the
    quartiles of those ratios, since this shared host's speed alone moves one round by 10-25%."""
    ratios = [sample / base_sample for sample, base_sample in zip(samples, base, strict=True)]
    median = f"{statistics.median(ratios):.2f}"
    if len(ratios) < 5 or samples is base:
        return median
    lower, _, upper = statistics.quantiles(ratios, n=4, method="inclusive")
    return f"{median} ({lower:.2f}-{upper:.2f})"


def comparison_table_rows(size: str, results: list[Result]) -> list[str]:
    """Markdown rows for one case: each contender, its speedup over redis-py + hiredis and its
    wall and server CPU as multiples of the raw loop's (when those contenders ran), as medians of
    the per-round ratios."""
    hiredis = next((r for r in results if r.label.startswith("redis-py + hiredis")), None)
    raw = next((r for r in results if r.label.startswith("raw loop")), None)
    rows = []
    for r in results:
        versus = f"{hiredis.wall / r.wall:.1f}x" if hiredis else ""
        raw_wall = paired_ratio(r.walls, raw.walls) if raw else ""
        raw_cpu = paired_ratio(r.cpus, raw.cpus) if raw else ""
        rows.append(f"| {size} | {r.label} | {r.wall * 1e3:.1f} | {r.cpu * 1e3:.1f} | {r.wall / r.cpu:.2f} | "
                    f"{r.socket_reads:,.0f} / {r.socket_writes:,.0f} | {versus} | {raw_wall} | {raw_cpu} |")
    return rows


def compared_rows(client: redis.Redis, size: str, contenders: list[tuple[str, Callable[[], Any]]], repeat: int,
                  rows: int, comparable: Callable[[Any], Any], raw_loop_rows: int | None = None) -> list[str]:
    """The contenders measured interleaved, checked (every frame has `rows` rows and, made
    `comparable`, equals the first one; the raw loop, when it ran, counted `raw_loop_rows`, by
    default `rows`), as table rows, which are printed as they come."""
    results = measure_interleaved(client, contenders, repeat, control=True)
    first = comparable(results[0].value)
    for result in results:
        if runs_raw_loop(result.label):
            assert result.value == (rows if raw_loop_rows is None else raw_loop_rows), result.value
        else:
            assert result.value.height == rows, (size, result.label, result.value.height)
            assert comparable(result.value).equals(first), (size, result.label)
    table = comparison_table_rows(size, results)
    print("\n".join(table), flush=True)
    return table


def comparison_table_start(size_column: str, repeat: int) -> list[str]:
    """The machine and versions line and the header of a comparison table."""
    import polars as pl

    return [f"Machine: {machine_description()}; Polars {pl.__version__}; {baseline_versions()}; server and "
            f"client on the same host; medians of {repeat} interleaved runs; the raw-loop ratios are "
            f"medians (and quartiles) of the per-round ratios; the control row runs the raw loop a second time in "
            f"the same rounds, so its ratios show how far identical work moves (the noise floor)"
            f"{'; only polars-redis and the raw loop ran (--floor-only)' if FloorOnly.enabled else ''}.", "",
            *table_start(size_column, *COMPARISON_COLUMNS)[2:]]


def publish(lines: list[str], markdown: "Path | None") -> None:
    """Print the finished table and, when asked, write it to a Markdown file."""
    table = "\n".join(lines)
    print(table)
    if markdown:
        markdown.write_text(table + "\n")
