"""Snapshot reads vs the SCAN path, with the server's main-thread CPU, its children's CPU (the
fork that writes the RDB) and the GET latency another client sees meanwhile.

Starts Debian's redis-server (--repl-diskless-sync-delay 0, no persistence), loads N hashes x 10
fields with a server-side script, then times in the same run:
  read_hashes (SCAN + pipelined HGETALL),
  read_hashes(snapshot=True) (a replication full resync, diskless),
  read_rdb on the file SAVE wrote (no server involved),
  redis-py + hiredis and valkey-glide (sync) reading the same keys the way a user gets the same
  frame without polars-redis: SCAN COUNT 1000, each round's HGETALLs pipelined (a Batch for
  glide), pl.DataFrame with the schema (bench_hashes.py's baselines),
  a bare drain of the same full resync (a socket that reads the RDB and discards it, no decoding):
  what the server's side of a snapshot costs whatever the client does with the bytes,
and for each: wall time, main-thread CPU (used_cpu_*_main_thread), children CPU
(used_cpu_*_children) measured alone, then in a second run the p50/p99 latency of GETs a separate
process sends throughout (next to the same probe's figures on the idle server). Every frame is
checked equal to read_hashes's.

With --pin (a machine of two or more cores) the server's main thread runs on CPU 0 with the
probe, and its fork, its background threads and this process (run it as
`taskset -c 1 python bench/bench_snapshots.py --pin`) on CPU 1: the probe then sees what the main
thread does, not the contention of three busy processes on two cores.

Usage: python bench/bench_snapshots.py [--sizes 1000000] [--pin] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import socket
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl
import redis

import polars_redis as pr

sys.path.insert(0, str(Path(__file__).parent))
from bench_hashes import glide_read, redis_py_read  # noqa: E402
from common import baseline_versions, debian_redis, glide_client, hiredis_client  # noqa: E402
from harness import publish, redis_py_label, table_start  # noqa: E402

SCHEMA = {
    "f0": pl.String, "f1": pl.Int64, "f2": pl.Float64, "f3": pl.String, "f4": pl.Int64,
    "f5": pl.Boolean, "f6": pl.String, "f7": pl.Float64, "f8": pl.Int64, "f9": pl.String,
}
FIELDS = list(SCHEMA)
# Creates hashes bench:<from> .. bench:<to - 1> with the same 10 fields as bench_hashes.py.
LOAD_SCRIPT = """
for i = tonumber(ARGV[1]), tonumber(ARGV[2]) - 1 do
  redis.call('HSET', 'bench:' .. i, 'f0', 'name-' .. i, 'f1', i, 'f2', i * 0.5, 'f3', 'city-' .. (i % 100),
             'f4', i % 1000, 'f5', (i % 2 == 1) and 'true' or 'false', 'f6', 'user' .. i .. '@example.com',
             'f7', i / 7, 'f8', -i, 'f9', 'some longer text value for the benchmark')
end
"""


def cpu(client: redis.Redis) -> tuple[float, float]:
    """(main thread, children) CPU seconds so far."""
    info = client.info("cpu")
    main = float(info["used_cpu_user_main_thread"]) + float(info["used_cpu_sys_main_thread"])
    children = float(info["used_cpu_user_children"]) + float(info["used_cpu_sys_children"])
    return main, children


DRAIN = "PSYNC, bytes drained only (no decoding)"

# With --pin: the CPU of the server's main thread and the probe; everything else runs on the next one.
MAIN_CPU = 0


def probe(port: int, stop: multiprocessing.Event, out: multiprocessing.Queue, pin: bool) -> None:
    """Another client: GETs back to back until told to stop; hands over the latencies (ms)."""
    if pin:
        os.sched_setaffinity(0, {MAIN_CPU})
    client = redis.Redis(port=port)
    client.set("probe", "x")
    latencies = []
    while not stop.is_set():
        start = time.perf_counter()
        client.get("probe")
        latencies.append((time.perf_counter() - start) * 1e3)
    out.put(latencies)


def with_probe(port: int, work: Callable[[], object], pin: bool) -> tuple[float, list[float]]:
    stop, out = multiprocessing.Event(), multiprocessing.Queue()
    process = multiprocessing.Process(target=probe, args=(port, stop, out, pin))
    process.start()
    time.sleep(0.3)  # the probe is connected and running
    start = time.perf_counter()
    work()
    wall = time.perf_counter() - start
    stop.set()
    latencies = out.get()
    process.join()
    return wall, latencies


def percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=1000)[int(p * 10) - 1] if len(values) > 10 else float("nan")


def drain_full_resync(port: int) -> int:
    """Asks for a diskless full resync and reads the RDB into a buffer it keeps overwriting, as
    fast as the socket delivers; returns the bytes read."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        stream = sock.makefile("rb", buffering=0)
        sock.sendall(b"REPLCONF capa eof capa psync2\r\n")
        assert stream.readline().startswith(b"+OK")
        sock.sendall(b"PSYNC ? -1\r\n")
        assert stream.readline().startswith(b"+FULLRESYNC")
        header = b"\n"
        while header == b"\n":  # keepalive newlines while the fork starts
            header = stream.readline()
        assert header.startswith(b"$EOF:"), header  # diskless: the RDB ends with this 40-byte mark
        mark = header[5:45]
        buffer = bytearray(4 << 20)
        view = memoryview(buffer)
        tail, total = b"", 0
        while not tail.endswith(mark):
            got = sock.recv_into(buffer)
            if got == 0:
                raise ConnectionError("the server closed the full resync before its end mark")
            total += got
            tail = (tail + bytes(view[max(0, got - 40):got]))[-40:]
        return total


