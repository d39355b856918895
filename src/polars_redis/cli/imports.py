"""`polars-redis import`: read a Parquet, CSV, NDJSON or IPC file lazily and write it in chunks."""

from __future__ import annotations

import argparse
from pathlib import Path

import polars as pl

from polars_redis import _core
from polars_redis.cli.export import FORMATS, file_format
from polars_redis.cli.expr import CliError
from polars_redis.cli.progress import Progress
from polars_redis.client import Client
from polars_redis.writers.modes import DEFAULT_IF_EXISTS, WRITE_MODES
from polars_redis.writers.pipeline import run_sink

WRITE_TYPES = ("hash", "json", "string")


def add_import_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="Parquet, CSV, NDJSON or IPC file")
    parser.add_argument("url", help="redis://[[user]:password@]host[:port][/db], rediss://, unix://")
    parser.add_argument("--type", dest="redis_type", choices=WRITE_TYPES, default="hash",
                        help="write each row as a hash, JSON document or string (default: hash)")
    parser.add_argument("--format", choices=FORMATS, help="file format, overriding the extension")
    parser.add_argument("--key-column", default="_key", help="column holding the key (default: _key)")
    parser.add_argument("--key-prefix", default="", help="prefix put before every key, e.g. 'user:'")
    parser.add_argument("--value-column", default="value", help="for --type string: the value column")
    parser.add_argument("--if-exists", choices=WRITE_MODES, default=DEFAULT_IF_EXISTS,
                        help=f"when a key exists (default: {DEFAULT_IF_EXISTS}, as in Python): replace it "
                             "(hash fields absent from the file are dropped), append = merge (hash: HSET "
                             "merges fields; json: JSON.MERGE; string: SET KEEPTTL), or fail before writing "
                             "anything")
    parser.add_argument("--ttl", type=int, metavar="SECONDS", help="expire every written key after SECONDS")
    parser.add_argument("--chunk-size", type=int, default=10_000, help="rows written per chunk (default: 10000)")


def scan_file(path: str, fmt: str) -> pl.LazyFrame:
    if not Path(path).is_file():
        raise CliError(f"no such file: {path}")
    return {"parquet": pl.scan_parquet, "csv": pl.scan_csv, "ndjson": pl.scan_ndjson, "ipc": pl.scan_ipc}[fmt](path)


def import_file(client: Client, args: argparse.Namespace, progress: Progress) -> int:
    """Write the file's rows to Redis chunk by chunk; returns the rows written.

    The chunks go through the sinks' machinery: under --if-exists fail every key is checked before
    the first chunk is written, row numbers in errors count from the file's first row, and a
    failure names every row committed, earlier chunks' included.
    """
    if args.chunk_size < 1:
        raise CliError(f"--chunk-size must be at least 1, got {args.chunk_size}")
    lf = scan_file(args.file, file_format(args.file, args.format, "--format"))
    columns = lf.collect_schema().names()
    for flag, column in (("--key-column", args.key_column),
                         ("--value-column", args.value_column if args.redis_type == "string" else None)):
        if column is not None and column not in columns:
            raise CliError(f"{flag} {column!r} is not a column of {args.file} ({', '.join(columns)})")
    if progress.style is not None:  # counting the rows costs a pass over the file
        progress.total = lf.select(pl.len()).collect().item()
    native = {"hash": _core.write_hashes, "json": _core.write_json, "string": _core.write_strings}[args.redis_type]
    extra = {}
    if args.redis_type == "string":
        extra = {"value_column": args.value_column,
                 "ignored_columns": [c for c in columns if c not in (args.key_column, args.value_column)]}
    written = run_sink(native, lf, client.url, key_column=args.key_column, key_prefix=args.key_prefix,
                       if_exists=args.if_exists, ttl=args.ttl, batch_size=args.chunk_size,
                       on_batch=lambda n: progress.add(n), **extra)
    progress.finish()
    return written
