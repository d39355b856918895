"""`polars-redis server` and `python -m polars_redis.server`: a local Redis Stack until stopped."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import types

from polars_redis.server import DEFAULT_MODULES, RedisStackServer, ServerError, prepare_runtime

DEFAULT_PORT = 6379


def add_server_options(parser: argparse.ArgumentParser) -> None:
    """The options of the server command (shared by both ways of running it)."""
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"port on 127.0.0.1 (default {DEFAULT_PORT}; 0 picks a free one)")
    parser.add_argument("--modules", default=",".join(DEFAULT_MODULES),
                        help="comma-separated modules to load (default: %(default)s)")
    parser.add_argument("--prepare-only", action="store_true",
                        help="only make the server runnable (fetch OpenSSL 1.1 where needed), then exit")


def run_server(args: argparse.Namespace) -> int:
    """Start the server, print its URL and how to stop it, and serve until SIGINT or SIGTERM."""
    if args.prepare_only:
        prepare_runtime()
        print("Redis Stack runtime ready")
        return 0
    if not 0 <= args.port <= 65535:
        raise ServerError(f"--port {args.port} is not a TCP port (0 to 65535)")
    modules = tuple(m.strip() for m in args.modules.split(",") if m.strip())
    server = RedisStackServer(port=args.port or None, modules=modules)

    def terminate(_signum: int, _frame: types.FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        with server:
            process = server._process  # started: the context manager raised otherwise
            assert process is not None
            print(f"Redis Stack is listening on 127.0.0.1:{server.port} (modules: {', '.join(modules) or 'none'})")
            print(f"URL: {server.url}")
            print(f"Stop it with Ctrl-C, or `kill {os.getpid()}`; nothing is persisted.", flush=True)
            code = process.wait()
            print(f"polars-redis: error: the server (pid {process.pid}) exited with status {code}", file=sys.stderr)
            return 1
    except KeyboardInterrupt:
        print("Redis Stack stopped.")
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: list[str] | None = None) -> int:
    """`python -m polars_redis.server [--port N]`: the same as `polars-redis server`."""
    parser = argparse.ArgumentParser(
        prog="python -m polars_redis.server",
        description="Start a local Redis Stack (JSON, Search, TimeSeries, Bloom) on 127.0.0.1 until stopped.",
    )
    add_server_options(parser)
    args = parser.parse_args(argv)
    try:
        return run_server(args)
    except ServerError as exc:
        print(f"polars-redis: error: {exc}", file=sys.stderr)
        return 1
