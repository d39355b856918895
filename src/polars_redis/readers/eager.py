"""The eager read_* readers: each is its scan_* twin collected, with the twin's exact signature.

A read function is written as a decorated stub holding only its own docs (summary, Returns,
Raises, Examples); `eager_twin` gives it the scan's signature (for type checkers through
`ParamSpec`, for `inspect.signature` through `__signature__`, for the API reference through
scripts/griffe_runtime_docs.py) and the scan's Args section, so parameters and their docs are
written once."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, ParamSpec

import polars as pl

from polars_redis.readers.source import ScanErrors, build_capturing, collect

P = ParamSpec("P")


def eager(scan: Callable[..., pl.LazyFrame], arguments: dict[str, Any]) -> pl.DataFrame:
    """`scan(**arguments)` collected, raising our exceptions rather than Polars 1.x's wrapper."""
    errors = ScanErrors()
    return collect(build_capturing(scan, arguments, errors), errors)


def _with_args(own: str, scan: str) -> str:
    """`own` docstring with the Args section of `scan`'s inserted before its Returns section."""
    start, end = scan.find("\n    Args:\n"), scan.find("\n    Returns:\n")
    at = own.find("\n    Returns:\n")
    if min(start, end, at) < 0:
        raise ValueError("both docstrings need an indented Returns section, the scan's an Args section")
    return own[:at] + scan[start:end] + own[at:]


def eager_twin(scan: Callable[P, pl.LazyFrame]) -> Callable[[Callable[[], None]], Callable[P, pl.DataFrame]]:
    """Make the decorated docstring-only stub the eager reader of `scan`."""
    signature = inspect.signature(scan)
    forwarded = [p.name for p in signature.parameters.values() if p.kind is p.VAR_KEYWORD]

    def decorate(stub: Callable[[], None]) -> Callable[P, pl.DataFrame]:
        @functools.wraps(stub)
        def read(*args: P.args, **kwargs: P.kwargs) -> pl.DataFrame:
            try:  # an unknown keyword first, then a missing argument, as Python's own call reports them
                signature.bind_partial(*args, **kwargs)
                bound = signature.bind(*args, **kwargs)
            except TypeError as exc:
                raise TypeError(f"{stub.__name__}() {exc}") from None
            arguments = dict(bound.arguments)
            for name in forwarded:  # a scan's **kwargs (scan_rdb's) are forwarded as keywords
                arguments.update(arguments.pop(name, {}))
            return eager(scan, arguments)

        read.__signature__ = signature.replace(return_annotation="pl.DataFrame")  # type: ignore[attr-defined]
        read.__doc__ = _with_args(stub.__doc__ or "", scan.__doc__ or "")
        return read

    return decorate
