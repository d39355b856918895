"""Predicate terms -> a RediSearch query (DIALECT 2) that selects a superset of the matching rows.

The server only narrows; the full predicate is re-applied on the client. A translation may select
*more* documents than the predicate (case folding, tags split on a separator, words in any order,
doubles for large integers) but never fewer, under RediSearch's real semantics (checked against the
server by tests/search/test_pushdown_differential.py). A term whose translation cannot be shown to be a
superset is not pushed and the reason is reported (`Refusal`); it is never narrowed. Negation flips
a superset into a subset, so ``~`` is pushed only over translations marked `exact`: the documents
selected are exactly those where the predicate is true, plus possibly some where it is null
(three-valued logic drops those anyway).

Literals are always escaped: a hostile value can only ever match itself.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple, Union

import polars as pl

from polars_redis.pushdown.expr_tree import Between, Compare, IsIn, IsNull, Node, Not, Or, StringMatch, conjuncts
from polars_redis.pushdown.expr_tree import And as AndNode
from polars_redis.pushdown.search_index import IndexField

# The ASCII characters RediSearch's TEXT tokenizer splits on, measured on the server (2.10): tab,
# space and every punctuation character except backslash (an escape) and underscore. Control
# characters do not split; no non-ASCII character splits.
_TEXT_SEPARATORS = frozenset("\t !\"#$%&'()*+,-./:;<=>?@[]^`{|}~")
_BOOL_WORDS = {True: ("true", "1", "yes", "t", "y", "on"), False: ("false", "0", "no", "f", "n", "off")}
# Integers below this magnitude survive RediSearch's double storage; at and beyond it distinct
# integers share a double, so a bound there only selects a superset (and cannot be negated).
_EXACT_INTEGERS = 2**53
_NUMERIC_COLUMNS = (pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64, pl.Float64)
# The server cuts longer values when it indexes them (measured, 2.10): a TAG value to 4096 bytes,
# a TEXT word to 128 bytes. A query term longer than that matches nothing, and a stored value's
# tail past the cut is gone, so suffix and infix wildcards could miss it.
TAG_MAX_BYTES = 4096
TEXT_MAX_BYTES = 128


@dataclass(frozen=True)
class Translation:
    query: str
    exact: bool


@dataclass(frozen=True)
class Refusal:
    """A term over an indexed attribute that is not pushed, and why (for explain and the warning)."""

    reason: str


Outcome = Union[Translation, Refusal, None]  # None: the term does not concern the index at all


@dataclass(frozen=True)
class QueryContext:
    """What translation needs to know about each column and the index."""

    fields: Mapping[str, IndexField]  # column name -> the index attribute holding it
    dtypes: Mapping[str, pl.DataType]
    stopwords: frozenset[str]
    min_prefix: int
    nulls_only_when_missing: bool  # False under ignore_errors: an unparsable value reads as null
    key_type: str = "HASH"  # JSON: a value can be a present null, and paths can match several values
    # False when TEXT may be tokenized as Chinese (LANGUAGE chinese, or a per-document
    # LANGUAGE_FIELD): words are then not delimited by the separators alone.
    separator_tokenizer: bool = True


class PushedQuery(NamedTuple):
    translation: Translation | None
    pushed: list[Node]
    skipped: list[Node]
    refusals: list[tuple[Node, str]]  # skipped terms over indexed attributes, with the reason


def escape_text(value: str) -> str:
    """Backslash-escape every ASCII character that is not a letter or digit (``_`` included: a
    lone ``_`` is a syntax error unescaped)."""
    return "".join("\\" + ch if ch.isascii() and not ch.isalnum() else ch for ch in value)


def attribute(name: str) -> str:
    return "@" + escape_text(name)


def translate_predicate(node: Node, context: QueryContext) -> PushedQuery:
    """The query for the AND-terms of `node` that translate, which terms were / were not pushed,
    and why the terms over indexed attributes that were not pushed were refused."""
    pushed: list[tuple[Node, Translation]] = []
    skipped: list[Node] = []
    refusals: list[tuple[Node, str]] = []
    for term in conjuncts(node):
        outcome = _translate(term, context)
        if isinstance(outcome, Translation):
            pushed.append((term, outcome))
            continue
        skipped.append(term)
        if isinstance(outcome, Refusal):
            refusals.append((term, outcome.reason))
    if not pushed:
        return PushedQuery(None, [], skipped, refusals)
    combined = _intersection([t for _, t in pushed])
    return PushedQuery(Translation(combined.query, combined.exact and not skipped), [n for n, _ in pushed],
                       skipped, refusals)


def _intersection(parts: list[Translation]) -> Translation:
    if len(parts) == 1:
        return parts[0]
    return Translation(" ".join(_group(p.query) for p in parts), all(p.exact for p in parts))


def _union(parts: list[Translation]) -> Translation:
    if len(parts) == 1:
        return parts[0]
    return Translation(" | ".join(_group(p.query) for p in parts), all(p.exact for p in parts))


def _group(query: str) -> str:
    return f"({query})"


def _all_or_refusal(outcomes: list[Outcome]) -> list[Translation] | Outcome:
    """The translations when every outcome is one; else the first refusal (or None)."""
    if all(isinstance(o, Translation) for o in outcomes):
        return [o for o in outcomes if isinstance(o, Translation)]
    return next((o for o in outcomes if isinstance(o, Refusal)), None)


def _translate(node: Node, context: QueryContext) -> Outcome:
    if isinstance(node, AndNode):
        parts = [_translate(term, context) for term in node.terms]
        kept = [p for p in parts if isinstance(p, Translation)]
        if not kept:
            return next((p for p in parts if isinstance(p, Refusal)), None)
        # Dropping a term widens an AND: still a superset, but no longer exact.
        whole = _intersection(kept)
        return Translation(whole.query, whole.exact and len(kept) == len(parts))
    if isinstance(node, Or):
        parts = _all_or_refusal([_translate(term, context) for term in node.terms])
        return _union(parts) if isinstance(parts, list) else parts
    if isinstance(node, Not):
        inner = _translate(node.term, context)
        if not isinstance(inner, Translation):
            return inner
        if not inner.exact:
            return Refusal("its query selects a superset, and negating a superset would drop rows")
        return Translation(f"-{_group(inner.query)}", True)
    column = getattr(node, "column", None)
    field = context.fields.get(column) if column is not None else None
    if field is None:
        return None
    if not field.searchable:
        return Refusal(f"attribute {field.name!r} is NOINDEX")
    dtype = context.dtypes[column]
    multi = context.key_type == "JSON" and field.multi_value
    if field.type == "NUMERIC":
        outcome = _numeric(node, field, dtype, context, multi)
    elif field.type == "TAG":
        outcome = _tag(node, field, dtype, context, multi)
    elif field.type == "TEXT":
        outcome = _text(node, field, dtype, context, multi)
    else:
        return Refusal(f"{field.type} attributes are not used for filters")
    if isinstance(outcome, Translation) and multi:
        # The column holds the path's first match, the index every match: a superset only.
        return Translation(outcome.query, False)
    return outcome


def _missing(node: IsNull, field: IndexField, context: QueryContext, multi: bool) -> Outcome:
    if not context.nulls_only_when_missing:
        return Refusal("with ignore_errors an unparsable value reads as null but is present in Redis")
    if multi:
        return Refusal(f"path {field.identifier!r} can match several values; the column holds the first")
    if not field.index_missing:
        return Refusal(f"attribute {field.name!r} has no INDEXMISSING")
    query = f"ismissing({attribute(field.name)})"
    if context.key_type == "JSON":
        # A present JSON null reads as null but is not missing.
        if not node.negated:
            return Refusal("ismissing() does not match a JSON null, which reads as null")
        return Translation(f"-{query}", False)
    return Translation(f"-{query}" if node.negated else query, True)


# --- NUMERIC -------------------------------------------------------------------------------------


def _bound(value: object) -> tuple[str, bool] | None:
    """The bound's text and whether it is exact (False: widen to an inclusive bound)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            return ("+inf" if value > 0 else "-inf"), True
        return repr(value), abs(value) < _EXACT_INTEGERS
    if abs(value) < _EXACT_INTEGERS:
        return str(value), True
    # Rounding to a double is monotonic, so the rounded bound, inclusive, keeps every match.
    return repr(float(value)), False


