"""Client-side application of the predicate Polars hands an IO source."""

from __future__ import annotations

import json

import polars as pl


def _is_and(expr: pl.Expr) -> bool:
    """True when the expression's root is a boolean AND (JSON shape differs across versions)."""
    try:
        tree = json.loads(expr.meta.serialize(format="json"))
    except Exception:
        return False
    binary = tree.get("BinaryExpr") if isinstance(tree, dict) else None
    return isinstance(binary, dict) and binary.get("op") in ("And", "LogicalAnd")


def and_terms(expr: pl.Expr) -> list[pl.Expr]:
    """The AND-terms of a predicate; the predicate itself when its root is not an AND."""
    if not _is_and(expr):
        return [expr]
    return [term for operand in expr.meta.pop() for term in and_terms(operand)]


def _is_dynamic_predicate(expr: pl.Expr) -> bool:
    return "dynamic_pred" in str(expr)


def effective_predicate(predicate: pl.Expr | None) -> pl.Expr | None:
    """The predicate to apply on the client.

    Polars 1.39 to 1.43 push a `dynamic_pred` term (from sort().head()) into IO plugins, and it
    panics when evaluated outside the engine. It only narrows rows that the engine filters again,
    so that AND-term alone is dropped; the user's own terms are always kept.
    """
    if predicate is None or not _is_dynamic_predicate(predicate):
        return predicate
    terms = [term for term in and_terms(predicate) if not _is_dynamic_predicate(term)]
    if not terms:
        return None
    combined = terms[0]
    for term in terms[1:]:
        combined = combined & term
    return combined
