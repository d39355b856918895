"""The data subcommands of `polars-redis` (export, import, infer, explain): parsing and running."""

from __future__ import annotations

import argparse
import sys

from polars_redis._cli_connection import add_connection_options, client_from_args, scrub
from polars_redis._cli_explain import add_explain_options, explain
from polars_redis._cli_export import add_export_options, expected_keys, export, file_format
from polars_redis._cli_import import add_import_options, import_file
from polars_redis._cli_infer import add_infer_options, infer
from polars_redis._cli_progress import Progress
from polars_redis._cli_scan import add_scan_options, build_scan, rdb_file
from polars_redis._scan import ScanErrors
from polars_redis.client import Client


def add_data_commands(commands: argparse._SubParsersAction) -> None:
    """Add export, import, infer and explain to the `polars-redis` parser."""

    def progress_options(parser: argparse.ArgumentParser) -> None:
        shown = parser.add_mutually_exclusive_group()
        shown.add_argument("--progress", action="store_true", help="show the progress line even when not a TTY")
        shown.add_argument("--quiet", action="store_true", help="no progress line")

    export_cmd = commands.add_parser("export", help="write keys matching a pattern to a Parquet/CSV/NDJSON/IPC file")
    add_scan_options(export_cmd)
    add_export_options(export_cmd)
    progress_options(export_cmd)
    import_cmd = commands.add_parser("import", help="write a Parquet/CSV/NDJSON/IPC file's rows to Redis")
    add_import_options(import_cmd)
    progress_options(import_cmd)
    infer_cmd = commands.add_parser("infer", help="print the schema inferred from a sample of hashes or JSON")
    add_infer_options(infer_cmd)
    explain_cmd = commands.add_parser("explain", help="print the Redis commands a scan would send")
    add_scan_options(explain_cmd)
    add_explain_options(explain_cmd)
    for parser in (export_cmd, import_cmd, infer_cmd, explain_cmd):
        add_connection_options(parser)


def run_data_command(args: argparse.Namespace) -> int:
    """Run a parsed data command; returns the exit code (errors: one stderr line, code 1)."""
    try:
        if args.command in ("export", "explain") and rdb_file(args.url):
            return _dispatch(None, args)
        with client_from_args(args) as client:
            return _dispatch(client, args)
    except KeyboardInterrupt:
        print("polars-redis: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # one line, never a traceback, never the password
        # Polars appends the resolved plan to some messages on later lines; the first says what failed.
        lines = [line for line in str(exc).splitlines() if line.strip()]
        message = lines[0] if lines else type(exc).__name__
        print(f"polars-redis: error: {scrub(message, args.url)}", file=sys.stderr)
        return 1


def _dispatch(client: Client | None, args: argparse.Namespace) -> int:
    if args.command == "infer":
        print(infer(client, args))
        return 0
    errors = ScanErrors()
    if args.command == "explain":
        print(explain(build_scan(client, args, errors), args.select))
        return 0
    show = not args.quiet and (args.progress or sys.stderr.isatty())
    if args.command == "export":
        fmt = file_format(args.output, args.format, "--format")
        lf = build_scan(client, args, errors)
        total = expected_keys(client, args.search_index) if show and client is not None else None
        progress = Progress("export", enabled=show, total=total)
        rows = export(lf, errors, args.output, fmt, progress)
        if show:
            print(f"wrote {rows:,} rows to {args.output}", file=sys.stderr)
        return 0
    progress = Progress("import", enabled=show)
    rows = import_file(client, args, progress)
    if show:
        print(f"wrote {rows:,} keys from {args.file}", file=sys.stderr)
    return 0