def _range(field: IndexField, low: tuple[str, bool] | None, low_open: bool,
           high: tuple[str, bool] | None, high_open: bool) -> Translation:
    exact = (low is None or low[1]) and (high is None or high[1])
    low_text = "-inf" if low is None else ("(" if low_open and low[1] else "") + low[0]
    high_text = "+inf" if high is None else ("(" if high_open and high[1] else "") + high[0]
    return Translation(f"{attribute(field.name)}:[{low_text} {high_text}]", exact)


def _numeric(node: Node, field: IndexField, dtype: pl.DataType, context: QueryContext, multi: bool) -> Outcome:
    if not isinstance(dtype, _NUMERIC_COLUMNS):
        return Refusal(f"a {dtype} column compares differently from the index's doubles")
    if isinstance(node, IsNull):
        if multi or not context.nulls_only_when_missing:
            return _missing(node, field, context, multi)
        # Every present value is indexed (no indexing failures), so "has a number" is "not null";
        # a JSON null has no number either (unlike ismissing(), which a JSON null does not match).
        everything = f"{attribute(field.name)}:[-inf +inf]"
        return Translation(f"-{everything}" if not node.negated else everything, True)
    if isinstance(node, Compare):
        bound = _bound(node.value)
        if bound is None:
            return Refusal(f"{node.value!r} is not a number the index can compare")
        if node.op == "eq":
            return _range(field, bound, False, bound, False)
        if node.op == "ne":
            if multi:
                return Refusal(f"path {field.identifier!r} can match several values, so != is not invertible")
            if not bound[1]:
                return Refusal(f"{node.value!r} is beyond +/-2^53, where the index's doubles are not exact")
            return Translation(f"-{_range(field, bound, False, bound, False).query}", True)
        if node.op in ("gt", "ge"):
            return _range(field, bound, node.op == "gt", None, False)
        return _range(field, None, False, bound, node.op == "lt")
    if isinstance(node, Between):
        low, high = _bound(node.low), _bound(node.high)
        if low is None or high is None:
            return Refusal("a bound is not a number the index can compare")
        return _range(field, low, node.closed in ("right", "none"), high, node.closed in ("left", "none"))
    if isinstance(node, IsIn):
        bounds = [_bound(value) for value in node.values]
        if not bounds or any(b is None for b in bounds):
            return Refusal("a value is not a number the index can compare")
        return _union([_range(field, b, False, b, False) for b in bounds if b is not None])
    return Refusal("NUMERIC attributes answer comparisons, is_in, is_between and null tests only")


