"""The `polars-redis` command line."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    """Run the `polars-redis` command line with `argv` (default: ``sys.argv[1:]``).

    Subcommands: ``demo``, ``server``, ``export``, ``import``, ``infer``, ``explain`` (see the
    command line guide); ``--version`` prints the version. Returns the exit code: 0 on success,
    1 after printing one ``polars-redis: error: ...`` line on stderr, 3 when ``export`` or
    ``infer`` found nothing matching (a ``polars-redis: warning: ...`` line; ``export
    --allow-empty`` writes the empty file and returns 0), 130 when interrupted (Ctrl-C); usage
    errors exit with 2 (``SystemExit`` from argparse).

    Args:
        argv: the arguments after the program name.

    Returns:
        The exit code.

    Raises:
        SystemExit: on usage errors (code 2), ``--help`` and ``--version`` (code 0).

    Examples:
        >>> from polars_redis.__main__ import main
        >>> main(["export", "redis://localhost:6379", "--pattern", "user:*",
        ...       "--schema", "name=String,age=Int64", "-o", "users.parquet"])
        0
        >>> pl.read_parquet("users.parquet").height
        3
    """
    from polars_redis._version import __version__

    parser = argparse.ArgumentParser(prog="polars-redis", description="Redis data in Polars.")
    parser.add_argument("--version", action="version", version=f"polars-redis {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="start an embedded Redis Stack, load sample users, scan them")
    demo.add_argument("--users", type=int, default=100_000, help="number of user hashes to load")
    from polars_redis.server._command import add_server_options, run_server

    add_server_options(commands.add_parser(
        "server", help="start a local Redis Stack on 127.0.0.1 (prints its URL) until stopped"))
    from polars_redis.cli.commands import add_data_commands, run_data_command

    add_data_commands(commands)
    args = parser.parse_args(argv)

    from polars_redis import RedisError
    from polars_redis.server import ServerError

    try:
        if args.command == "demo":
            from polars_redis.cli.demo import run_demo

            run_demo(users=args.users)
        elif args.command == "server":
            return run_server(args)
        else:
            return run_data_command(args)
    except (RedisError, ServerError) as exc:
        print(f"polars-redis: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
