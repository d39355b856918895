"""The columns a key-per-row reader adds around its values: row index, key, TTL and memory usage."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from polars_redis._core import ConfigurationError
from polars_redis.engine.read_options import DEFAULT_ROW_INDEX_NAME, row_index_column


def check_scan_sizes(batch_size: int, count_hint: int) -> None:
    """Reject batch and SCAN COUNT sizes that cannot work, at call time rather than at collect."""
    if batch_size < 1:
        raise ConfigurationError(f"batch_size must be at least 1, got {batch_size}")
    if count_hint < 1:
        raise ConfigurationError(f"count_hint must be at least 1, got {count_hint}")


ROW_INDEX_MAX = 2**32 - 1  # the row index column is UInt32, as Polars' with_row_index makes it


def check_row_index_offset(offset: object) -> None:
    """Reject an offset the UInt32 row index column cannot hold, when the scan is built."""
    if isinstance(offset, bool) or not isinstance(offset, int) or not 0 <= offset <= ROW_INDEX_MAX:
        raise ConfigurationError(
            f"row_index_offset must be an int from 0 to {ROW_INDEX_MAX} (the row index column is UInt32), "
            f"got {offset!r}"
        )


def check_unique(names: Sequence[str], remedy: str) -> None:
    """Every output column name once: a name used twice raises, saying which to rename."""
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ConfigurationError(f"column name(s) {duplicates} used twice: {remedy}")


@dataclass(frozen=True)
class KeyColumns:
    """Which per-key columns a scan adds, and their names."""

    include_key: bool = True
    key_column_name: str = "_key"
    include_ttl: bool = False
    ttl_column_name: str = "_ttl"
    include_memory_usage: bool = False
    memory_column_name: str = "_memory"
    row_index: str | None = None  # the row index column's name; None: no row index
    row_index_offset: int = 0
    key_parts: tuple[tuple[str, pl.DataType], ...] = ()  # key-template columns, after the key
    per_key_metadata: bool = True  # the reader has TTL and memory usage columns (collections have not)

    def __post_init__(self) -> None:
        check_row_index_offset(self.row_index_offset)

    @classmethod
    def from_arguments(cls, arguments: Mapping[str, Any], **fields: Any) -> KeyColumns:
        """The key columns a reader's call asks for: `arguments` are the reader's own (`locals()`),
        whose key, TTL, memory and row index parameters have these fields' names; `fields` adds
        the rest (key_parts, per_key_metadata)."""
        names = ("include_key", "key_column_name", "include_ttl", "ttl_column_name", "include_memory_usage",
                 "memory_column_name", "row_index_offset")
        row_index = row_index_column(arguments.get("include_row_index"), arguments.get("row_index_column_name"),
                                     arguments.get("row_index_name"))
        return cls(**{n: arguments[n] for n in names if n in arguments}, **fields, row_index=row_index)

    @property
    def key_column(self) -> str | None:
        """The key column's name when the reader has one."""
        return self.key_column_name if self.include_key else None

    def schema(self, values: Mapping[str, pl.DataType] | Sequence[tuple[str, pl.DataType]],
               remedy: str = "rename the key, TTL, memory or row index column") -> pl.Schema:
        """Row index, key, the reader's value columns, TTL, memory usage; names must be unique."""
        columns: list[tuple[str, pl.DataType]] = []
        if self.row_index is not None:
            columns.append((self.row_index, pl.UInt32()))
        if self.include_key:
            columns.append((self.key_column_name, pl.String()))
        columns.extend(self.key_parts)
        columns.extend(values.items() if isinstance(values, Mapping) else values)
        if self.include_ttl:
            columns.append((self.ttl_column_name, pl.Int64()))
        if self.include_memory_usage:
            columns.append((self.memory_column_name, pl.Int64()))
        check_unique([name for name, _ in columns], remedy)
        return pl.Schema(columns)

    def plan(self, wanted: Collection[str]) -> dict[str, Any]:
        """The scan plan's entries for these columns: each is fetched only when Polars needs it."""
        entries: dict[str, Any] = {
            "include_key": self.include_key and self.key_column_name in wanted,
            "key_column_name": self.key_column_name,
            "include_row_index": self.row_index is not None and self.row_index in wanted,
            "row_index_column_name": self.row_index or DEFAULT_ROW_INDEX_NAME,
            "row_index_offset": self.row_index_offset,
        }
        if self.per_key_metadata:
            entries |= {
                "include_ttl": self.include_ttl and self.ttl_column_name in wanted,
                "ttl_column_name": self.ttl_column_name,
                "include_memory_usage": self.include_memory_usage and self.memory_column_name in wanted,
                "memory_column_name": self.memory_column_name,
            }
        return entries
