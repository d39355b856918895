"""A misspelt keyword that `mypy --strict` must report, naming it (tests/unit/test_typing.py)."""

from __future__ import annotations

import polars as pl

import polars_redis as pr


def read(url: str) -> pl.DataFrame:
    return pr.read_hashes(url, "user:*", {"name": pl.String}, n_row=10)
