"""The lazy scan a command line describes (--pattern, --type, --schema, --where, ...)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import polars as pl

from polars_redis.cli.expr import CliError, parse_schema, parse_where
from polars_redis.client import Client
from polars_redis.readers.source import ScanErrors, build_capturing

READ_TYPES = ("hash", "json", "string", "set", "list", "zset")


def add_scan_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("url", help="redis://[[user]:password@]host[:port][/db], rediss://, unix://, or an RDB file "
                                    "(a dump or backup, read with no server)")
    parser.add_argument("--pattern", default="*", help="SCAN MATCH pattern, e.g. 'user:*' (default: *)")
    parser.add_argument("--type", dest="redis_type", choices=READ_TYPES, default="hash",
                        help="the Redis type to read (default: hash)")
    schema = parser.add_mutually_exclusive_group()
    schema.add_argument("--schema", help="hash/json fields and dtypes, e.g. 'name=String,age=Int64'")
    schema.add_argument("--infer", action="store_true",
                        help="infer the hash/json schema from a sample (the default without --schema)")
    parser.add_argument("--where", help="a filter in SQL, e.g. \"age > 30 AND city = 'Paris'\", or Polars syntax, e.g. 'pl.col(\"age\") > 30' (never evaluated as Python; pushed down like .filter)")
    parser.add_argument("--search-index", help="a RediSearch index over the keys: --where becomes a query")
    parser.add_argument("--snapshot", action="store_true",
                        help="read a replication snapshot (PSYNC) instead of SCAN; see docs/snapshots.md")
    parser.add_argument("--db", type=int, default=0, help="with an RDB file: the database to read (default: 0)")
    parser.add_argument("--select", metavar="COLUMNS",
                        help="comma-separated columns to keep, e.g. '_key,name' (only those are fetched)")
    parser.add_argument("--limit", type=int, metavar="N", help="stop after N rows (after --where)")
    parser.add_argument("--ignore-errors", action="store_true",
                        help="read a value that does not parse as its dtype as null instead of failing")


def rdb_file(target: str) -> bool:
    """The command's target is an RDB file rather than a server URL."""
    return "://" not in target and Path(target).is_file()


def build_scan(client: Client | None, args: argparse.Namespace, errors: ScanErrors) -> pl.LazyFrame:
    """The scan with --where, --select and --limit applied as a filter, a projection and a head,
    so Polars pushes all three into the scan as it does for the same calls in Python."""
    if args.limit is not None and args.limit < 1:
        raise CliError(f"--limit must be at least 1, got {args.limit}")
    where = parse_where(args.where) if args.where else None  # checked before anything is sent
    lf = build_capturing(_scan, {"client": client, "args": args}, errors)  # errors recorded in `errors`
    if where is not None:
        lf = lf.filter(where)
    if args.select:
        lf = lf.select(_columns(lf, args.select))
    return lf.head(args.limit) if args.limit is not None else lf


def _columns(lf: pl.LazyFrame, select: str) -> list[str]:
    columns = [c.strip() for c in select.split(",") if c.strip()]
    available = lf.collect_schema().names()
    missing = [c for c in columns if c not in available]
    if missing or not columns:
        raise CliError(f"--select: no column {', '.join(map(repr, missing)) or repr(select)} "
                       f"(columns: {', '.join(available)})")
    return columns


def _scan(client: Client | None, args: argparse.Namespace) -> pl.LazyFrame:
    import polars_redis as pr

    kind = args.redis_type
    if kind not in ("hash", "json"):
        for flag, value in (("--schema", args.schema), ("--infer", args.infer), ("--search-index", args.search_index)):
            if value:
                raise CliError(f"{flag} applies to --type hash or json, not {kind}")
    schema = parse_schema(args.schema) if args.schema else None
    common: dict[str, Any] = {"ignore_errors": args.ignore_errors}
    if client is None:  # an RDB file
        if kind in ("hash", "json") and schema is None:
            raise CliError("reading an RDB file needs --schema for --type hash or json (there is no server to sample)")
        if args.search_index:
            raise CliError("--search-index needs a server, not an RDB file")
        return pr.scan_rdb(args.url, args.pattern, schema, key_type=kind, db=args.db, **common)
    common["snapshot"] = args.snapshot
    if kind == "hash":
        return pr.scan_hashes(client, args.pattern, schema, search_index=args.search_index, **common)
    if kind == "json":
        return pr.scan_json(client, args.pattern, schema, search_index=args.search_index, **common)
    scans = {"string": pr.scan_strings, "set": pr.scan_set, "list": pr.scan_list, "zset": pr.scan_zset}
    return scans[kind](client, args.pattern, **common)
