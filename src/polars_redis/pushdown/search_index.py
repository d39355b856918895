"""What FT.INFO says about a RediSearch index, in the form pushdown and the search API need."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from polars_redis import _core
from polars_redis._core import ConfigurationError, ResponseError
from polars_redis.cluster import search as cluster_search
from polars_redis.cluster.writes import is_cluster

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


def _pairs(value: Any) -> dict[str, Any]:
    """A RESP3 map (dict) or a RESP2 flat ``[key, value, ...]`` list as a dict."""
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    if isinstance(value, list):
        return {str(value[i]): value[i + 1] for i in range(0, len(value) - 1, 2)}
    return {}


_FLAGS = {"SORTABLE", "UNF", "NOSTEM", "NOINDEX", "CASESENSITIVE", "WITHSUFFIXTRIE", "INDEXMISSING",
          "INDEXEMPTY", "PHONETIC"}


def _attribute(raw: Any) -> IndexField:
    if isinstance(raw, dict):
        entries = {str(k): v for k, v in raw.items()}
        flags = {str(flag).upper() for flag in entries.get("flags") or []}
    else:  # RESP2: key/value pairs with bare flag words in between
        entries, flags = {}, set()
        items = list(raw)
        i = 0
        while i < len(items):
            word = str(items[i])
            if word.upper() in _FLAGS:
                flags.add(word.upper())
                i += 1
            else:
                entries[word] = items[i + 1] if i + 1 < len(items) else None
                i += 2
    separator = entries.get("SEPARATOR")
    return IndexField(
        name=str(entries.get("attribute")),
        identifier=str(entries.get("identifier")),
        type=str(entries.get("type")).upper(),
        separator=str(separator) if separator not in (None, "") else None,
        case_sensitive="CASESENSITIVE" in flags,
        index_missing="INDEXMISSING" in flags,
        sortable="SORTABLE" in flags,
        unf="UNF" in flags,
        searchable="NOINDEX" not in flags,
    )


def describe_index(url: str, name: str) -> IndexInfo:
    """FT.INFO (and the server's MINPREFIX) for index `name`; a clear error when it is missing.

    On a Redis Cluster the index is one per shard: the definition is the first shard's, the
    counters are summed over every shard."""
    if is_cluster(url):
        infos = [_index_info(name, info, config) for info, config in cluster_search.info_replies(url, name)]
        return replace(infos[0], num_docs=sum(i.num_docs for i in infos),
                       indexing_failures=sum(i.indexing_failures for i in infos),
                       indexing=any(i.indexing for i in infos))
    try:
        info = _core.command(url, ["FT.INFO", name])
    except ResponseError as exc:
        if "unknown index" in str(exc).lower() or "no such index" in str(exc).lower():
            raise ConfigurationError(f"RediSearch index {name!r} does not exist (FT.INFO: {exc})") from None
        raise
    try:
        config = _core.command(url, ["FT.CONFIG", "GET", "MINPREFIX"])
    except ResponseError:  # managed servers may refuse FT.CONFIG: keep the default
        config = None
    return _index_info(name, info, config)


def _index_info(name: str, info: Any, config_reply: Any) -> IndexInfo:
    config = _pairs(config_reply) if config_reply is not None else {}
    entries = _pairs(info)
    definition = _pairs(entries.get("index_definition"))
    stopwords = entries.get("stopwords_list")
    min_prefix = config.get("MINPREFIX")
    if isinstance(min_prefix, list) and min_prefix:  # RESP2 nests [[name, value]]
        min_prefix = min_prefix[0][-1] if isinstance(min_prefix[0], list) else min_prefix[-1]
    return IndexInfo(
        name=name,
        key_type=str(definition.get("key_type", "HASH")).upper(),
        prefixes=tuple(str(p) for p in definition.get("prefixes") or [""]),
        filter=str(definition["filter"]) if definition.get("filter") else None,
        fields=tuple(_attribute(raw) for raw in entries.get("attributes") or []),
        num_docs=int(float(entries.get("num_docs", 0))),
        indexing_failures=int(float(entries.get("hash_indexing_failures", 0))),
        indexing=bool(int(float(entries.get("indexing", 0)))),
        stopwords=frozenset(str(w).lower() for w in stopwords) if stopwords is not None else DEFAULT_STOPWORDS,
        min_prefix=int(min_prefix) if min_prefix not in (None, "") else _DEFAULT_MIN_PREFIX,
        options=tuple(str(o).upper() for o in entries.get("index_options") or []),
        language=str(definition.get("default_language") or "english").lower(),
        language_field=str(definition["language_field"]) if definition.get("language_field") else None,
    )
