"""What FT.INFO says about a RediSearch index, in the form pushdown and the search API need."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from polars_redis import _core

# RediSearch's default stop-words: never indexed, so a query must not require them.
DEFAULT_STOPWORDS = frozenset(
    "a is the an and are as at be but by for if in into it no not of on or such that their then "
    "there these they this to was will with".split()
)
_DEFAULT_MIN_PREFIX = 2


@dataclass(frozen=True)
class IndexField:
    """One attribute of an index: `name` is what a query writes after ``@``."""

    name: str
    identifier: str  # the hash field, or the JSONPath of a JSON index
    type: str  # TEXT, TAG, NUMERIC, GEO, GEOSHAPE, VECTOR
    separator: str | None = None  # TAG only; None: the whole value is one tag
    case_sensitive: bool = False
    index_missing: bool = False
    searchable: bool = True  # False for NOINDEX attributes (sortable only)
    sortable: bool = False
    unf: bool = False  # a sortable value kept unnormalized

    @property
    def multi_value(self) -> bool:
        """True when the identifier, read as a JSONPath, may select several values (``[*]``,
        ``..``, filters, slices, unions): anything but plain names and indexes."""
        return _DEFINITE_PATH.fullmatch(normalize_identifier(self.identifier)) is None


@dataclass(frozen=True)
class IndexInfo:
    name: str
    key_type: str  # HASH or JSON
    prefixes: tuple[str, ...]
    filter: str | None
    fields: tuple[IndexField, ...]
    num_docs: int
    indexing_failures: int
    indexing: bool
    stopwords: frozenset[str] = DEFAULT_STOPWORDS
    min_prefix: int = _DEFAULT_MIN_PREFIX
    options: tuple[str, ...] = field(default_factory=tuple)
    language: str = "english"  # the default LANGUAGE of TEXT attributes
    language_field: str | None = None  # a hash field / path giving each document's language

    def by_identifier(self, identifier: str) -> IndexField | None:
        wanted = normalize_identifier(identifier)
        for item in self.fields:
            if normalize_identifier(item.identifier) == wanted:
                return item
        return None


# `$`, then `.name` and `[index]` steps only (quoted names are normalized to `.name` first).
_DEFINITE_PATH = re.compile(r"\$(?:\.[^.\[\]*?()@,:]+|\[-?\d+\])*")
_BRACKETED = re.compile(r"""\[\s*(['"])((?:(?!\1).)*)\1\s*\]""")


def normalize_identifier(identifier: str) -> str:
    """``$["a"]['b']`` and ``$.a.b`` name the same JSON value."""
    return _BRACKETED.sub(lambda m: "." + m.group(2), identifier)


def describe_index(url: str, name: str) -> IndexInfo:
    """FT.INFO (and the server's MINPREFIX) for index `name`; a clear error when it is missing.

    On a Redis Cluster the index is one per shard: the definition is the first shard's, the
    counters are summed over every shard (the core reads and parses the replies)."""
    info = _core.index_info(url, name)
    stopwords = info["stopwords"]
    min_prefix = info["min_prefix"]
    return IndexInfo(
        name=name,
        key_type=info["key_type"],
        prefixes=tuple(info["prefixes"]),
        filter=info["filter"],
        fields=tuple(_field(item) for item in info["attributes"]),
        num_docs=info["num_docs"],
        indexing_failures=info["hash_indexing_failures"],
        indexing=info["indexing"],
        stopwords=frozenset(stopwords) if stopwords is not None else DEFAULT_STOPWORDS,
        min_prefix=min_prefix if min_prefix is not None else _DEFAULT_MIN_PREFIX,
        options=tuple(info["index_options"]),
        language=info["default_language"],
        language_field=info["language_field"],
    )


def _field(item: dict[str, Any]) -> IndexField:
    flags = set(item["flags"])
    return IndexField(
        name=item["name"],
        identifier=item["identifier"],
        type=item["type"],
        separator=item["separator"],
        case_sensitive="CASESENSITIVE" in flags,
        index_missing="INDEXMISSING" in flags,
        sortable="SORTABLE" in flags,
        unf="UNF" in flags,
        searchable="NOINDEX" not in flags,
    )
