"""What `polars-redis export` leaves behind, run as a user runs it (a subprocess): the output file
is replaced whole or not at all, nothing matching is a warning with exit code 3, --select,
--limit and --ignore-errors act as in Python, and stderr carries a summary and log-friendly
progress lines. Files are checked with Polars, Redis contents with redis-py."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
import redis
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import polars_redis as pr
from conftest import STATE_DEADLINE, command_calls, load_hashes
from debian_redis import DebianRedis
from polars_redis.__main__ import main
from process_state import all_threads_sleeping

SCHEMA = "name=String,age=Int64"
USERS = {f"user:{i}": {"name": f"n{i}", "age": str(20 + i % 50)} for i in range(300)}
EXIT_EMPTY = 3  # documented in docs/cli.md


def _cli_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(Path(pr.__file__).parent.parent)}  # the package with _core


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "polars_redis", *args], env=_cli_env(), capture_output=True,
                          text=True, timeout=STATE_DEADLINE, check=False)


def _users(predicate: pl.Expr | None = None) -> pl.DataFrame:
    df = pl.DataFrame({"_key": list(USERS), "name": [v["name"] for v in USERS.values()],
                       "age": [int(v["age"]) for v in USERS.values()]})
    return (df.filter(predicate) if predicate is not None else df).sort("_key")


def _listing(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in directory.iterdir()}


def test_nothing_matching_warns_exits_3_and_keeps_the_file(r: redis.Redis, url: str, tmp_path: Path) -> None:
    load_hashes(r, USERS)
    out = tmp_path / "users.parquet"
    out.write_bytes(b"yesterday's export")
    for extra, why in (([], "no hash key matches --pattern 'nobody:*'"),
                       (["--schema", SCHEMA], "no hash key matches --pattern 'nobody:*'")):
        done = run_cli("export", url, "--pattern", "nobody:*", *extra, "-o", str(out))
        assert done.returncode == EXIT_EMPTY, done.stderr
        assert done.stderr == f"polars-redis: warning: {why}; {out} was not written (--allow-empty writes an empty file)\n"
        assert _listing(tmp_path) == {"users.parquet": b"yesterday's export"}
    filtered = run_cli("export", url, "--pattern", "user:*", "--schema", SCHEMA, "--where", "age > 1000", "-o", str(out))
    assert filtered.returncode == EXIT_EMPTY
    assert "300 hash keys match --pattern 'user:*' but no row passed --where" in filtered.stderr
    assert _listing(tmp_path) == {"users.parquet": b"yesterday's export"}
    allowed = run_cli("export", url, "--pattern", "nobody:*", "--schema", SCHEMA, "--allow-empty", "-o", str(out))
    assert allowed.returncode == 0, allowed.stderr
    empty = pl.read_parquet(out)
    assert empty.height == 0 and empty.schema == pl.Schema({"_key": pl.String, "name": pl.String, "age": pl.Int64})
    assert allowed.stderr.startswith(f"exported 0 rows (0 keys scanned) to {out} ")
    nothing = run_cli("infer", url, "--pattern", "nobody:*")
    assert nothing.returncode == EXIT_EMPTY and nothing.stdout == ""
    assert nothing.stderr == ("polars-redis: warning: no hash key matches --pattern 'nobody:*': "
                              "there is nothing to infer a schema from\n")
    r.set("s:1", "not a hash")
    assert run_cli("infer", url, "--pattern", "s:*").returncode == EXIT_EMPTY  # keys, but none a hash


def test_select_limit_and_ignore_errors_act_as_in_python(r: redis.Redis, url: str, tmp_path: Path) -> None:
    load_hashes(r, USERS)
    out = tmp_path / "u.parquet"
    r.config_resetstat()
    done = run_cli("export", url, "--pattern", "user:*", "--schema", SCHEMA + ",city=String", "--select", "_key,name",
                   "--where", "age > 60", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert pl.read_parquet(out).sort("_key").equals(_users(pl.col("age") > 60).select("_key", "name"))
    # The projection reached the server: only the fields needed (name, and age for the filter),
    # by name rather than the whole hash.
    assert command_calls(r, "hmget") == len(USERS) and command_calls(r, "hgetall") == 0
    r.config_resetstat()
    limited = run_cli("export", url, "--pattern", "user:*", "--schema", SCHEMA, "--limit", "7", "-o", str(out))
    assert limited.returncode == 0, limited.stderr
    head = pl.read_parquet(out)
    assert head.height == 7 and head.join(_users(), on=head.columns, how="anti").height == 0
    assert command_calls(r, "hgetall") + command_calls(r, "hmget") < len(USERS)  # the scan stopped early
    filtered = run_cli("export", url, "--pattern", "user:*", "--schema", SCHEMA, "--where", "age >= 65",
                       "--limit", "20", "-o", str(out))
    assert filtered.returncode == 0, filtered.stderr
    rows = pl.read_parquet(out)
    assert rows.height == 20 and rows.join(_users(pl.col("age") >= 65), on=rows.columns, how="anti").height == 0
    r.hset("user:bad", mapping={"name": "x", "age": "not a number"})
    strict = run_cli("export", url, "--pattern", "user:*", "--schema", SCHEMA, "-o", str(out))
    assert strict.returncode == 1 and "user:bad" in strict.stderr and "not a number" in strict.stderr
    lenient = run_cli("export", url, "--pattern", "user:*", "--schema", SCHEMA, "--ignore-errors", "-o", str(out))
    assert lenient.returncode == 0, lenient.stderr
    df = pl.read_parquet(out)
    assert df.filter(pl.col("_key") == "user:bad").rows() == [("user:bad", "x", None)]
    assert df.filter(pl.col("_key") != "user:bad").sort("_key").equals(_users())
    for argv, message in ((["--select", "name,nope"], "--select: no column 'nope' (columns: _key, name, age)"),
                          (["--limit", "0"], "--limit must be at least 1, got 0")):
        bad = run_cli("export", url, "--pattern", "user:*", "--schema", SCHEMA, *argv, "-o", str(out))
        assert bad.returncode == 1 and bad.stderr == f"polars-redis: error: {message}\n"


@pytest.fixture()
def numbered(r: redis.Redis) -> Iterator[list[str]]:
    """2,500 hashes (three batches of the scan), in the order SCAN returns them."""
    load_hashes(r, {f"n:{i}": {"name": f"n{i}", "age": str(i)} for i in range(2500)})
    yield [key.decode() for key in r.scan_iter("n:*", count=1000)]


@example(fmt="csv", failure="unwritable", existing=b"old")  # every kind of failure, whatever is drawn
@example(fmt="parquet", failure=2499, existing=b"old")  # the last key: after two full batches
@example(fmt="ndjson", failure="unwritable", existing=None)
@example(fmt="ipc", failure=None, existing=b"old")
@settings(max_examples=6, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fmt=st.sampled_from(["parquet", "csv", "ndjson", "ipc"]),
       failure=st.one_of(st.none(), st.integers(0, 2499), st.just("unwritable")),
       existing=st.one_of(st.none(), st.binary(max_size=64)))
def test_an_export_replaces_the_file_whole_or_not_at_all(r: redis.Redis, url: str, tmp_path_factory: pytest.TempPathFactory,
                                                         numbered: list[str], fmt: str, failure: int | str | None,
                                                         existing: bytes | None) -> None:
    """A failure at any point (a value that does not parse at the k-th key scanned, so after
    0, 1 or 2 batches were written; a column the format cannot hold) leaves an existing file
    byte for byte and its directory as it was; success replaces the file, keeping its mode."""
    directory = tmp_path_factory.mktemp("out")
    out = directory / f"numbers.{fmt}"
    if existing is not None:
        out.write_bytes(existing)
        out.chmod(0o640)
    before = _listing(directory)
    schema = SCHEMA
    if isinstance(failure, int):
        r.hset(numbered[failure], "age", "oops")
    elif failure == "unwritable":  # CSV cannot hold a list; the others get an unparsable one
        schema += ",tags=List(Int64)"
        r.hset(numbered[0], "tags", "[1, 2]" if fmt == "csv" else "[1, 'two']")
    try:
        done = run_cli("export", url, "--pattern", "n:*", "--schema", schema, "--format", fmt, "-o", str(out))
    finally:
        if isinstance(failure, int):
            r.hset(numbered[failure], "age", numbered[failure].removeprefix("n:"))
        elif failure == "unwritable":
            r.hdel(numbered[0], "tags")
    if failure is not None:
        assert done.returncode == 1, done.stderr
        assert done.stderr.startswith("polars-redis: error: ") and done.stderr.count("\n") == 1, done.stderr
        assert _listing(directory) == before
        return
    assert done.returncode == 0, done.stderr
    assert [path.name for path in directory.iterdir()] == [out.name]
    readers = {"parquet": pl.read_parquet, "csv": pl.read_csv, "ndjson": pl.read_ndjson, "ipc": pl.read_ipc}
    df = readers[fmt](out)
    assert sorted(df["_key"].to_list()) == sorted(numbered)
    assert (df["age"] == df["_key"].str.strip_prefix("n:").cast(pl.Int64)).all()
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == (0o640 if existing is not None else 0o666 & ~umask)


def test_ctrl_c_mid_export_keeps_the_old_file_and_no_temp_file(tmp_path: Path) -> None:
    """Ctrl-C while the server stalls mid-export (the temp file half written): exit 130, the old
    file intact, no temp file. (Polars' own SIGINT handler and ours once called each other
    until the stack overflowed: a SIGSEGV that left the temp file behind.)"""
    server = DebianRedis(tmp_path)
    try:
        server.wait_until_listening(server.port)
        load_hashes(redis.Redis(port=server.port), {f"h:{i}": {"a": "x" * 20, "n": str(i)} for i in range(100_000)})
        out_dir = tmp_path / "out"
        out_dir.mkdir()
        out = out_dir / "h.parquet"
        out.write_bytes(b"the previous export")
        child = subprocess.Popen(
            [sys.executable, "-m", "polars_redis", "export", f"redis://127.0.0.1:{server.port}/0", "--pattern", "h:*",
             "--schema", "a=String,n=Int64", "--progress", "--progress-interval", "0", "-o", str(out)],
            env=_cli_env(), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        assert child.stderr is not None
        first = child.stderr.readline()  # a batch is through: the temp file is being written
        os.kill(server.process.pid, signal.SIGSTOP)
        try:
            assert first.startswith("export: "), first + child.stderr.read()
            deadline = time.monotonic() + STATE_DEADLINE
            while not all_threads_sleeping(child.pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            partial = [path.name for path in out_dir.iterdir() if path.name != out.name]
            assert len(partial) == 1 and partial[0].startswith(".h.parquet.") and partial[0].endswith(".partial")
            child.send_signal(signal.SIGINT)
            _, err = child.communicate(timeout=STATE_DEADLINE)
        finally:
            os.kill(server.process.pid, signal.SIGCONT)
        assert child.returncode == 130, f"{child.returncode}: {err}"
        assert err.rstrip("\n").splitlines()[-1] == "polars-redis: interrupted"
        assert _listing(out_dir) == {"h.parquet": b"the previous export"}
    finally:
        server.stop()


def test_progress_counts_keys_scanned_not_rows_kept(r: redis.Redis, url: str, tmp_path: Path) -> None:
    """A filter drops rows, not keys: the percentage follows the keys scanned (so it does not
    stall at the filter's share), and each line is a whole line (no carriage return)."""
    load_hashes(r, {f"n:{i}": {"age": str(i)} for i in range(2500)})
    out = tmp_path / "old.csv"
    done = run_cli("export", url, "--pattern", "n:*", "--schema", "age=Int64", "--where", "age >= 2000",
                   "--progress", "--progress-interval", "0", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "\r" not in done.stderr
    *lines, summary = done.stderr.splitlines()
    pattern = re.compile(r"export: ([\d,]+) keys scanned, ([\d,]+) rows written, [\d,]+ keys/s"
                         r"(?:, (\d+)% of 2,500 keys in the database, ETA \d+:\d\d)?")
    counts = []
    for line in lines:
        match = pattern.fullmatch(line)
        assert match, line
        keys, rows = (int(match[i].replace(",", "")) for i in (1, 2))
        if keys < 2500:
            assert match[3] is not None and int(match[3]) == round(100 * keys / 2500), line
        counts.append((keys, rows))
    assert counts == sorted(counts) and counts[-1] == (2500, 500)
    assert any(keys < 2500 for keys, _ in counts)  # the scan came in more than one batch
    assert summary.startswith(f"exported 500 rows (2,500 keys scanned) to {out} ({out.stat().st_size:,} bytes) in ")
    quiet = run_cli("export", url, "--pattern", "n:*", "--schema", "age=Int64", "--quiet", "-o", str(out))
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_collections_count_keys_not_members(r: redis.Redis, url: str, tmp_path: Path) -> None:
    pipe = r.pipeline(transaction=False)
    for i in range(1500):
        pipe.sadd(f"s:{i}", *[f"m{j}" for j in range(i % 4 + 1)])
    pipe.execute()
    out = tmp_path / "sets.parquet"
    done = run_cli("export", url, "--pattern", "s:*", "--type", "set", "-o", str(out))
    assert done.returncode == 0, done.stderr
    members = sum(i % 4 + 1 for i in range(1500))
    assert pl.read_parquet(out).height == members
    assert done.stderr.startswith(f"exported {members:,} rows (1,500 keys scanned) to ")
    without_keys = run_cli("export", url, "--pattern", "s:*", "--type", "set", "--select", "member", "-o", str(out))
    assert without_keys.stderr.startswith(f"exported {members:,} rows to ")  # keys not counted, not guessed


def test_help_works_for_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    top = run_cli("--help")
    assert top.returncode == 0 and "usage: polars-redis" in top.stdout
    commands = ["demo", "server", "export", "import", "infer", "explain"]
    assert all(command in top.stdout for command in commands)
    for command in commands:
        with pytest.raises(SystemExit) as exited:
            main([command, "--help"])
        assert exited.value.code == 0, command
        assert f"usage: polars-redis {command}" in capsys.readouterr().out
    main_help = run_cli("export", "--help").stdout
    for flag in ("--select", "--limit", "--ignore-errors", "--allow-empty", "--progress-interval", "--quiet"):
        assert flag in main_help, flag
