"""`polars-redis export`: stream a scan into a Parquet, CSV, NDJSON or IPC file."""

from __future__ import annotations

import argparse
from pathlib import Path

import polars as pl

from polars_redis import _core
from polars_redis.cli.expr import CliError
from polars_redis.cli.output import AtomicOutput
from polars_redis.cli.progress import Progress
from polars_redis.client import Client
from polars_redis.engine.observer import observing
from polars_redis.readers.source import ScanErrors

EXIT_EMPTY = 3  # nothing matched: a warning, no file written (unless --allow-empty)
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
        from polars_redis.pushdown.search_index import describe_index

        return describe_index(client.url, search_index).num_docs
    from polars_redis.cluster.writes import is_cluster

    if is_cluster(client.url):  # every primary's keys
        sizes = [_core.command(client.url, ["DBSIZE"], node=node) for node in _core.cluster_nodes(client.url, False)]
        return sum(int(size) for size in sizes)
    total = _core.command(client.url, ["DBSIZE"])
    return int(total) if isinstance(total, int) else None


def _sink(lf: pl.LazyFrame, fmt: str, path: Path) -> None:
    try:
        {"parquet": lf.sink_parquet, "csv": lf.sink_csv, "ndjson": lf.sink_ndjson, "ipc": lf.sink_ipc}[fmt](path)
    except pl.exceptions.InvalidOperationError as exc:
        # Older Polars cannot stream every plan with a Python IO source into a file sink:
        # collect, then write (memory then holds the whole result).
        if "not supported" not in str(exc).lower() and "not yet supported" not in str(exc).lower():
            raise
        df = lf.collect()
        {"parquet": df.write_parquet, "csv": df.write_csv, "ndjson": df.write_ndjson, "ipc": df.write_ipc}[fmt](path)


class KeyCounter:
    """Counts the keys in the batches a scan reads (before any filter), for the progress line.

    Hashes, JSON documents and strings read one row per key. Sets, lists and sorted sets read a
    row per member, counted by their `_key` column (a key's rows arrive together, perhaps split
    across two batches); without that column (a --select leaving it out) keys are not counted.
    """

    def __init__(self, progress: Progress, one_row_per_key: bool) -> None:
        self.progress = progress
        self.one_row_per_key = one_row_per_key
        self.last_key: object = None

    def __call__(self, batch: pl.DataFrame) -> None:
        if self.one_row_per_key:
            self.progress.add(batch.height)
        elif "_key" not in batch.columns:
            self.progress.unknown()
        elif batch.height:
            keys = batch.get_column("_key")
            self.progress.add(keys.n_unique() - (keys[0] == self.last_key))
            self.last_key = keys[-1]


def export(lf: pl.LazyFrame, errors: ScanErrors, out: AtomicOutput, fmt: str, progress: Progress,
           one_row_per_key: bool) -> None:
    """Stream `lf` into the temporary file of `out`, counting keys scanned and rows written."""

    def count(batch: pl.DataFrame) -> pl.DataFrame:
        progress.add(rows=batch.height)
        return batch

    # map_batches last: the filter, projection and limit still reach the scan, and with
    # streamable=True the function sees each batch as it passes (memory stays bounded).
    counted = lf.map_batches(count, streamable=True, schema=lf.collect_schema())
    try:
        with observing(KeyCounter(progress, one_row_per_key)):
            _sink(counted, fmt, out.temp)
    except pl.exceptions.ComputeError:
        if errors.error is not None:
            raise errors.error from None  # Polars 1.x wraps our scan's exception
        raise
    progress.finish()


def add_export_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", required=True, help="the file to write (format from its extension)")
    parser.add_argument("--format", choices=FORMATS, help="file format, overriding the extension")
    parser.add_argument("--allow-empty", action="store_true",
                        help=f"write the file (and exit 0) when no row matches; otherwise that exits "
                             f"with {EXIT_EMPTY} and leaves the output as it was")
