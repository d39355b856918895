"""The options every reader shares with Polars' own readers: n_rows, schema_overrides, and the row
index spelled both the spec's way (include_row_index, row_index_column_name) and Polars' way
(row_index_name, row_index_offset)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from polars_redis._core import ConfigurationError
from polars_redis.engine.dtypes import SchemaLike, normalize_schema

DEFAULT_ROW_INDEX_NAME = "_index"


def check_n_rows(n_rows: object) -> int | None:
    """`n_rows` as Polars takes it: None (every row) or a count >= 0."""
    if n_rows is not None and (isinstance(n_rows, bool) or not isinstance(n_rows, int) or n_rows < 0):
        raise ConfigurationError(f"n_rows must be None or an int >= 0, got {n_rows!r}")
    return n_rows


def row_index_column(
    include_row_index: bool | None, row_index_column_name: str | None, row_index_name: str | None
) -> str | None:
    """The row index column's name, or None when there is none.

    Polars' `row_index_name` (None = off) and the spec's pair name the same column; giving both
    spellings with different meanings is an error naming both.
    """
    for option, value in (("row_index_name", row_index_name), ("row_index_column_name", row_index_column_name)):
        if value is not None and (not isinstance(value, str) or not value):
            raise ConfigurationError(f"{option} must be a non-empty column name, got {value!r}")
    if row_index_name is None:
        return (row_index_column_name or DEFAULT_ROW_INDEX_NAME) if include_row_index else None
    if include_row_index is False:
        raise ConfigurationError(
            f"include_row_index=False contradicts row_index_name={row_index_name!r}: give one of the two"
        )
    if row_index_column_name is not None and row_index_column_name != row_index_name:
        raise ConfigurationError(
            f"row_index_name={row_index_name!r} and row_index_column_name={row_index_column_name!r} name the same "
            "column differently: give one of the two"
        )
    return row_index_name


class Overrides:
    """`schema_overrides`: dtypes that replace those of named columns.

    A column the reader parses (a schema field, a value or member column) is parsed as the new
    dtype; any other column (key, TTL, score, timestamp, ...) is cast by Polars. A name that is no
    column of the frame is an error listing the columns.
    """

    def __init__(self, schema_overrides: SchemaLike | None, *, nested: bool = False) -> None:
        if schema_overrides is not None and not isinstance(schema_overrides, Mapping | pl.Schema):
            raise ConfigurationError(
                f"schema_overrides must map column names to Polars dtypes, got {type(schema_overrides).__name__}"
            )
        self.dtypes = normalize_schema(schema_overrides or {}, nested=nested, what="schema_overrides")
        self._parsed: set[str] = set()

    def dtype(self, column: str, default: Any) -> Any:
        """The dtype a parsed column is read as."""
        if column in self.dtypes:
            self._parsed.add(column)
            return self.dtypes[column]
        return default

    def fields(self, fields: Mapping[str, pl.DataType]) -> dict[str, pl.DataType]:
        """A reader's parsed fields with their overrides applied."""
        return {name: self.dtype(name, dtype) for name, dtype in fields.items()}

    def casts(self, schema: pl.Schema) -> list[pl.Expr]:
        """The casts for the overridden columns that are not parsed; unknown names raise."""
        unknown = [name for name in self.dtypes if name not in schema]
        if unknown:
            raise ConfigurationError(
                f"schema_overrides names column(s) {unknown} that the frame does not have; its columns are "
                f"{schema.names()}"
            )
        return [pl.col(name).cast(dtype) for name, dtype in self.dtypes.items()
                if name not in self._parsed and schema[name] != dtype]

    def finish(self, lf: pl.LazyFrame, n_rows: int | None) -> pl.LazyFrame:
        """The scan with its remaining overrides cast and at most `n_rows` rows."""
        casts = self.casts(lf.collect_schema()) if self.dtypes else []
        if casts:
            lf = lf.with_columns(casts)
        return lf if n_rows is None else lf.head(n_rows)
