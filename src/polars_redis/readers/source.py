"""Glue between a running C++ scan and Polars' IO-source protocol."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from typing import Any, Protocol

import polars as pl
from polars.io.plugins import register_io_source

from polars_redis._core import ResponseError
from polars_redis.engine.dtypes import needs_cast
from polars_redis.engine.native import NativeScan
from polars_redis.engine.observer import scanned
from polars_redis.engine.recorder import scan_record
from polars_redis.pushdown.planner import PushdownWarning, SourcePlan, SourcePlanner
from polars_redis.pushdown.predicate import effective_predicate


# Called with (columns, n_rows, source) where columns are the output columns Polars needs and
# source the plan entries choosing where keys come from (empty for readers without keys); returns
# a started native scan producing exactly those columns (in any order).
ScanFactory = Callable[[list[str], "int | None", dict[str, Any]], NativeScan]


class DerivedColumns(Protocol):
    """Columns computed in Python from a column the native scan reads (key-template parts)."""

    names: list[str]
    source: str

    def add(self, frame: pl.DataFrame, wanted: list[str]) -> pl.DataFrame: ...


def _is_incomplete_search(exc: BaseException) -> bool:
    # The core raises this when the server reports (in the reply or in FT.PROFILE) that it would
    # have cut the answer short, e.g. at MAXPREFIXEXPANSIONS.
    return isinstance(exc, ResponseError) and "results would be incomplete" in str(exc).lower()


def iterate_batches(
    start_scan: ScanFactory,
    schema: pl.Schema,
    with_columns: list[str] | None,
    predicate: pl.Expr | None,
    n_rows: int | None,
    *,
    name: str = "redis scan",
    pushdown: SourcePlanner | None = None,
    derived: DerivedColumns | None = None,
) -> Iterator[pl.DataFrame]:
    """Yield DataFrames with exactly `with_columns` (schema order), filtered and limited."""
    columns = list(schema) if with_columns is None else list(with_columns)
    predicate = effective_predicate(predicate)
    wanted = list(columns)
    if predicate is not None:
        for column in predicate.meta.root_names():
            if column not in wanted and column in schema:
                wanted.append(column)
    # With a predicate the limit applies after filtering, so the server cannot stop early.
    native_limit = n_rows if predicate is None else None
    source = pushdown.plan(predicate, schema, native_limit) if pushdown is not None else SourcePlan({})
    derived = source.derived or derived
    derived_wanted = [c for c in wanted if derived is not None and c in derived.names]
    native_columns = [c for c in wanted if c not in derived_wanted]
    if derived_wanted and derived is not None and derived.source not in native_columns:
        native_columns.append(derived.source)
    order = source.order
    if order is not None and order.source not in native_columns:
        native_columns.append(order.source)
    # Sorting needs every row first: the ordered rows are gathered, then pass through once.
    held: list[pl.DataFrame] = []
    casts = [pl.col(c).cast(schema[c]) for c in wanted if needs_cast(schema[c])]
    with scan_record(name, predicate, source.notes):
        scan = start_scan(native_columns, native_limit, source.entries)
    produced = 0
    first = True
    try:
        while n_rows is None or produced < n_rows:
            try:
                batch = scan.next_batch()
            except Exception as exc:
                if not (first and source.fallback is not None and _is_incomplete_search(exc)):
                    raise
                # The index would have answered incompletely; nothing was returned yet, so the
                # scan restarts without it.
                warnings.warn(f"search pushdown abandoned ({exc}); filtering with a full scan",
                              PushdownWarning, stacklevel=2)
                scan.close()
                source = source.fallback
                scan = start_scan(native_columns, native_limit, source.entries)
                continue
            first = False
            if batch is None:
                if order is None or not held:
                    break
                frame = order.apply(pl.concat(held, how="vertical"))
                held, order = [], None
            else:
                frame = pl.DataFrame(batch)
                # The frame owns the data now; holding the native batch in this frame's locals would
                # keep it alive in any traceback raised below (and past interpreter exit).
                batch = None
                scanned(frame)
                if derived_wanted and derived is not None:
                    frame = derived.add(frame, derived_wanted)
                if casts:
                    frame = frame.with_columns(casts)
                if order is not None:
                    held.append(frame)
                    continue
            if predicate is not None:
                frame = frame.filter(predicate)
            if frame.columns != columns:  # usually already in schema order: skip the copy of names
                frame = frame.select(columns)
            if n_rows is not None and frame.height > n_rows - produced:
                frame = frame.head(n_rows - produced)
            produced += frame.height
            yield frame
    finally:
        scan.close()
        # Polars may keep this generator's frame alive (e.g. through a traceback); drop the native
        # scan now so its thread and connection never outlive the collect.
        del scan


class ScanErrors:
    """The last exception a scan raised, so eager readers can re-raise it unchanged.

    Polars 1.x wraps an exception raised while it iterates an IO source in a ComputeError (the
    message keeps the original text); Polars 2.x lets it through. Errors up to the first batch
    are raised by the source's call instead (see `surface_errors`) and arrive unwrapped on both.
    """

    def __init__(self) -> None:
        self.error: BaseException | None = None


_capture: ContextVar[ScanErrors | None] = ContextVar("polars_redis_scan_errors", default=None)


def captured_errors() -> ScanErrors | None:
    """Where the scan being built records its errors: set while an eager reader builds its scan."""
    return _capture.get()


def collect(lf: pl.LazyFrame, errors: ScanErrors) -> pl.DataFrame:
    """Collect, re-raising our own exception instead of Polars 1.x's ComputeError wrapper.

    With the in-memory engine: an eager read holds the whole frame anyway, and Polars 2's default
    (streaming) engine costs about 1 ms to start, which made a 10-key read_hashes slower than
    redis-py's; large reads take the same time on both."""
    try:
        return lf.collect(engine="in-memory")
    except pl.exceptions.ComputeError:
        if errors.error is not None:
            raise errors.error from None
        raise


