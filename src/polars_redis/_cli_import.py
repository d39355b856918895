"""`polars-redis import`: read a Parquet, CSV, NDJSON or IPC file lazily and write it in chunks."""

from __future__ import annotations

import argparse
from pathlib import Path

import polars as pl

from polars_redis import _cluster_writes, _core
from polars_redis._cli_export import FORMATS, file_format
from polars_redis._cli_expr import CliError
from polars_redis._cli_progress import Progress
from polars_redis.client import Client
from polars_redis.writes import _plan as write_plan

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
    parser.add_argument("--if-exists", choices=("fail", "replace", "append"), default="fail",
                        help="when a key exists: fail before writing anything (default), replace it, "
                             "or append (hash: HSET merges fields; json: JSON.MERGE; string: SET KEEPTTL)")
    parser.add_argument("--ttl", type=int, metavar="SECONDS", help="expire every written key after SECONDS")
    parser.add_argument("--chunk-size", type=int, default=10_000, help="rows written per chunk (default: 10000)")


def scan_file(path: str, fmt: str) -> pl.LazyFrame:
    if not Path(path).is_file():
        raise CliError(f"no such file: {path}")
    return {"parquet": pl.scan_parquet, "csv": pl.scan_csv, "ndjson": pl.scan_ndjson, "ipc": pl.scan_ipc}[fmt](path)


def _check_absent(lf: pl.LazyFrame, url: str, key_column: str, key_prefix: str) -> None:
    """Under --if-exists fail every key is checked before the first chunk is written."""
    keys = lf.select(key_column).collect()
    plan = write_plan(key_column, key_prefix, "fail", None, 1000)
    if _cluster_writes.is_cluster(url):
        _cluster_writes.check_absent(keys, url, plan)
    else:
        _core.check_keys_absent(url, keys.__arrow_c_stream__(), plan)


def import_file(client: Client, args: argparse.Namespace, progress: Progress) -> int:
    """Write the file's rows to Redis chunk by chunk; returns the rows written."""
    import polars_redis as pr

    if args.chunk_size < 1:
        raise CliError(f"--chunk-size must be at least 1, got {args.chunk_size}")
    lf = scan_file(args.file, file_format(args.file, args.format, "--format"))
    columns = lf.collect_schema().names()
    for flag, column in (("--key-column", args.key_column),
                         ("--value-column", args.value_column if args.redis_type == "string" else None)):
        if column is not None and column not in columns:
            raise CliError(f"{flag} {column!r} is not a column of {args.file} ({', '.join(columns)})")
    if args.if_exists == "fail":
        _check_absent(lf, client.url, args.key_column, args.key_prefix)
    if progress.enabled:
        progress.total = lf.select(pl.len()).collect().item()
    options = {"key_column": args.key_column, "key_prefix": args.key_prefix, "if_exists": args.if_exists,
               "ttl": args.ttl}
    written = 0
    for chunk in lf.collect_batches(chunk_size=args.chunk_size):
        if args.redis_type == "hash":
            n = pr.write_hashes(chunk, client, **options)
        elif args.redis_type == "json":
            n = pr.write_json(chunk, client, **options)
        else:
            n = pr.write_strings(chunk, client, value_column=args.value_column, **options)
        written += n
        progress.add(n, n)
    progress.finish()
    return written