# --- TAG -----------------------------------------------------------------------------------------


def _tag_problem(text: str, field: IndexField) -> str | None:
    """Why a literal cannot be matched as (the start of) one stored tag, or None.

    A stored value equal to the literal (or starting with it) is then indexed as a tag equal to
    (starting with) it: no separator splits it, HASH tags' trimming of ASCII spaces touches
    nothing (JSON tags are not trimmed), it is not cut, and the server folds case the same way
    (ASCII only) on both sides."""
    if not text:
        return "an empty literal (empty tags are indexed only with INDEXEMPTY)"
    if field.separator and field.separator in text:
        return f"{text!r} holds the attribute's separator {field.separator!r}, which splits stored values"
    if "\\" in text:
        return f"{text!r} holds a backslash"
    if any(ord(ch) < 0x20 or ch == "\x7f" for ch in text):
        return f"{text!r} holds a control character, which the query parser does not keep"
    if text[0].isspace() or text[-1].isspace():
        return f"{text!r} starts or ends with white space (HASH tags are trimmed, JSON tags are not)"
    if len(text.encode()) > TAG_MAX_BYTES:
        return f"the literal is longer than the {TAG_MAX_BYTES} bytes the server keeps of a tag"
    return None


def _tags(field: IndexField, alternatives: list[str]) -> str:
    return f"{attribute(field.name)}:{{{' | '.join(alternatives)}}}"


def _tag_equal(field: IndexField, text: str) -> Outcome:
    problem = _tag_problem(text, field)
    return Refusal(problem) if problem else Translation(_tags(field, [escape_text(text)]), False)


