"""Translation of predicate terms into RediSearch syntax, rule by rule (no server needed: the
end-to-end table in test_pushdown_search.py checks the same rules against Redis)."""

from __future__ import annotations

import polars as pl
import pytest

from polars_redis.pushdown.expr_tree import And, Between, Compare, IsIn, IsNull, Not, Opaque, Or, StringMatch, parse_predicate
from polars_redis.engine.glob import escape_glob, literal_prefix, narrow_to_prefix
from polars_redis.pushdown.search_index import DEFAULT_STOPWORDS, IndexField, normalize_identifier
from polars_redis.pushdown.search_query import QueryContext, escape_text, translate_predicate

FIELDS = {
    "n": IndexField("n", "n", "NUMERIC"),
    "t": IndexField("t", "t", "TAG", separator=","),
    "cs": IndexField("cs", "cs", "TAG", separator=None, case_sensitive=True),
    "txt": IndexField("txt", "txt", "TEXT"),
    "m": IndexField("m", "m", "TAG", separator=",", index_missing=True),
    "hidden": IndexField("hidden", "hidden", "NUMERIC", searchable=False),
}
DTYPES = {"n": pl.Int64(), "t": pl.String(), "cs": pl.String(), "txt": pl.String(), "m": pl.String(),
          "f32": pl.Float32(), "hidden": pl.Int64(), "b": pl.Boolean()}
CONTEXT = QueryContext(FIELDS | {"f32": IndexField("f32", "f32", "NUMERIC"), "b": IndexField("b", "b", "TAG")},
                       DTYPES, DEFAULT_STOPWORDS, 2, True)


