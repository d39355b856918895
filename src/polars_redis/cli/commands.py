"""The data subcommands of `polars-redis` (export, import, infer, explain): parsing and running."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from polars_redis.cli.connection import add_connection_options, client_from_args, scrub
from polars_redis.cli.export import EXIT_EMPTY, add_export_options, expected_keys, export, file_format
from polars_redis.cli.expr import CliError
from polars_redis.cli.imports import add_import_options, import_file
from polars_redis.cli.infer import add_infer_options, infer
from polars_redis.cli.output import AtomicOutput
from polars_redis.cli.progress import Progress
from polars_redis.cli.scan import add_scan_options, build_scan, rdb_file
from polars_redis.client import Client
from polars_redis.readers.source import ScanErrors

EXIT_ERROR = 1
EXIT_INTERRUPTED = 130  # the shell's code for a process ended by SIGINT


def add_data_commands(commands: argparse._SubParsersAction) -> None:
    """Add export, import, infer and explain to the `polars-redis` parser."""

    def progress_options(parser: argparse.ArgumentParser) -> None:
        shown = parser.add_mutually_exclusive_group()
        shown.add_argument("--progress", action="store_true",
                           help="show progress also when stderr is not a terminal (a line per interval)")
        shown.add_argument("--quiet", action="store_true", help="no progress and no summary line")
        parser.add_argument("--progress-interval", type=float, metavar="SECONDS",
                            help="seconds between progress lines when stderr is not a terminal (default: 10)")

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
        return EXIT_INTERRUPTED
    except Exception as exc:  # one line, never a traceback, never the password
        # Polars appends the resolved plan to some messages on later lines; the first says what failed.
        lines = [line for line in str(exc).splitlines() if line.strip()]
        message = lines[0] if lines else type(exc).__name__
        print(f"polars-redis: error: {scrub(message, args.url)}", file=sys.stderr)
        return EXIT_ERROR


def warn(message: str) -> None:
    print(f"polars-redis: warning: {message}", file=sys.stderr)


def _dispatch(client: Client | None, args: argparse.Namespace) -> int:
    if args.command == "infer":
        assert client is not None  # only export and explain read RDB files
        schema = infer(client, args)
        if schema is None:
            warn(f"no {args.redis_type} key matches --pattern {args.pattern!r}: there is nothing to infer a schema from")
            return EXIT_EMPTY
        print(schema)
        return 0
    errors = ScanErrors()
    if args.command == "explain":
        import polars_redis as pr

        print(pr.explain(build_scan(client, args, errors)))
        return 0
    if args.progress_interval is not None and args.progress_interval < 0:
        raise CliError(f"--progress-interval must not be negative, got {args.progress_interval}")
    terminal = sys.stderr.isatty()
    style = None if args.quiet or not (args.progress or terminal) else ("terminal" if terminal else "log")
    if args.command == "export":
        return _export(client, args, errors, style)
    progress = Progress("import", "rows written", style=style, total_of="rows in the file",
                        interval=args.progress_interval)
    assert client is not None
    rows = import_file(client, args, progress)
    if not args.quiet:
        size = Path(args.file).stat().st_size
        print(f"imported {rows:,} rows ({rows:,} keys) from {args.file} ({size:,} bytes) to "
              f"{scrub(args.url, args.url)} in {time.monotonic() - progress.start:.2f} s",
              file=sys.stderr)
    return 0


def _export(client: Client | None, args: argparse.Namespace, errors: ScanErrors, style: str | None) -> int:
    fmt = file_format(args.output, args.format, "--format")
    lf = build_scan(client, args, errors)
    total = expected_keys(client, args.search_index) if style and client is not None else None
    total_of = "documents in the index" if args.search_index else "keys in the database"
    progress = Progress("export", "keys scanned", style=style, total=total, total_of=total_of, also_rows=True,
                        interval=args.progress_interval)
    with AtomicOutput(args.output) as out:
        export(lf, errors, out, fmt, progress, one_row_per_key=args.redis_type in ("hash", "json", "string"))
        keys = f" ({progress.done:,} keys scanned)" if progress.done is not None else ""
        if progress.rows == 0 and not args.allow_empty:
            if progress.done:
                why = (f"{progress.done:,} {args.redis_type} keys match --pattern {args.pattern!r} but "
                       + ("no row passed --where" if args.where else "they hold no rows"))
            else:
                why = f"no {args.redis_type} key matches --pattern {args.pattern!r}"
                why += " and --where" if args.where else ""
            warn(f"{why}; {args.output} was not written (--allow-empty writes an empty file)")
            return EXIT_EMPTY
        size = out.commit()
    if not args.quiet:
        print(f"exported {progress.rows:,} rows{keys} to {args.output} ({size:,} bytes) in "
              f"{time.monotonic() - progress.start:.2f} s", file=sys.stderr)
    return 0