def _tag(node: Node, field: IndexField, dtype: pl.DataType, context: QueryContext, multi: bool) -> Outcome:
    if isinstance(node, IsNull):
        return _missing(node, field, context, multi)
    if dtype == pl.Boolean and isinstance(node, Compare) and node.op == "eq" and isinstance(node.value, bool):
        if field.case_sensitive:
            return Refusal("'True' and 'TRUE' parse as true but are distinct CASESENSITIVE tags")
        return Translation(_tags(field, list(_BOOL_WORDS[node.value])), False)
    if dtype != pl.String:
        return Refusal(f"a {dtype} column's text form is not matched as a tag")
    if isinstance(node, Compare) and node.op == "eq" and isinstance(node.value, str):
        return _tag_equal(field, node.value)
    if isinstance(node, IsIn) and node.values and all(isinstance(v, str) for v in node.values):
        parts = _all_or_refusal([_tag_equal(field, v) for v in node.values])
        return _union(parts) if isinstance(parts, list) else parts
    if isinstance(node, StringMatch):
        if node.kind != "starts_with":
            return Refusal(f"the server cuts tags at {TAG_MAX_BYTES} bytes, so a suffix or infix "
                           "wildcard could miss a long value")
        problem = _tag_problem(node.text, field)
        if problem:
            return Refusal(problem)
        if len(node.text) < context.min_prefix:
            return Refusal(f"a prefix shorter than MINPREFIX ({context.min_prefix}) matches nothing")
        return Translation(_tags(field, [escape_text(node.text) + "*"]), False)
    return Refusal("TAG attributes answer ==, is_in, starts_with and null tests only")


# --- TEXT ----------------------------------------------------------------------------------------


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch == "_")


def _text_words(text: str, match: str) -> list[tuple[str, bool, bool]]:
    """(word, whole on the left, whole on the right) for each run of non-separators of `text`.

    A side is whole where a separator is known to end the stored word there: a separator inside
    the literal (unless it is the literal's first character: the stored text may have a
    backslash just before it, which escapes it), or the start / end of the stored value that
    the match anchors."""
    words = []
    i = 0
    while i < len(text):
        if text[i] in _TEXT_SEPARATORS:
            i += 1
            continue
        j = i
        while j < len(text) and text[j] not in _TEXT_SEPARATORS:
            j += 1
        left = i >= 2 or match in ("equal", "starts_with")
        right = j < len(text) or match in ("equal", "ends_with")
        words.append((text[i:j], left, right))
        i = j
    return words


def _text_term(word: str, left: bool, right: bool, context: QueryContext) -> str | None:
    """The query for one word, or None to drop it (the query then asks for less: a superset)."""
    if not all(_is_word_char(ch) for ch in word):
        return None  # non-ASCII letters fold inconsistently (2.10); control characters do not split
    if not left or len(word.encode()) > TEXT_MAX_BYTES:
        return None  # suffix/infix wildcards miss words cut at TEXT_MAX_BYTES
    lowered = word.lower()
    if right:
        return None if lowered in context.stopwords else escape_text(word)
    # Stop-words are not indexed: a document whose word is one would not match the wildcard.
    if len(word) < context.min_prefix or any(stop.startswith(lowered) for stop in context.stopwords):
        return None
    return escape_text(word) + "*"


def _text(node: Node, field: IndexField, dtype: pl.DataType, context: QueryContext, multi: bool) -> Outcome:
    if isinstance(node, IsNull):
        return _missing(node, field, context, multi)
    if dtype != pl.String:
        return Refusal(f"a {dtype} column's text form is not matched as words")
    if not context.separator_tokenizer:
        return Refusal("the index may tokenize TEXT as Chinese (LANGUAGE chinese or LANGUAGE_FIELD), "
                       "whose words are not delimited by separators")
    if isinstance(node, Compare) and node.op == "eq" and isinstance(node.value, str):
        return _text_phrase(node.value, "equal", field, context)
    if isinstance(node, IsIn) and node.values and all(isinstance(v, str) for v in node.values):
        parts = _all_or_refusal([_text_phrase(v, "equal", field, context) for v in node.values])
        return _union(parts) if isinstance(parts, list) else parts
    if isinstance(node, StringMatch):
        return _text_phrase(node.text, node.kind, field, context)
    return Refusal("TEXT attributes answer ==, is_in, starts_with, ends_with, contains and null tests only")


def _text_phrase(text: str, match: str, field: IndexField, context: QueryContext) -> Outcome:
    if "\\" in text:
        return Refusal(f"{text!r} holds a backslash, which escapes separators in stored text")
    terms = [term for word, left, right in _text_words(text, match)
             if (term := _text_term(word, left, right, context)) is not None]
    if not terms:
        return Refusal(f"no word of {text!r} is an ASCII word the index surely holds whole or as a prefix")
    body = terms[0] if len(terms) == 1 else "(" + " ".join(terms) + ")"
    return Translation(f"{attribute(field.name)}:{body}", False)
