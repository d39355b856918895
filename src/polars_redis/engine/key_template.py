"""Typed columns parsed from the key: ``key_template="order:{region}:{id}"``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import polars as pl

from polars_redis._core import ConfigurationError, SchemaError
from polars_redis.engine.dtypes import normalize_schema
from polars_redis.engine.glob import escape_glob

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_PART_DTYPES = (pl.String, pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64,
                pl.Float32, pl.Float64, pl.Boolean, pl.Date, pl.Datetime)


class KeyTemplate:
    """A key layout: literal text with ``{name}`` parts, each read into a column of its dtype.

    A part matches one or more characters, any character (newline included); every part but the last takes as few as it can, so
    ``order:{region}:{id}`` reads ``order:eu:7:x`` as region ``eu`` and id ``7:x``. Keys that do
    not fit the template get null parts.
    """

    def __init__(self, template: str, dtypes: Mapping[str, Any] | None = None) -> None:
        self.template = template
        self.literals: list[str] = []
        self.parts: list[str] = []
        position = 0
        for match in _PLACEHOLDER.finditer(template):
            self.literals.append(template[position:match.start()])
            name = match.group(1)
            if not name.isidentifier():
                raise ConfigurationError(f"key_template {template!r}: part {{{name}}} must be a valid identifier")
            if name in self.parts:
                raise ConfigurationError(f"key_template {template!r}: part {{{name}}} appears twice")
            self.parts.append(name)
            position = match.end()
        self.literals.append(template[position:])
        if not self.parts:
            raise ConfigurationError(f"key_template {template!r} has no {{part}}")
        if any(not literal for literal in self.literals[1:-1]):
            raise ConfigurationError(f"key_template {template!r}: parts must be separated by literal text")
        given = dict(dtypes or {})
        unknown = sorted(set(given) - set(self.parts))
        if unknown:
            raise ConfigurationError(f"key_template_schema names {unknown}, which are not parts of {template!r}")
        resolved = normalize_schema({name: given.get(name, pl.String) for name in self.parts})
        for name, dtype in resolved.items():
            if dtype.base_type() not in _PART_DTYPES:
                raise ConfigurationError(f"key_template part {name!r}: dtype {dtype} is not supported")
        self.schema: dict[str, pl.DataType] = dict(resolved)
        groups = []
        for i, name in enumerate(self.parts):
            groups.append(_literal(self.literals[i]) + f"(?P<{name}>.+{'?' if i < len(self.parts) - 1 else ''})")
        # (?s): a part matches any character, newline included, as a Redis key may hold any byte.
        self.regex = "(?s)^" + "".join(groups) + _literal(self.literals[-1]) + "$"

    def glob(self, values: Mapping[str, str] | None = None) -> str:
        """The SCAN pattern of the keys this template fits, with known String parts filled in."""
        values = values or {}
        out = []
        for i, name in enumerate(self.parts):
            out.append(escape_glob(self.literals[i]))
            out.append(escape_glob(values[name]) if name in values else "*")
        out.append(escape_glob(self.literals[-1]))
        return "".join(out)

    def add_columns(self, frame: pl.DataFrame, key_column: str, wanted: list[str], ignore_errors: bool) -> pl.DataFrame:
        """`frame` with the `wanted` parts parsed from its key column."""
        raw = frame.get_column(key_column).str.extract_groups(self.regex)
        columns = []
        for name in wanted:
            text = raw.struct.field(name)
            dtype = self.schema[name]
            typed = text if dtype == pl.String else _parse(text, dtype)
            if not ignore_errors and dtype != pl.String:
                bad = text.is_not_null() & typed.is_null()
                if bad.any():
                    row = bad.arg_true()[0]
                    raise SchemaError(
                        f"key {frame.get_column(key_column)[row]!r}: key_template part {name!r} = "
                        f"{text[row]!r} does not parse as {dtype}"
                    )
            columns.append(typed.alias(name))
        return frame.with_columns(columns)


class TemplateColumns:
    """The template's parts as columns derived from the key column of each batch."""

    def __init__(self, template: KeyTemplate, key_column: str, ignore_errors: bool) -> None:
        self.template = template
        self.names = list(template.parts)
        self.source = key_column
        self.ignore_errors = ignore_errors

    def add(self, frame: pl.DataFrame, wanted: list[str]) -> pl.DataFrame:
        return self.template.add_columns(frame, self.source, wanted, self.ignore_errors)


def _literal(text: str) -> str:
    """`text` as a Polars (Rust) regex that matches it exactly.

    ASCII other than letters and digits is written as ``\\x{..}``: Python's re.escape spells
    some characters (space, ``#``, newline) in ways the Rust regex syntax need not read the same.
    """
    return "".join(f"\\x{{{ord(c):02x}}}" if c.isascii() and not c.isalnum() else c for c in text)


def _parse(text: pl.Series, dtype: pl.DataType) -> pl.Series:
    if dtype == pl.Boolean:
        lowered = text.str.to_lowercase()
        # The same words the value codecs accept.
        return (pl.select(pl.when(lowered.is_in(["true", "1", "yes", "t", "y", "on"])).then(True)
                          .when(lowered.is_in(["false", "0", "no", "f", "n", "off"])).then(False)
                          .otherwise(None)).to_series())
    if dtype == pl.Date:
        return text.str.to_date(strict=False)
    if dtype.base_type() == pl.Datetime:
        return text.str.to_datetime(strict=False).cast(dtype, strict=False)
    return text.cast(dtype, strict=False)


def resolve_template(
    template: str | None, dtypes: Mapping[str, Any] | None, pattern: str, include_key: bool
) -> tuple[KeyTemplate | None, str]:
    """The scan's template and its pattern: the template's own glob replaces the default ``"*"``."""
    if template is None:
        if dtypes:
            raise ConfigurationError("key_template_schema is given without a key_template")
        return None, pattern
    if not include_key:
        raise ConfigurationError("key_template parses the key column: it needs include_key=True")
    parsed = KeyTemplate(template, dtypes)
    return parsed, parsed.glob() if pattern == "*" else pattern
