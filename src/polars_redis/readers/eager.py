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
    parameters = list(signature.parameters.values())
    forwarded = [p.name for p in parameters if p.kind is p.VAR_KEYWORD]
    # A call that binds plainly (no more positional arguments than there are positional
    # parameters, known keywords given once, every required one present) skips
    # Signature.bind, whose 60-120 us would be a sixth of a small read.
    positional = [p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    by_keyword = {p.name for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    required = {p.name for p in parameters if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}
    plain = not forwarded and not any(p.kind is p.VAR_POSITIONAL for p in parameters)

    def decorate(stub: Callable[[], None]) -> Callable[P, pl.DataFrame]:
        @functools.wraps(stub)
        def read(*args: P.args, **kwargs: P.kwargs) -> pl.DataFrame:
            if plain and len(args) <= len(positional):
                arguments = dict(zip(positional, args))
                if by_keyword.issuperset(kwargs) and arguments.keys().isdisjoint(kwargs):
                    arguments.update(kwargs)
                    if required.issubset(arguments):
                        return eager(scan, arguments)
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
