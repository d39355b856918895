"""The process stays in the user's control: Ctrl-C ends a read, write or sink blocked on a stalled
server (leaving no thread or connection behind), a program exits cleanly while another thread is
inside a read, and connect_timeout bounds the whole handshake."""

from __future__ import annotations

import ast
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
import redis

import polars_redis as pr
from debian_redis import DebianRedis
from process_state import all_threads_sleeping

CHILD = r"""
import os, sys, threading, time
import polars as pl
import polars_redis as pr

url, mode = sys.argv[1], sys.argv[2]
schema = {"a": pl.String, "n": pl.Int64}
frame = pl.DataFrame({"k": [f"w:{i}" for i in range(50_000)], "v": ["x" * 100] * 50_000})

def work():
    if mode == "read":
        pr.read_hashes(url, "h:*", schema, batch_size=100)
    elif mode == "sink":
        pr.scan_hashes(url, "h:*", schema, batch_size=100).sink_parquet(sys.argv[3])
    else:
        pr.write_hashes(frame, url, key_column="k")

def tasks():
    return len(os.listdir("/proc/self/task"))

def sockets():
    links = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            links.append(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:  # the descriptor listdir itself used
            pass
    return sum(link.startswith("socket:") for link in links)

work()  # warms Polars' threads and leaves a pooled connection
if mode == "exit":
    threading.Thread(target=lambda: pr.read_hashes(url, "h:*", schema), daemon=True).start()
print("warm", flush=True)
sys.stdin.readline()  # the parent has stopped the server
if mode == "exit":
    threading.Thread(target=work, daemon=True).start()
    threading.Thread(target=lambda: pr.scan_hashes(url, "h:*", schema).collect(), daemon=True).start()
    print("reading", flush=True)
    time.sleep(0.5)
    sys.exit(0)
before = (tasks(), sockets())
print("reading", flush=True)
outcome = None
try:
    try:
        work()
        outcome = "finished without interruption"
    except (KeyboardInterrupt, pl.exceptions.ComputeError) as exc:
        outcome = exc
    time.sleep(0.3)
except KeyboardInterrupt:
    pass  # Polars 2.x raises a second KeyboardInterrupt for the same Ctrl-C
# Polars 1.x wraps an exception raised in a lazy source (the sink) in a ComputeError.
interrupted = isinstance(outcome, KeyboardInterrupt) or "KeyboardInterrupt" in str(outcome)
# The call's threads are joined already: nothing may be left running or connected.
print(repr((interrupted, repr(outcome), (tasks(), sockets()), before, threading.active_count())), flush=True)
"""


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[DebianRedis]:
    instance = DebianRedis(tmp_path)
    instance.wait_until_listening(instance.port)
    client = redis.Redis(port=instance.port)
    pipe = client.pipeline(transaction=False)
    for i in range(5000):
        pipe.hset(f"h:{i}", mapping={"a": "x" * 20, "n": str(i)})
    pipe.execute()
    yield instance
    os.kill(instance.process.pid, signal.SIGCONT)
    instance.stop()


def _start_child(server: DebianRedis, mode: str, tmp_path: Path) -> subprocess.Popen[str]:
    url = f"redis://127.0.0.1:{server.port}/0"  # default timeouts: 10 s connect, 60 s per read
    child = subprocess.Popen([sys.executable, "-c", CHILD, url, mode, str(tmp_path / "out.parquet")],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdin is not None
    line = child.stdout.readline()
    assert line == "warm\n", line + child.communicate(timeout=60)[1]
    os.kill(server.process.pid, signal.SIGSTOP)
    child.stdin.write("go\n")
    child.stdin.flush()
    line = child.stdout.readline()
    assert line == "reading\n", line + child.communicate(timeout=60)[1]
    return child


@pytest.mark.parametrize("mode", ["read", "sink", "write"])
def test_ctrl_c_ends_a_call_on_a_stalled_server(server: DebianRedis, tmp_path: Path, mode: str) -> None:
    child = _start_child(server, mode, tmp_path)
    deadline = time.monotonic() + 30
    while not all_threads_sleeping(child.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # well inside the call: its first socket wait has begun
    child.send_signal(signal.SIGINT)
    # Without cancellation the call would wait for the 60 s socket timeout.
    out, err = child.communicate(timeout=40)
    assert out.startswith("("), out + err
    interrupted, outcome, after, before, python_threads = ast.literal_eval(out)
    assert interrupted, outcome
    assert after[0] <= before[0] and after[1] <= before[1], out  # no thread, no socket left
    assert python_threads == 1
    assert "terminate called" not in err


def test_exit_while_other_threads_wait_on_a_stalled_server_is_clean(server: DebianRedis, tmp_path: Path) -> None:
    child = _start_child(server, "exit", tmp_path)
    out, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    assert "terminate called" not in err and "Fatal Python error" not in err, err


BUSY_CHILD = r"""
import sys, threading, time
import polars as pl
import polars_redis as pr

url = sys.argv[1]
schema = {"a": pl.String, "n": pl.Int64}
frame = pl.DataFrame({"k": [f"w:{i}" for i in range(20_000)], "v": ["x" * 100] * 20_000})
calls = [lambda: pr.read_hashes(url, "h:*", schema, batch_size=100),
         lambda: pr.scan_hashes(url, "h:*", schema, batch_size=100).collect(),
         lambda: pr.write_hashes(frame, url, key_column="k")]
for call in calls:
    threading.Thread(target=lambda call=call: [call() for _ in iter(int, 1)], daemon=True).start()
time.sleep(float(sys.argv[2]))
"""


def test_exit_while_other_threads_read_and_write_is_clean(server: DebianRedis) -> None:
    # Threads re-taking the GIL while the interpreter finalizes used to end in std::terminate;
    # exiting at a few points of the calls' progress catches most of the windows.
    for delay in ("0.3", "0.5", "0.8"):
        child = subprocess.run([sys.executable, "-c", BUSY_CHILD, f"redis://127.0.0.1:{server.port}/0", delay],
                               capture_output=True, text=True, timeout=120, check=False)
        assert child.returncode == 0, child.stderr
        assert "terminate called" not in child.stderr and "Fatal Python error" not in child.stderr


def test_connect_timeout_bounds_the_whole_handshake() -> None:
    """A peer that accepts and never answers HELLO: connect_timeout ends it, not socket_timeout."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)  # never accepted: the kernel completes the TCP handshake alone
    port = listener.getsockname()[1]
    try:
        started = time.monotonic()
        with pytest.raises(pr.RedisTimeoutError, match=f"connecting to 127.0.0.1:{port} timed out after 1000 ms"):
            pr.read_hashes(f"redis://127.0.0.1:{port}/0?connect_timeout=1&socket_timeout=600", "*", {"a": pl.String})
        assert time.monotonic() - started < 300  # far below the 600 s socket timeout
    finally:
        listener.close()


def test_every_blocking_binding_releases_the_gil_through_released_gil() -> None:
    """nb::gil_scoped_release would neither arm Ctrl-C nor survive re-taking the GIL at exit."""
    bindings = Path(__file__).resolve().parents[2] / "cpp" / "bindings"
    plain = [f"{path.name}:{n}" for path in sorted(bindings.glob("*.cpp"))
             for n, line in enumerate(path.read_text().splitlines(), 1) if "gil_scoped_release" in line]
    assert plain == []