def query(node) -> str | None:
    translation = translate_predicate(node, CONTEXT).translation
    return None if translation is None else translation.query


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        (Compare("n", "gt", 5, pl.Int64()), "@n:[(5 +inf]"),
        (Compare("n", "ge", 5, pl.Int64()), "@n:[5 +inf]"),
        (Compare("n", "lt", -2.5, pl.Float64()), "@n:[-inf (-2.5]"),
        (Compare("n", "le", 0, pl.Int64()), "@n:[-inf 0]"),
        (Compare("n", "eq", 7, pl.Int64()), "@n:[7 7]"),
        (Compare("n", "ne", 7, pl.Int64()), "-@n:[7 7]"),
        (Compare("n", "gt", 2**60, pl.Int64()), "@n:[1.152921504606847e+18 +inf]"),
        (Compare("n", "ne", 2**60, pl.Int64()), None),  # inexact bounds cannot be negated
        (Compare("n", "gt", float("inf"), pl.Float64()), "@n:[(+inf +inf]"),
        (Between("n", 1, 9, "none", pl.Int64()), "@n:[(1 (9]"),
        (IsIn("n", (1, 2), pl.Int64()), "(@n:[1 1]) | (@n:[2 2])"),
        (IsNull("n", False), "-@n:[-inf +inf]"),
        (IsNull("n", True), "@n:[-inf +inf]"),
        (Compare("f32", "gt", 1.0, pl.Float64()), None),  # Float32 compares differently
        (Compare("hidden", "gt", 1, pl.Int64()), None),  # NOINDEX attribute
        (Compare("t", "eq", "a b", pl.String()), r"@t:{a\ b}"),
        (Compare("t", "eq", "a,b", pl.String()), None),  # the separator splits stored values
        (Compare("t", "eq", " a", pl.String()), None),  # HASH tags are trimmed, JSON tags are not
        (Compare("t", "eq", "a\u00a0", pl.String()), None),  # Unicode white space too
        (Compare("t", "eq", "a\\b", pl.String()), None),
        (Compare("t", "eq", "a\x7fb", pl.String()), None),  # the parser drops control characters
        (Compare("t", "eq", "x" * 4097, pl.String()), None),  # tags are cut at 4096 bytes
        (Compare("t", "eq", "é" * 2048, pl.String()), "@t:{" + "é" * 2048 + "}"),
        (Compare("t", "eq", "_", pl.String()), r"@t:{\_}"),  # a lone _ is a syntax error unescaped
        (Compare("t", "eq", "", pl.String()), None),
        (IsIn("t", ("x", "y"), pl.String()), "(@t:{x}) | (@t:{y})"),
        (StringMatch("t", "starts_with", "ab"), "@t:{ab*}"),
        (StringMatch("t", "ends_with", "ab"), None),  # a cut long tag would lose its end
        (StringMatch("t", "contains", "ab"), None),
        (StringMatch("t", "starts_with", "a"), None),  # below MINPREFIX
        (StringMatch("t", "starts_with", "ab,cd"), None),
        (Compare("t", "ne", "x", pl.String()), None),
        (Compare("b", "eq", False, pl.Boolean()), "@b:{false | 0 | no | f | n | off}"),
        (Compare("txt", "eq", "Hello, World", pl.String()), "@txt:(Hello World)"),
        (Compare("txt", "eq", "The End", pl.String()), "@txt:End"),
        (Compare("txt", "eq", "a/b c", pl.String()), "@txt:(b c)"),  # '/' splits; 'a' is a stop-word
        (Compare("txt", "eq", "Ωmega x", pl.String()), "@txt:x"),  # non-ASCII words fold inconsistently
        (Compare("txt", "eq", "x" * 129, pl.String()), None),  # words are cut at 128 bytes
        (Compare("txt", "eq", "a\\-b", pl.String()), None),
        (StringMatch("txt", "starts_with", "hello wo"), "@txt:(hello wo*)"),
        (StringMatch("txt", "starts_with", "hello "), "@txt:hello"),
        (StringMatch("txt", "ends_with", "lo world"), "@txt:world"),  # no suffix wildcards: words are cut
        (StringMatch("txt", "contains", "ell"), None),
        # A separator first in the literal may be escaped by a backslash before it in the stored text.
        (StringMatch("txt", "contains", " ell"), None),
        (StringMatch("txt", "contains", ", ell"), "@txt:ell*"),
        (StringMatch("txt", "starts_with", " ell"), "@txt:ell*"),
        (StringMatch("txt", "contains", "ell "), None),
        (StringMatch("txt", "contains", "big ell"), "@txt:ell*"),
        (StringMatch("txt", "starts_with", "th"), None),  # could be the stop-word "the"
        (IsNull("m", False), "ismissing(@m)"),
        (IsNull("m", True), "-ismissing(@m)"),
        (IsNull("t", False), None),  # no INDEXMISSING
        (Not(Compare("n", "gt", 5, pl.Int64())), "-(@n:[(5 +inf])"),
        (Not(Compare("t", "eq", "x", pl.String())), None),
        (Or((Compare("n", "gt", 5, pl.Int64()), Opaque("udf"))), None),
        (Or((Compare("n", "gt", 5, pl.Int64()), Compare("t", "eq", "x", pl.String()))), "(@n:[(5 +inf]) | (@t:{x})"),
        (And((Compare("n", "gt", 5, pl.Int64()), Opaque("udf"))), "@n:[(5 +inf]"),
        (Not(And((Compare("n", "gt", 5, pl.Int64()), Compare("n", "lt", 9, pl.Int64())))),
         "-((@n:[(5 +inf]) (@n:[-inf (9]))"),
        (Compare("cs", "eq", "A,b", pl.String()), r"@cs:{A\,b}"),  # no separator: one tag
    ],
)
def test_translation(node, expected: str | None) -> None:
    assert query(node) == expected


def test_top_level_terms_report_what_was_pushed() -> None:
    udf = Opaque("udf")
    term = Compare("n", "gt", 1, pl.Int64())
    refused = StringMatch("t", "contains", "ab")
    translation, pushed, skipped, refusals = translate_predicate(And((term, udf, refused)), CONTEXT)
    assert translation is not None and translation.query == "@n:[(1 +inf]" and not translation.exact
    assert pushed == [term] and skipped == [udf, refused]
    assert [t for t, _ in refusals] == [refused] and "4096 bytes" in refusals[0][1]


