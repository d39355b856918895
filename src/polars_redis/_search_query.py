"""Predicate terms -> a RediSearch query (DIALECT 2) that selects a superset of the matching rows.

The server only narrows; the full predicate is re-applied on the client. So a translation may
select *more* documents than the predicate (case folding, tokenizing, tags split on a separator,
rounding of large integers) but never fewer. Negation flips a superset into a subset, so ``~`` is
pushed only over translations marked `exact`: the documents selected are exactly those where the
predicate is true, plus possibly some where it is null (three-valued logic drops those anyway).

Literals are always escaped: a hostile value can only ever match itself.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from polars_redis._expr_tree import Between, Compare, IsIn, IsNull, Node, Not, Or, StringMatch, conjuncts
from polars_redis._expr_tree import And as AndNode
from polars_redis._search_index import IndexField

# The characters RediSearch's tokenizer splits TEXT on (besides the space); documented in
# "Tokenization rules for text fields". Any other ASCII punctuation makes a literal untranslatable
# for TEXT, because we could not tell how the server splits it.
_TEXT_SEPARATORS = frozenset(",.<>{}[]\"':;!@#$%^&*()-+=~ ")
_BOOL_WORDS = {True: ("true", "1", "yes", "t", "y", "on"), False: ("false", "0", "no", "f", "n", "off")}
_EXACT_INTEGERS = 2**53  # integers up to this magnitude survive RediSearch's double storage
_NUMERIC_COLUMNS = (pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64, pl.Float64)


@dataclass(frozen=True)
class Translation:
    query: str
    exact: bool


@dataclass(frozen=True)
class QueryContext:
    """What translation needs to know about each column and the index."""

    fields: Mapping[str, IndexField]  # column name -> the index attribute holding it
    dtypes: Mapping[str, pl.DataType]
    stopwords: frozenset[str]
    min_prefix: int
    nulls_only_when_missing: bool  # False under ignore_errors: an unparsable value reads as null


def escape_text(value: str) -> str:
    """Backslash-escape every ASCII character that is not a letter, digit or underscore."""
    return "".join("\\" + ch if ch.isascii() and not (ch.isalnum() or ch == "_") else ch for ch in value)


def attribute(name: str) -> str:
    return "@" + escape_text(name)


def translate_predicate(node: Node, context: QueryContext) -> tuple[Translation | None, list[Node], list[Node]]:
    """The query for the AND-terms of `node` that translate, and which terms were / were not pushed."""
    pushed: list[tuple[Node, Translation]] = []
    skipped: list[Node] = []
    for term in conjuncts(node):
        translation = _translate(term, context)
        if translation is None:
            skipped.append(term)
        else:
            pushed.append((term, translation))
    if not pushed:
        return None, [], skipped
    combined = _intersection([t for _, t in pushed])
    return Translation(combined.query, combined.exact and not skipped), [n for n, _ in pushed], skipped


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


def _translate(node: Node, context: QueryContext) -> Translation | None:
    if isinstance(node, AndNode):
        parts = [_translate(term, context) for term in node.terms]
        kept = [p for p in parts if p is not None]
        if not kept:
            return None
        # Dropping a term widens an AND: still a superset, but no longer exact.
        whole = _intersection(kept)
        return Translation(whole.query, whole.exact and len(kept) == len(parts))
    if isinstance(node, Or):
        parts = [_translate(term, context) for term in node.terms]
        if any(p is None for p in parts):
            return None
        return _union([p for p in parts if p is not None])
    if isinstance(node, Not):
        inner = _translate(node.term, context)
        if inner is None or not inner.exact:
            return None
        return Translation(f"-{_group(inner.query)}", True)
    column = getattr(node, "column", None)
    field = context.fields.get(column) if column is not None else None
    if field is None or not field.searchable:
        return None
    dtype = context.dtypes[column]
    if field.type == "NUMERIC":
        return _numeric(node, field, dtype, context)
    if field.type == "TAG":
        return _tag(node, field, dtype, context)
    if field.type == "TEXT":
        return _text(node, field, dtype, context)
    return None


def _missing(node: IsNull, field: IndexField, context: QueryContext) -> Translation | None:
    if not field.index_missing or not context.nulls_only_when_missing:
        return None
    query = f"ismissing({attribute(field.name)})"
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
        return repr(value), True
    if abs(value) <= _EXACT_INTEGERS:
        return str(value), True
    return repr(float(value)), False


def _range(field: IndexField, low: tuple[str, bool] | None, low_open: bool,
           high: tuple[str, bool] | None, high_open: bool) -> Translation:
    exact = (low is None or low[1]) and (high is None or high[1])
    low_text = "-inf" if low is None else ("(" if low_open and low[1] else "") + low[0]
    high_text = "+inf" if high is None else ("(" if high_open and high[1] else "") + high[0]
    return Translation(f"{attribute(field.name)}:[{low_text} {high_text}]", exact)


def _numeric(node: Node, field: IndexField, dtype: pl.DataType, context: QueryContext) -> Translation | None:
    if not isinstance(dtype, _NUMERIC_COLUMNS):
        return None  # Float32 and Decimal compare differently on the client than as doubles
    if isinstance(node, IsNull):
        missing = _missing(node, field, context)
        if missing is not None or not context.nulls_only_when_missing:
            return missing
        # Every present value is indexed (no indexing failures), so "has a number" is "not null".
        everything = f"{attribute(field.name)}:[-inf +inf]"
        return Translation(f"-{everything}" if not node.negated else everything, True)
    if isinstance(node, Compare):
        bound = _bound(node.value)
        if bound is None:
            return None
        if node.op == "eq":
            return _range(field, bound, False, bound, False)
        if node.op == "ne":
            if not bound[1]:
                return None
            return Translation(f"-{_range(field, bound, False, bound, False).query}", True)
        if node.op in ("gt", "ge"):
            return _range(field, bound, node.op == "gt", None, False)
        return _range(field, None, False, bound, node.op == "lt")
    if isinstance(node, Between):
        low, high = _bound(node.low), _bound(node.high)
        if low is None or high is None:
            return None
        return _range(field, low, node.closed in ("right", "none"), high, node.closed in ("left", "none"))
    if isinstance(node, IsIn):
        bounds = [_bound(value) for value in node.values]
        if not bounds or any(b is None for b in bounds):
            return None
        return _union([_range(field, b, False, b, False) for b in bounds if b is not None])
    return None


# --- TAG -----------------------------------------------------------------------------------------


def _tag_pieces(text: str, field: IndexField) -> list[str]:
    """How the server splits a value into tags: on the separator, each piece trimmed."""
    pieces = text.split(field.separator) if field.separator else [text]
    return [piece.strip() for piece in pieces]


def _tags(field: IndexField, alternatives: list[str]) -> str:
    return f"{attribute(field.name)}:{{{' | '.join(alternatives)}}}"


def _tag_equal(field: IndexField, text: str) -> Translation | None:
    pieces = [piece for piece in _tag_pieces(text, field) if piece]
    if not pieces:
        return None  # empty tags are only indexed with INDEXEMPTY: not worth the risk
    # A value holding the separator carries several tags: require each of them.
    return _intersection([Translation(_tags(field, [escape_text(p)]), False) for p in pieces])


def _wildcard(text: str, kind: str, min_prefix: int) -> str | None:
    """``abc*`` / ``*abc`` / ``*abc*``, or None when the server would not expand it fully."""
    if len(text) < min_prefix:
        return None
    escaped = escape_text(text)
    return {"prefix": f"{escaped}*", "suffix": f"*{escaped}", "infix": f"*{escaped}*"}[kind]


def _pieces_pattern(pieces: list[str], match: str) -> list[tuple[str, str]]:
    """(text, how) per piece of a starts_with / ends_with / contains literal: the first and last
    piece may be partial words (prefix/suffix/infix); pieces in between are whole."""
    last = len(pieces) - 1
    result = []
    for i, piece in enumerate(pieces):
        partial_start = i == 0 and match in ("ends_with", "contains")
        partial_end = i == last and match in ("starts_with", "contains")
        how = ("infix" if partial_start and partial_end else "suffix" if partial_start
               else "prefix" if partial_end else "whole")
        result.append((piece, how))
    return result


def _tag(node: Node, field: IndexField, dtype: pl.DataType, context: QueryContext) -> Translation | None:
    if isinstance(node, IsNull):
        return _missing(node, field, context)
    if dtype == pl.Boolean and isinstance(node, Compare) and node.op == "eq" and isinstance(node.value, bool):
        if field.case_sensitive:
            return None  # "True" and "TRUE" parse as true on the client but are other tags here
        return Translation(_tags(field, list(_BOOL_WORDS[node.value])), False)
    if dtype != pl.String:
        return None
    if isinstance(node, Compare) and node.op == "eq" and isinstance(node.value, str):
        return _tag_equal(field, node.value)
    if isinstance(node, IsIn) and node.values and all(isinstance(v, str) for v in node.values):
        parts = [_tag_equal(field, v) for v in node.values]
        if any(p is None for p in parts):
            return None
        return _union([p for p in parts if p is not None])
    if isinstance(node, StringMatch):
        pieces = _tag_pieces(node.text, field)
        terms = []
        for piece, how in _pieces_pattern(pieces, node.kind):
            if not piece:
                continue
            pattern = escape_text(piece) if how == "whole" else _wildcard(piece, how, context.min_prefix)
            if pattern is not None:
                terms.append(Translation(_tags(field, [pattern]), False))
        return _intersection(terms) if terms else None
    return None


# --- TEXT ----------------------------------------------------------------------------------------


def _text_tokens(text: str) -> tuple[list[str], bool, bool] | None:
    """(tokens, starts with a separator, ends with a separator), or None when the literal holds a
    character whose tokenization we cannot vouch for (other punctuation, control characters,
    backslash escapes)."""
    tokens: list[str] = []
    current: list[str] = []
    for ch in text:
        if ch in _TEXT_SEPARATORS:
            if current:
                tokens.append("".join(current))
                current = []
        elif ch.isascii() and not (ch.isalnum() or ch == "_"):
            return None
        elif not ch.isascii() and not ch.isprintable():
            return None
        else:
            current.append(ch)
    if current:
        tokens.append("".join(current))
    if not text:
        return None
    return tokens, text[0] in _TEXT_SEPARATORS, text[-1] in _TEXT_SEPARATORS


def _text_term(token: str, how: str, context: QueryContext) -> str | None:
    """One token of a TEXT query; None to drop it (the query then asks for less: still a superset)."""
    lowered = token.lower()
    if how == "whole":
        return None if lowered in context.stopwords else escape_text(token)
    # Stop-words are not indexed: a document whose word is one would not match the wildcard.
    matches = {"prefix": str.startswith, "suffix": str.endswith, "infix": str.__contains__}[how]
    if any(matches(word, lowered) for word in context.stopwords):
        return None
    return _wildcard(token, how, context.min_prefix)


def _text(node: Node, field: IndexField, dtype: pl.DataType, context: QueryContext) -> Translation | None:
    if isinstance(node, IsNull):
        return _missing(node, field, context)
    if dtype != pl.String:
        return None
    if isinstance(node, Compare) and node.op == "eq" and isinstance(node.value, str):
        return _text_phrase(node.value, "equal", field, context)
    if isinstance(node, IsIn) and node.values and all(isinstance(v, str) for v in node.values):
        parts = [_text_phrase(v, "equal", field, context) for v in node.values]
        if any(p is None for p in parts):
            return None
        return _union([p for p in parts if p is not None])
    if isinstance(node, StringMatch):
        return _text_phrase(node.text, node.kind, field, context)
    return None


def _text_phrase(text: str, match: str, field: IndexField, context: QueryContext) -> Translation | None:
    tokenized = _text_tokens(text)
    if tokenized is None or not tokenized[0]:
        return None
    tokens, leading_separator, trailing_separator = tokenized
    if match == "equal":
        placed = [(token, "whole") for token in tokens]
    else:
        placed = _pieces_pattern(tokens, match)
        # A separator at an edge of the literal means that word is whole on that side.
        first, first_how = placed[0]
        if leading_separator and first_how in ("suffix", "infix"):
            placed[0] = (first, "whole" if first_how == "suffix" or len(placed) > 1 else "prefix")
        last, last_how = placed[-1]
        if trailing_separator and last_how in ("prefix", "infix"):
            placed[-1] = (last, "whole" if last_how == "prefix" or len(placed) > 1 else "suffix")
    terms = [term for token, how in placed if (term := _text_term(token, how, context)) is not None]
    if not terms:
        return None
    body = terms[0] if len(terms) == 1 else "(" + " ".join(terms) + ")"
    return Translation(f"{attribute(field.name)}:{body}", False)
