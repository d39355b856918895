"""`polars-redis server` / `python -m polars_redis.server`, `--version`, and a warning-free
RedisStackServer: what a user meets before reading any data."""

from __future__ import annotations

import gc
import os
import re
import signal
import subprocess
import sys
import tomllib
import warnings
from pathlib import Path

import pytest
import redis

import polars_redis as pr
from polars_redis.server import RedisStackServer, _free_port

ROOT = Path(__file__).resolve().parents[2]


def _env() -> dict[str, str]:
    # The child imports the same package as this process (an installed wheel or a dev build).
    package_parent = str(Path(pr.__file__).absolute().parent.parent)  # not resolved: dev builds symlink
    return {**os.environ, "PYTHONPATH": os.pathsep.join([package_parent, os.environ.get("PYTHONPATH", "")])}


def _python(*args: str) -> list[str]:
    return [sys.executable, "-X", "dev", "-W", "error", *args]


def test_module_help_runs_without_warnings() -> None:
    done = subprocess.run(_python("-m", "polars_redis.server", "--help"), env=_env(), capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "--port" in done.stdout and "Redis Stack" in done.stdout


def test_version_flag_and_attribute_share_one_source() -> None:
    done = subprocess.run(_python("-m", "polars_redis", "--version"), env=_env(), capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"polars-redis {pr.__version__}"
    assert re.fullmatch(r"\d+\.\d+\.\d+", pr.__version__)
    # pyproject.toml reads the version from the module the package imports it from.
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" in project["project"]["dynamic"]
    source = project["tool"]["scikit-build"]["metadata"]["version"]["input"]
    assert f'__version__ = "{pr.__version__}"' in (ROOT / source).read_text()


@pytest.mark.parametrize("command", [["-m", "polars_redis", "server"], ["-m", "polars_redis.server"]])
def test_server_command_serves_until_terminated(command: list[str]) -> None:
    port = _free_port()
    process = subprocess.Popen(_python(*command, "--port", str(port)), env=_env(), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(3)]  # blocks until the server answers
        url_line = next(line for line in lines if line.startswith("URL: "))
        url = url_line.removeprefix("URL: ").strip()
        assert url.startswith("redis://:") and url.endswith(f"@127.0.0.1:{port}/0")
        assert any("Ctrl-C" in line and f"kill {process.pid}" in line for line in lines), lines
        with redis.Redis.from_url(url, decode_responses=True) as client:
            assert {"ReJSON", "search", "timeseries"} <= {m["name"] for m in client.module_list()}
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert "stopped" in out
    assert err == ""  # no warning, no traceback
    with pytest.raises(redis.ConnectionError):  # the server went with the command
        with redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=5) as gone:
            gone.ping()


def test_a_taken_port_is_one_error_line() -> None:
    with RedisStackServer() as running:
        done = subprocess.run(_python("-m", "polars_redis", "server", "--port", str(running.port)), env=_env(),
                              capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1
    assert done.stderr.startswith("polars-redis: error: Redis Stack did not start"), done.stderr
    assert "Traceback" not in done.stderr


def test_start_and_stop_leave_no_resource_warning() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with RedisStackServer() as server, redis.Redis.from_url(server.url) as client:
            assert client.ping()
        server.start().stop()
        del server
        gc.collect()
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []


def test_a_server_that_dies_ends_the_command_with_an_error() -> None:
    process = subprocess.Popen(_python("-m", "polars_redis", "server", "--port", "0"), env=_env(),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        url = next(line for line in iter(process.stdout.readline, "") if line.startswith("URL: "))[5:].strip()
        with redis.Redis.from_url(url) as client:
            os.kill(int(client.info("server")["process_id"]), signal.SIGKILL)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 1
    assert err.startswith("polars-redis: error: the server (pid ") and "exited with status -9" in err, err
