"""`polars-redis export`: stream a scan into a Parquet, CSV, NDJSON or IPC file."""

from __future__ import annotations

import argparse
from pathlib import Path

import polars as pl

from polars_redis import _core
from polars_redis._cli_expr import CliError
from polars_redis._cli_progress import Progress
from polars_redis._scan import ScanErrors
from polars_redis.client import Client

FORMATS = ("parquet", "csv", "ndjson", "ipc")
_EXTENSIONS = {
    ".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".ndjson": "ndjson", ".jsonl": "ndjson",
    ".ipc": "ipc", ".arrow": "ipc", ".feather": "ipc",
}


def file_format(path: str, given: str | None, flag: str) -> str:
    """The format named by `given`, else by the file's extension."""
    if given:
        return given
    suffix = Path(path).suffix.lower()
    if suffix not in _EXTENSIONS:
        raise CliError(f"cannot tell the format of {path!r} from its extension; pass {flag} "
                       f"({', '.join(FORMATS)})")
    return _EXTENSIONS[suffix]


def expected_keys(client: Client, search_index: str | None) -> int | None:
    """The ETA's total: the index's document count, else every key in the database (DBSIZE)."""
    if search_index:
        from polars_redis._search_index import describe_index

        return describe_index(client.url, search_index).num_docs
    from polars_redis._cluster_writes import is_cluster

    if is_cluster(client.url):  # every primary's keys
        sizes = [_core.command(client.url, ["DBSIZE"], node=node) for node in _core.cluster_nodes(client.url, False)]
        return sum(int(size) for size in sizes)
    total = _core.command(client.url, ["DBSIZE"])
    return int(total) if isinstance(total, int) else None


def _sink(lf: pl.LazyFrame, fmt: str, path: str) -> None:
    try:
        {"parquet": lf.sink_parquet, "csv": lf.sink_csv, "ndjson": lf.sink_ndjson, "ipc": lf.sink_ipc}[fmt](path)
    except pl.exceptions.InvalidOperationError as exc:
        # Older Polars cannot stream every plan with a Python IO source into a file sink:
        # collect, then write (memory then holds the whole result).
        if "not supported" not in str(exc).lower() and "not yet supported" not in str(exc).lower():
            raise
        df = lf.collect()
        {"parquet": df.write_parquet, "csv": df.write_csv, "ndjson": df.write_ndjson, "ipc": df.write_ipc}[fmt](path)


def export(lf: pl.LazyFrame, errors: ScanErrors, path: str, fmt: str, progress: Progress) -> int:
    """Stream `lf` into `path`, counting batches for the progress line; returns the rows written."""
    key_column = "_key" if "_key" in lf.collect_schema().names() else None

    def count(batch: pl.DataFrame) -> pl.DataFrame:
        keys = batch.get_column(key_column).n_unique() if key_column and batch.height else batch.height
        progress.add(keys, batch.height)
        return batch

    # map_batches after the filter: the filter and projection still reach the scan, and with
    # streamable=True the function sees each batch as it passes (memory stays bounded).
    counted = lf.map_batches(count, streamable=True, schema=lf.collect_schema())
    try:
        _sink(counted, fmt, path)
    except BaseException as exc:
        # A half-written file must not pass for an export.
        Path(path).unlink(missing_ok=True)
        if isinstance(exc, pl.exceptions.ComputeError) and errors.error is not None:
            raise errors.error from None  # Polars 1.x wraps our scan's exception
        raise
    progress.finish()
    return progress.rows


def add_export_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", required=True, help="the file to write (format from its extension)")
    parser.add_argument("--format", choices=FORMATS, help="file format, overriding the extension")
