"""Polars dtypes <-> the core's dtype descriptors, and schema normalisation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Union

import polars as pl

from polars_redis._core import ConfigurationError

SchemaLike = Union[Mapping[str, Any], "pl.Schema", Iterable[tuple[str, Any]]]

_SIMPLE: dict[Any, str] = {
    pl.String: "string", pl.Binary: "binary", pl.Boolean: "boolean",
    pl.Int8: "int8", pl.Int16: "int16", pl.Int32: "int32", pl.Int64: "int64",
    pl.UInt8: "uint8", pl.UInt16: "uint16", pl.UInt32: "uint32", pl.UInt64: "uint64",
    pl.Float32: "float32", pl.Float64: "float64", pl.Date: "date", pl.Time: "time",
    pl.Categorical: "categorical",
}


def _instantiate(dtype: Any) -> pl.DataType:
    if isinstance(dtype, type) and issubclass(dtype, pl.DataType):
        return dtype()
    if isinstance(dtype, pl.DataType):
        return dtype
    raise ConfigurationError(f"{dtype!r} is not a Polars dtype")


def to_descriptor(name: str, dtype: Any, *, nested: bool = False) -> dict[str, Any]:
    """The core's descriptor for a Polars dtype; ConfigurationError names unsupported ones.

    `nested` admits List and Struct (recursively), for readers of nested data (JSON).
    """
    dt = _instantiate(dtype)
    base = dt.base_type()
    if base in _SIMPLE:
        return {"id": _SIMPLE[base]}
    if base == pl.Datetime:
        return {"id": "datetime", "unit": dt.time_unit or "us", "tz": dt.time_zone}  # type: ignore[attr-defined]
    if base == pl.Decimal:
        precision = dt.precision or 38  # type: ignore[attr-defined]
        return {"id": "decimal", "precision": precision, "scale": dt.scale or 0}  # type: ignore[attr-defined]
    if base == pl.Enum:
        return {"id": "enum", "categories": list(dt.categories)}  # type: ignore[attr-defined]
    if nested and base == pl.List:
        return {"id": "list", "inner": to_descriptor(name, dt.inner, nested=True)}  # type: ignore[attr-defined]
    if nested and base == pl.Struct:
        fields = [(f.name, to_descriptor(f"{name}.{f.name}", f.dtype, nested=True)) for f in dt.fields]  # type: ignore[attr-defined]
        return {"id": "struct", "fields": fields}
    raise ConfigurationError(
        f"column {name!r}: dtype {dt} is not supported for this Redis type; use one of String, "
        "Binary, Boolean, Int8..Int64, UInt8..UInt64, Float32, Float64, Decimal, Date, Datetime, "
        "Time, Categorical, Enum" + (", List, Struct" if nested else "")
    )


def from_descriptor(spec: Mapping[str, Any]) -> pl.DataType:
    kind = spec["id"]
    if kind == "datetime":
        return pl.Datetime(spec.get("unit", "us"), spec.get("tz"))
    if kind == "list":
        return pl.List(from_descriptor(spec["inner"]))
    if kind == "struct":
        return pl.Struct([pl.Field(name, from_descriptor(inner)) for name, inner in spec["fields"]])
    for dtype, ident in _SIMPLE.items():
        if ident == kind:
            return dtype()
    raise ConfigurationError(f"unknown dtype descriptor {spec!r}")


def _is_dtype(value: Any) -> bool:
    return isinstance(value, pl.DataType) or (isinstance(value, type) and issubclass(value, pl.DataType))


def _pairs(schema: Any, what: str) -> list[tuple[Any, Any]]:
    """The (name, dtype) pairs of a schema given as a mapping or as pairs; anything else raises
    naming what was given instead."""
    if isinstance(schema, Mapping | pl.Schema):
        return list(schema.items())
    hint = f"{what} must map column names to Polars dtypes, e.g. {{'name': pl.String, 'age': pl.Int64}}"
    if isinstance(schema, str | bytes) or _is_dtype(schema) or not isinstance(schema, Iterable):
        raise ConfigurationError(f"{hint}; got {type(schema).__name__} {schema!r}")
    pairs = list(schema)
    for item in pairs:
        if not isinstance(item, tuple | list) or len(item) != 2:
            kind = "dtype" if _is_dtype(item) else "name" if isinstance(item, str) else type(item).__name__
            raise ConfigurationError(
                f"{hint} (or a list of (name, dtype) pairs); got a {type(schema).__name__} holding the {kind} {item!r}"
            )
    return [(name, dtype) for name, dtype in pairs]


def normalize_schema(schema: SchemaLike, *, nested: bool = False, what: str = "schema") -> dict[str, pl.DataType]:
    """Accept a dict, a pl.Schema or (name, dtype) pairs; validate every name and dtype (List and
    Struct too when `nested`). `what` names the option in errors."""
    result: dict[str, pl.DataType] = {}
    for name, dtype in _pairs(schema, what):
        if not isinstance(name, str):
            raise ConfigurationError(f"{what}: column names must be strings, got {type(name).__name__} {name!r}")
        if name in result:
            raise ConfigurationError(f"{what}: column {name!r} appears twice")
        if not _is_dtype(dtype):
            raise ConfigurationError(
                f"{what}: column {name!r}: {dtype!r} is not a Polars dtype (e.g. pl.String, pl.Int64)"
            )
        to_descriptor(name, dtype, nested=nested)
        result[name] = _instantiate(dtype)
    return result


def needs_cast(dtype: pl.DataType) -> bool:
    """Dtypes the core builds as strings and Polars casts (Categorical, Enum), also inside
    List and Struct."""
    base = dtype.base_type()
    if base == pl.List:
        return needs_cast(dtype.inner)  # type: ignore[attr-defined]
    if base == pl.Struct:
        return any(needs_cast(field.dtype) for field in dtype.fields)  # type: ignore[attr-defined]
    return base in (pl.Categorical, pl.Enum)