def build_capturing(
    scan: Callable[..., pl.LazyFrame], arguments: Mapping[str, Any], errors: ScanErrors
) -> pl.LazyFrame:
    """`scan(**arguments)`, its errors recorded in `errors` (no private parameter on the scan)."""
    token = _capture.set(errors)
    try:
        return scan(**arguments)
    finally:
        _capture.reset(token)


def surface_errors(batches: Iterator[pl.DataFrame]) -> Iterator[pl.DataFrame]:
    """Run `batches` up to its first frame now, inside the IO source's call.

    Polars 1.x turns an exception raised while it iterates an IO source into a ComputeError that
    only quotes it, but lets one raised by the source's call itself through unchanged. Connecting,
    authenticating, module checks and the first fetch (where a scan's errors almost always
    happen) therefore run in the call, so the user catches our own exception class.
    """
    try:
        first = next(batches)
    except StopIteration:
        return iter(())
    return _resume(first, batches)


def _resume(first: pl.DataFrame, rest: Iterator[pl.DataFrame]) -> Iterator[pl.DataFrame]:
    try:
        yield first
        del first
        yield from rest
    finally:
        close = getattr(rest, "close", None)
        if close is not None:  # stop the native scan now when Polars stops early (head, limit)
            close()


IOSource = Callable[[list[str] | None, pl.Expr | None, int | None, int | None], Iterator[pl.DataFrame]]


def register_source(
    batches: IOSource, schema: pl.Schema, *, name: str | None = None, detail: str | None = None
) -> pl.LazyFrame:
    """`register_io_source` with errors that arrive as our exceptions (see `surface_errors`)."""

    def source(
        with_columns: list[str] | None, predicate: pl.Expr | None, n_rows: int | None, batch_size: int | None
    ) -> Iterator[pl.DataFrame]:
        return surface_errors(batches(with_columns, predicate, n_rows, batch_size))

    kwargs: dict[str, Any] = {}
    try:
        import inspect

        params = inspect.signature(register_io_source).parameters
        if name is not None and "explain_name" in params:
            kwargs["explain_name"] = name
            if detail is not None:
                kwargs["explain_detail"] = detail
    except (TypeError, ValueError):
        pass
    return register_io_source(source, schema=schema, **kwargs)


def lazy_frame(
    start_scan: ScanFactory,
    schema: pl.Schema | Callable[[], pl.Schema],
    *,
    name: str,
    detail: str | None = None,
    pushdown: SourcePlanner | None = None,
    derived: DerivedColumns | None = None,
) -> pl.LazyFrame:
    """A LazyFrame whose collection runs a native scan (fresh for every collect).

    A callable `schema` (inference from the server) runs now: Polars reports a failing schema
    callable as a ComputeError quoting it on every path (collect, collect_schema, .columns), so
    resolving it here is the only way the caller sees our own exception.
    """
    errors = captured_errors()
    resolved = schema() if callable(schema) else schema

    def source(
        with_columns: list[str] | None,
        predicate: pl.Expr | None,
        n_rows: int | None,
        _batch_size: int | None,
    ) -> Iterator[pl.DataFrame]:
        try:
            yield from iterate_batches(start_scan, resolved, with_columns, predicate, n_rows,
                                       name=name, pushdown=pushdown, derived=derived)
        except (Exception, KeyboardInterrupt) as exc:  # Polars 1.x wraps either in a ComputeError
            if errors is not None:
                errors.error = exc
            raise

    return register_source(source, resolved, name=name, detail=detail)
