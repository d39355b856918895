"""`polars-redis infer`: print the schema a sample of hashes or JSON documents implies."""

from __future__ import annotations

import argparse
import json

from polars_redis.client import Client


def infer(client: Client, args: argparse.Namespace) -> str | None:
    """One ``name: dtype`` line per field, or a JSON object {name: dtype} with --json; None when
    no key of the type matches the pattern (there is nothing to infer from)."""
    import polars_redis as pr

    if args.redis_type == "hash":
        schema = pr.infer_hash_schema(client, args.pattern, sample_size=args.sample_size)
    else:
        schema = pr.infer_json_schema(client, args.pattern, sample_size=args.sample_size)
    if not schema:
        return None
    if args.json:
        return json.dumps({name: str(dtype) for name, dtype in schema.items()})
    return "\n".join(f"{name}: {dtype}" for name, dtype in schema.items())


def add_infer_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("url", help="redis://[[user]:password@]host[:port][/db], rediss://, unix://")
    parser.add_argument("--pattern", default="*", help="SCAN MATCH pattern, e.g. 'user:*' (default: *)")
    parser.add_argument("--type", dest="redis_type", choices=("hash", "json"), default="hash",
                        help="the Redis type to sample (default: hash)")
    parser.add_argument("--sample-size", type=int, default=100, help="keys sampled (default: 100)")
    parser.add_argument("--json", action="store_true", help="print a JSON object {name: dtype}")
