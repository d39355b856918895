"""The predicate helpers that decide what a scan applies on the client."""

from __future__ import annotations

import polars as pl

from polars_redis.pushdown.predicate import and_terms, effective_predicate


def test_and_terms_split_nested_conjunctions() -> None:
    a, b, c = pl.col("a") > 1, pl.col("b") == "x", pl.col("c").is_null()
    terms = and_terms((a & b) & c)
    # The order of AND-terms carries no meaning (meta.pop() lists operands right to left).
    assert sorted(str(t) for t in terms) == sorted([str(a), str(b), str(c)])


def test_or_and_single_terms_stay_whole() -> None:
    either = (pl.col("a") > 1) | (pl.col("b") < 2)
    assert [str(t) for t in and_terms(either)] == [str(either)]
    assert [str(t) for t in and_terms(pl.col("a") > 1)] == [str(pl.col("a") > 1)]


def test_user_predicates_are_kept_unchanged() -> None:
    predicate = (pl.col("a") > 1) & ~(pl.col("b") == "dynamic")
    assert effective_predicate(predicate) is predicate
    assert effective_predicate(None) is None
    frame = pl.DataFrame({"a": [0, 2, 3], "b": ["x", "dynamic", "y"]})
    assert frame.filter(effective_predicate(predicate))["a"].to_list() == [3]
