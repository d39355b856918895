"""The `polars-redis` command line."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="polars-redis", description="Redis data in Polars.")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="start an embedded Redis Stack, load sample users, scan them")
    demo.add_argument("--users", type=int, default=100_000, help="number of user hashes to load")
    args = parser.parse_args(argv)

    from polars_redis import RedisError
    from polars_redis.server import ServerError

    try:
        if args.command == "demo":
            from polars_redis.demo import run_demo

            run_demo(users=args.users)
    except (RedisError, ServerError) as exc:
        print(f"polars-redis: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
