"""Polars expressions and dtypes given as command-line text, evaluated with only `pl` in scope."""

from __future__ import annotations

import ast
from typing import Any

import polars as pl


class CliError(Exception):
    """A problem with the command line's input, reported as one line without a traceback."""


def _restricted_eval(text: str, names: dict[str, Any], what: str) -> Any:
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise CliError(f"{what} {text!r} is not a valid expression: {exc.msg}") from None
    for node in ast.walk(tree):
        # No builtins are in scope, and no dunder/private attribute can reach them either.
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            raise CliError(f"{what} {text!r}: attribute {node.attr!r} is not allowed")
        if isinstance(node, ast.Name) and node.id not in names:
            hint = " (only `pl` is available)" if list(names) == ["pl"] else ""
            raise CliError(f"{what} {text!r}: unknown name {node.id!r}{hint}")
        if isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.NamedExpr)):
            raise CliError(f"{what} {text!r}: {type(node).__name__} is not allowed")
    try:
        return eval(compile(tree, "<command line>", "eval"), {"__builtins__": {}}, dict(names))  # noqa: S307
    except Exception as exc:  # the expression itself raised (wrong arguments, ...)
        raise CliError(f"{what} {text!r} failed: {exc}") from None


def parse_where(text: str) -> pl.Expr:
    """``'pl.col("age") > 30'`` -> a Polars expression (``pl`` is the only name in scope)."""
    expr = _restricted_eval(text, {"pl": pl}, "--where")
    if not isinstance(expr, pl.Expr):
        raise CliError(f"--where {text!r} must be a Polars expression, got {type(expr).__name__}")
    return expr


_DTYPE_NAMES: dict[str, Any] = {
    name: getattr(pl, name) for name in dir(pl)
    if isinstance(getattr(pl, name), type) and issubclass(getattr(pl, name), pl.DataType)
}
_DTYPE_NAMES["pl"] = pl


def _split_top_level(text: str) -> list[str]:
    """Split on commas outside parentheses/brackets, so ``ts=Datetime("ms", "UTC")`` stays whole."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def parse_schema(text: str) -> dict[str, pl.DataType]:
    """``'name=String,age=Int64,ts=Datetime("ms")'`` -> {column: dtype}, in order."""
    schema: dict[str, pl.DataType] = {}
    for part in _split_top_level(text):
        name, sep, dtype_text = part.partition("=")
        name = name.strip()
        if not sep or not name or not dtype_text.strip():
            raise CliError(f"--schema entry {part!r} must look like name=Dtype, e.g. age=Int64")
        dtype = _restricted_eval(dtype_text, _DTYPE_NAMES, f"--schema dtype for {name!r}:")
        if isinstance(dtype, type) and issubclass(dtype, pl.DataType):
            dtype = dtype()
        if not isinstance(dtype, pl.DataType):
            raise CliError(f"--schema dtype for {name!r}: {dtype_text.strip()!r} is not a Polars dtype")
        schema[name] = dtype
    if not schema:
        raise CliError("--schema is empty; give name=Dtype pairs, e.g. 'name=String,age=Int64'")
    return schema
