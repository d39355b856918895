"""A Polars predicate as a small tree of the terms pushdown understands.

Polars hands an IO source its predicate as an expression. Its JSON form (``meta.serialize``) tells
the shape of each node but is not stable across Polars versions and encodes list literals as
binary; so the JSON is read only for node kinds and operators, sub-expressions come from
``meta.pop()`` and literal values are evaluated by Polars itself (``pl.select``). Anything not
recognised becomes :class:`Opaque`, which is never pushed: degrading to "push nothing" is always
correct because the full predicate is re-applied on the client.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Union

import polars as pl

COMPARISONS = {"Eq": "eq", "NotEq": "ne", "Lt": "lt", "LtEq": "le", "Gt": "gt", "GtEq": "ge"}
_FLIPPED = {"eq": "eq", "ne": "ne", "lt": "gt", "le": "ge", "gt": "lt", "ge": "le"}
_AND = ("And", "LogicalAnd")
_OR = ("Or", "LogicalOr")
_REGEX_META = re.compile(r"[\\.^$|?*+()\[\]{}]")


@dataclass(frozen=True)
class Compare:
    """``column <op> value`` with op one of eq, ne, lt, le, gt, ge."""

    column: str
    op: str
    value: Any
    dtype: pl.DataType  # the literal's dtype as Polars evaluated it


@dataclass(frozen=True)
class IsIn:
    column: str
    values: tuple[Any, ...]
    dtype: pl.DataType  # the dtype of the values


@dataclass(frozen=True)
class Between:
    column: str
    low: Any
    high: Any
    closed: str  # both, left, right, none
    dtype: pl.DataType


@dataclass(frozen=True)
class IsNull:
    column: str
    negated: bool  # True for is_not_null


@dataclass(frozen=True)
class StringMatch:
    column: str
    kind: str  # starts_with, ends_with, contains
    text: str


@dataclass(frozen=True)
class And:
    terms: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    terms: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    term: Node


@dataclass(frozen=True)
class Opaque:
    """A term pushdown does not understand (it stays a client-side filter only)."""

    text: str


Node = Union[Compare, IsIn, Between, IsNull, StringMatch, And, Or, Not, Opaque]


class _Untranslatable(Exception):
    pass


def parse_predicate(expr: pl.Expr, schema: pl.Schema) -> Node:
    """The tree of `expr`; unrecognised sub-terms become Opaque (never an exception)."""
    try:
        tree = json.loads(expr.meta.serialize(format="json"))
    except Exception:
        return Opaque(str(expr))
    return _node(expr, tree, schema)


def _node(expr: pl.Expr, tree: Any, schema: pl.Schema) -> Node:
    try:
        return _parse(expr, tree, schema)
    except _Untranslatable:
        return Opaque(str(expr))
    except Exception:  # a Polars version whose shapes we do not know: push nothing
        return Opaque(str(expr))


def _parse(expr: pl.Expr, tree: Any, schema: pl.Schema) -> Node:
    if not isinstance(tree, dict) or len(tree) != 1:
        raise _Untranslatable
    kind, body = next(iter(tree.items()))
    if kind == "Column":
        # A Boolean column used as a predicate means "is true".
        if _column_dtype(body, schema) == pl.Boolean:
            return Compare(body, "eq", True, pl.Boolean())
        raise _Untranslatable
    if kind == "BinaryExpr":
        return _binary(expr, body, schema)
    if kind == "Function":
        return _function(expr, body, schema)
    raise _Untranslatable


def _children(expr: pl.Expr, trees: list[Any]) -> list[pl.Expr]:
    """The sub-expressions of `expr` in the order of `trees` (their JSON).

    ``meta.pop()`` lists inputs in reverse order in the Polars versions we know; the order is
    checked against the JSON (each sub-expression must serialize to its node) rather than assumed.
    """
    popped = expr.meta.pop()
    if len(popped) != len(trees):
        raise _Untranslatable
    for candidate in (list(reversed(popped)), popped):
        if all(_matches(sub, tree) for sub, tree in zip(candidate, trees)):
            return candidate
    raise _Untranslatable


def _matches(sub: pl.Expr, tree: Any) -> bool:
    try:
        return json.loads(sub.meta.serialize(format="json")) == tree
    except Exception:
        return False


# Integer dtypes every value of which Int64 holds: a cast of them to Int64 is the identity on
# values, whatever its strict / wrap_numerical options. Any other cast can change values (UInt64
# wraps or becomes null), so a term over it is not a term over the column.
_LOSSLESS_TO_INT64 = (pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32)


def _column_name(tree: Any) -> str | None:
    """The column a node refers to: a plain column, or an integer column widened by a cast
    (Polars 1.x casts Int32 columns to Int64 for is_in)."""
    if not isinstance(tree, dict):
        return None
    if "Column" in tree and isinstance(tree["Column"], str):
        return tree["Column"]
    cast = tree.get("Cast")
    if isinstance(cast, dict) and isinstance(cast.get("expr"), dict) and "Column" in cast["expr"]:
        target = cast.get("dtype")
        if isinstance(target, dict) and target.get("Literal") == "Int64":
            return cast["expr"]["Column"]
    return None


def _column(tree: Any, schema: pl.Schema) -> str:
    name = _column_name(tree)
    if name is None or name not in schema:
        raise _Untranslatable
    if "Cast" in tree and not isinstance(schema[name], _LOSSLESS_TO_INT64):
        raise _Untranslatable
    return name


def _column_dtype(name: Any, schema: pl.Schema) -> pl.DataType | None:
    return schema.get(name) if isinstance(name, str) else None


def _literal(sub: pl.Expr) -> pl.Series:
    """Evaluate a column-free sub-expression to a one-value Series (raises if it has columns)."""
    if sub.meta.root_names():
        raise _Untranslatable
    series = pl.select(sub.alias("value")).to_series()
    if series.len() != 1:
        raise _Untranslatable
    return series


def _scalar(sub: pl.Expr) -> tuple[Any, pl.DataType]:
    series = _literal(sub)
    value = series[0]
    if value is None or isinstance(value, float) and value != value:  # null or NaN: never pushed
        raise _Untranslatable
    return value, series.dtype


def _binary(expr: pl.Expr, body: dict[str, Any], schema: pl.Schema) -> Node:
    op = body.get("op")
    left_tree, right_tree = body.get("left"), body.get("right")
    left, right = _children(expr, [left_tree, right_tree])
    if op in _AND or op in _OR:
        terms = (_node(left, left_tree, schema), _node(right, right_tree, schema))
        flat: list[Node] = []
        for term in terms:  # a & (b & c) is one AND of three terms
            same = And if op in _AND else Or
            flat.extend(term.terms if isinstance(term, same) else (term,))
        return And(tuple(flat)) if op in _AND else Or(tuple(flat))
    if op not in COMPARISONS:
        raise _Untranslatable
    name = COMPARISONS[op]
    if _column_name(left_tree) is not None:
        value, dtype = _scalar(right)
        return Compare(_column(left_tree, schema), name, value, dtype)
    if _column_name(right_tree) is not None:
        value, dtype = _scalar(left)
        return Compare(_column(right_tree, schema), _FLIPPED[name], value, dtype)
    raise _Untranslatable


def _function(expr: pl.Expr, body: dict[str, Any], schema: pl.Schema) -> Node:
    inputs = body.get("input")
    function = body.get("function")
    if not isinstance(inputs, list) or not inputs:
        raise _Untranslatable
    subs = _children(expr, inputs)
    boolean = function.get("Boolean") if isinstance(function, dict) else None
    string = function.get("StringExpr") if isinstance(function, dict) else None
    if boolean == "Not" and len(inputs) == 1:
        return Not(_node(subs[0], inputs[0], schema))
    if boolean in ("IsNull", "IsNotNull") and len(inputs) == 1:
        return IsNull(_column(inputs[0], schema), negated=boolean == "IsNotNull")
    if isinstance(boolean, dict) and "IsIn" in boolean and len(inputs) == 2:
        series = _literal(subs[1])
        values = series[0] if series.dtype.base_type() == pl.List else series
        if not isinstance(values, pl.Series):
            raise _Untranslatable
        values = values.drop_nulls()  # null never equals anything unless nulls_equal
        if (boolean["IsIn"] or {}).get("nulls_equal") and series.null_count() + values.null_count():
            raise _Untranslatable
        return IsIn(_column(inputs[0], schema), tuple(values.to_list()), values.dtype)
    if isinstance(boolean, dict) and "IsBetween" in boolean and len(inputs) == 3:
        closed = str((boolean["IsBetween"] or {}).get("closed", "Both")).lower()
        low, dtype = _scalar(subs[1])
        high, _ = _scalar(subs[2])
        return Between(_column(inputs[0], schema), low, high, closed, dtype)
    if string in ("StartsWith", "EndsWith") and len(inputs) == 2:
        text, dtype = _scalar(subs[1])
        if dtype != pl.String:
            raise _Untranslatable
        return StringMatch(_column(inputs[0], schema), "starts_with" if string == "StartsWith" else "ends_with", text)
    if isinstance(string, dict) and "Contains" in string and len(inputs) == 2:
        text, dtype = _scalar(subs[1])
        literal = bool((string["Contains"] or {}).get("literal"))
        # A regex without metacharacters is a plain substring test.
        if dtype != pl.String or not literal and _REGEX_META.search(text):
            raise _Untranslatable
        return StringMatch(_column(inputs[0], schema), "contains", text)
    raise _Untranslatable


def conjuncts(node: Node) -> tuple[Node, ...]:
    """The AND-terms of a tree (the tree itself when its root is not an AND)."""
    return node.terms if isinstance(node, And) else (node,)


_OPS = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}


def describe(node: Node) -> str:
    """A short Polars-like rendering of a term, for explain output."""
    if isinstance(node, Compare):
        return f"col({node.column!r}) {_OPS[node.op]} {node.value!r}"
    if isinstance(node, IsIn):
        return f"col({node.column!r}).is_in({list(node.values)!r})"
    if isinstance(node, Between):
        return f"col({node.column!r}).is_between({node.low!r}, {node.high!r}, closed={node.closed!r})"
    if isinstance(node, IsNull):
        return f"col({node.column!r}).{'is_not_null' if node.negated else 'is_null'}()"
    if isinstance(node, StringMatch):
        return f"col({node.column!r}).str.{node.kind}({node.text!r})"
    if isinstance(node, And):
        return " & ".join(f"({describe(t)})" for t in node.terms)
    if isinstance(node, Or):
        return " | ".join(f"({describe(t)})" for t in node.terms)
    if isinstance(node, Not):
        return f"~({describe(node.term)})"
    return node.text
