"""`polars-redis explain`: print what :func:`polars_redis.explain` says about a command line's scan."""

from __future__ import annotations

import argparse

import polars as pl

from polars_redis._cli_expr import CliError


def add_explain_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--select", help="comma-separated columns the query keeps, e.g. 'name,age'")


def explain(lf: pl.LazyFrame, select: str | None) -> str:
    import polars_redis as pr

    if select:
        columns = [c.strip() for c in select.split(",") if c.strip()]
        available = lf.collect_schema().names()
        missing = [c for c in columns if c not in available]
        if missing:
            raise CliError(f"--select: no column {', '.join(map(repr, missing))} (columns: {', '.join(available)})")
        lf = lf.select(columns)
    return pr.explain(lf)