def test_is_null_is_not_pushed_when_unparsable_values_read_as_null() -> None:
    lenient = QueryContext(CONTEXT.fields, CONTEXT.dtypes, DEFAULT_STOPWORDS, 2, nulls_only_when_missing=False)
    assert translate_predicate(IsNull("n", False), lenient)[0] is None
    assert translate_predicate(IsNull("m", False), lenient)[0] is None


def test_escape_text_escapes_every_ascii_punctuation() -> None:
    assert escape_text("a|b@c{d}e:f\\g h-i_j ü") == "a\\|b\\@c\\{d\\}e\\:f\\\\g\\ h\\-i\\_j\\ ü"


def test_json_identifiers_are_normalized() -> None:
    assert normalize_identifier("$['a'][\"b\"].c") == "$.a.b.c"


def test_glob_helpers() -> None:
    assert escape_glob("a*b?[c]\\") == "a\\*b\\?\\[c\\]\\\\"
    assert literal_prefix("user:\\*x*") == ("user:*x", "*")
    assert literal_prefix("exact") == ("exact", "")
    assert narrow_to_prefix("user:*", "user:1") == ("user:1*", None)
    assert narrow_to_prefix("user:*:x", "user:1") == ("user:1*", "user:*:x")
    assert narrow_to_prefix("user:12*", "user:1") == ("user:12*", None)
    assert narrow_to_prefix("user:*", "order:") is None
    assert narrow_to_prefix("user:5", "user:6") is None


JSON_CONTEXT = QueryContext(
    {"n": IndexField("n", "$.n", "NUMERIC"), "m": IndexField("m", "$.m", "TAG", index_missing=True),
     "p": IndexField("p", "$.items[*].p", "NUMERIC")},
    {"n": pl.Int64(), "m": pl.String(), "p": pl.Float64()}, DEFAULT_STOPWORDS, 2, True, key_type="JSON",
)


@pytest.mark.parametrize(
    ("node", "expected", "exact"),
    [
        (IsNull("m", False), None, None),  # ismissing() does not match a present JSON null
        (IsNull("m", True), "-ismissing(@m)", False),  # a superset: a null is not missing
        (IsNull("n", False), "-@n:[-inf +inf]", True),  # a null has no number either
        (Compare("p", "eq", 5.0, pl.Float64()), "@p:[5.0 5.0]", False),  # first match vs any match
        (Compare("p", "ne", 5.0, pl.Float64()), None, None),
        (Not(Compare("p", "gt", 5.0, pl.Float64())), None, None),
        (IsNull("p", True), None, None),
    ],
)
def test_json_rules(node, expected: str | None, exact: bool | None) -> None:
    translation = translate_predicate(node, JSON_CONTEXT).translation
    assert (None if translation is None else (translation.query, translation.exact)) == (
        None if expected is None else (expected, exact))


def test_refusals_name_the_reason() -> None:
    result = translate_predicate(Compare("p", "ne", 5.0, pl.Float64()), JSON_CONTEXT)
    assert result.translation is None and "several values" in result.refusals[0][1]


@pytest.mark.parametrize(
    ("expr", "is_term"),
    [
        (pl.col("i32").cast(pl.Int64) > 0, True),  # widening: the identity on values
        (pl.col("i32").cast(pl.Int64, strict=False) > 0, True),
        (pl.col("u64").cast(pl.Int64, wrap_numerical=True) < 0, False),  # 2**63 wraps negative
        (pl.col("u64").cast(pl.Int64, strict=False).is_null(), False),  # ... or becomes null
        (pl.col("f").cast(pl.Int64, strict=False) > 0, False),  # truncates
        (pl.col("i32").cast(pl.Int16, wrap_numerical=True) > 0, False),
    ],
)
def test_only_value_preserving_casts_are_terms_over_the_column(expr: pl.Expr, is_term: bool) -> None:
    schema = pl.Schema({"i32": pl.Int32, "u64": pl.UInt64, "f": pl.Float64})
    assert (not isinstance(parse_predicate(expr, schema), Opaque)) == is_term