def wait_for_no_fork(client: redis.Redis) -> None:
    while client.info("persistence")["rdb_bgsave_in_progress"]:
        time.sleep(0.05)


def run(n: int, lines: list[str], pin: bool) -> None:
    pinning = ["--server_cpulist", str(MAIN_CPU), "--bgsave_cpulist", str(MAIN_CPU + 1),
               "--bio_cpulist", str(MAIN_CPU + 1)] if pin else []
    with debian_redis("--repl-diskless-sync-delay", "0", *pinning) as (url, port, directory):
        client = redis.Redis(port=port, socket_timeout=600)  # SAVE of 1M hashes on a loaded machine
        for start in range(0, n, 20000):
            client.eval(LOAD_SCRIPT, 0, start, min(start + 20000, n))
        client.save()
        dump = directory / "dump.rdb"

        idle_wall, idle = with_probe(port, lambda: time.sleep(3), pin)
        text_client = hiredis_client(url, decode_responses=True, socket_timeout=600)
        glide = glide_client(url)
        results, frames = [], []
        for label, work in (
            ("SCAN + HGETALL (read_hashes)", lambda: pr.read_hashes(url, "bench:*", SCHEMA)),
            ("snapshot=True (PSYNC, diskless)", lambda: pr.read_hashes(url, "bench:*", SCHEMA, snapshot=True)),
            ("read_rdb on the saved file", lambda: pr.read_rdb(dump, "bench:*", SCHEMA)),
            (f"{redis_py_label()}: SCAN + pipelined HGETALL + pl.DataFrame",
             lambda: redis_py_read(text_client, FIELDS)),
            ("valkey-glide: SCAN + Batch of HGETALL + pl.DataFrame", lambda: glide_read(glide, FIELDS)),
            (DRAIN, lambda: drain_full_resync(port)),
        ):
            # CPU and wall without the probe (its GETs cost the main thread too), then the
            # latency run with it.
            wait_for_no_fork(client)
            main0, children0 = cpu(client)
            start = time.perf_counter()
            result = work()
            wall = time.perf_counter() - start
            wait_for_no_fork(client)  # the fork's CPU is counted once it has exited
            main1, children1 = cpu(client)
            if label != DRAIN:
                assert result.height == n, (label, result)
                frames.append(result.select("_key", *FIELDS).sort("_key"))
                assert frames[-1].equals(frames[0]), label
            wait_for_no_fork(client)
            _, latencies = with_probe(port, work, pin)
            results.append((label, wall, main1 - main0, children1 - children0, latencies))
        glide.close()
        scan_wall, scan_main = results[0][1], results[0][2]
        lines.append(f"| {n:,} | idle (probe only) | {idle_wall:.2f} | | | {percentile(idle, 50):.3f} | "
                     f"{percentile(idle, 99):.3f} | |")
        for label, wall, main, children, latencies in results:
            lines.append(
                f"| {n:,} | {label} | {wall:.2f} | {main:.2f} ({100 * main / scan_main:.1f}% of SCAN) | {children:.2f} | "
                f"{percentile(latencies, 50):.3f} | {percentile(latencies, 99):.3f} | {scan_wall / wall:.2f}x |"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--pin", action="store_true", help="the server's main thread and the probe on CPU 0, "
                        "the rest on CPU 1 (run under taskset -c 1)")
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args()
    if args.pin and os.sched_getaffinity(0) != {MAIN_CPU + 1}:
        parser.error(f"--pin: run this process on CPU {MAIN_CPU + 1} only (taskset -c {MAIN_CPU + 1} python ...)")
    lines = table_start("hashes", "read", "wall s", "main-thread CPU s", "children CPU s", "GET p50 ms", "GET p99 ms",
                        "speed vs SCAN", note=f"; Polars {pl.__version__}; {baseline_versions()}")
    for n in args.sizes:
        run(n, lines, args.pin)
    publish(lines, args.markdown)


if __name__ == "__main__":
    main()
