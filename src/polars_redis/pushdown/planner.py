"""Where a key-based scan gets its keys, decided from the predicate Polars pushes into it.

Tier 1 needs no index: ``_key == k`` / ``is_in`` fetch exactly those keys, ``starts_with`` and
equality on String key-template parts narrow the SCAN pattern. Tier 2 turns the predicate into a
RediSearch query when the scan names an index. Either way the server returns a superset of the
matching rows and the full predicate is applied again on the client, so results never depend on
what was pushed.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import polars as pl

from polars_redis._core import ConfigurationError
from polars_redis.engine.glob import literal_prefix, narrow_to_prefix
from polars_redis.engine.key_template import KeyTemplate
from polars_redis.pushdown.expr_tree import And, Compare, IsIn, Node, Or, StringMatch, conjuncts, describe, parse_predicate
from polars_redis.pushdown.search_index import IndexInfo, describe_index
from polars_redis.pushdown.search_query import PushedQuery, QueryContext, translate_predicate

SEARCH_DIALECT = 2


class PushdownWarning(UserWarning):
    """A filter could not use the search index and runs as a full scan (results stay correct)."""


@dataclass(frozen=True)
class SearchTarget:
    """A RediSearch index a scan may use: `identifiers` maps columns to hash fields / JSONPaths."""

    index: str
    key_type: str  # HASH or JSON
    identifiers: Mapping[str, str]
    ignore_errors: bool


@dataclass
class SourcePlan:
    """Plan entries choosing the key source, plus what explain shows about the choice."""

    entries: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    # Used instead when the server says the pushed query would be incomplete (e.g. a prefix that
    # expands to more terms than MAXPREFIXEXPANSIONS) before any row was produced.
    fallback: SourcePlan | None = None
    # Columns only known once the source is planned (e.g. KNN distances keyed by key).
    derived: Any = None
    # The order the rows must come out in when the source cannot keep it itself (a key list
    # read from several cluster shards at once).
    order: KeyOrder | None = None


@dataclass(frozen=True)
class KeyOrder:
    """Rows in the order of `keys`, matched by the key column `source`."""

    source: str
    keys: list[str]

    def apply(self, frame: pl.DataFrame) -> pl.DataFrame:
        position = {key: i for i, key in enumerate(self.keys)}
        ranks = frame[self.source].replace_strict(position, return_dtype=pl.Int64, default=len(self.keys))
        return frame.select(pl.all().gather(ranks.arg_sort()))


class SourcePlanner(Protocol):
    # `n_rows` is the row limit when no client filter applies (the source may stop there).
    def plan(self, predicate: pl.Expr | None, schema: pl.Schema, n_rows: int | None = None) -> SourcePlan: ...


@dataclass(frozen=True)
class KeyPushdown:
    url: str
    pattern: str
    key_column: str | None  # None when the scan has no key column
    template: KeyTemplate | None = None
    search: Callable[[], SearchTarget] | None = None  # resolved at plan time

    def plan(self, predicate: pl.Expr | None, schema: pl.Schema, n_rows: int | None = None) -> SourcePlan:
        terms = conjuncts(parse_predicate(predicate, schema)) if predicate is not None else ()
        keys, prefixes = self._key_terms(terms)
        if keys is not None:
            kept = [k for k in keys if all(k.startswith(p) for p in prefixes)]
            entries: dict[str, Any] = {
                "pattern": self.pattern,
                "key_source": {"kind": "keys", "keys": kept},
                "match_pattern": None if self.pattern == "*" else self.pattern,
            }
            return SourcePlan(entries, [f"keys: {len(kept)} named by the {self.key_column!r} filter"])
        scan = self._scan_plan(terms, prefixes)
        if self.search is None or not terms or scan.entries.get("key_source", {}).get("kind") == "keys":
            return scan
        return self._search_plan(self.search(), terms, schema, scan)

    # --- Tier 1 ----------------------------------------------------------------------------------

    def _key_terms(self, terms: tuple[Node, ...]) -> tuple[list[str] | None, list[str]]:
        """The exact keys the key-column terms allow (None: any) and the prefixes they require."""
        keys: list[str] | None = None
        prefixes: list[str] = []
        if self.key_column is None:
            return None, prefixes
        for term in terms:
            named = self._named_keys(term)
            if named is not None:
                keys = named if keys is None else [k for k in keys if k in set(named)]
            elif isinstance(term, StringMatch) and term.column == self.key_column and term.kind == "starts_with":
                prefixes.append(term.text)
        return keys, prefixes

    def _named_keys(self, term: Node) -> list[str] | None:
        if isinstance(term, Compare) and term.column == self.key_column and term.op == "eq":
            return [term.value] if isinstance(term.value, str) else None
        if isinstance(term, IsIn) and term.column == self.key_column:
            return list(dict.fromkeys(v for v in term.values if isinstance(v, str)))
        if isinstance(term, Or):
            union: list[str] = []
            for branch in term.terms:
                named = self._named_keys(branch)
                if named is None:
                    return None
                union.extend(named)
            return list(dict.fromkeys(union))
        return None

    def _scan_plan(self, terms: tuple[Node, ...], prefixes: list[str]) -> SourcePlan:
        scan_pattern, match_pattern = self.pattern, None
        notes: list[str] = []
        if self.template is not None:
            values = {
                term.column: term.value for term in terms
                if isinstance(term, Compare) and term.op == "eq" and term.column in self.template.parts
                and self.template.schema[term.column] == pl.String and isinstance(term.value, str) and term.value
            }
            if values:
                scan_pattern = self.template.glob(values)
                match_pattern = None if self.pattern == self.template.glob() else self.pattern
                notes.append(f"key_template parts {sorted(values)} narrow SCAN MATCH")
        for prefix in sorted(prefixes, key=len, reverse=True):
            narrowed = narrow_to_prefix(scan_pattern, prefix)
            if narrowed is None:
                notes.append(f"no key can start with {prefix!r} and match {self.pattern!r}")
                return SourcePlan({"pattern": self.pattern, "key_source": {"kind": "keys", "keys": []},
                                   "match_pattern": None}, notes)
            candidate, extra = narrowed
            if extra is not None and match_pattern is not None and extra != match_pattern:
                continue  # one check pattern only: the client filter covers this prefix
            if candidate != scan_pattern:
                notes.append(f"{self.key_column!r} starts_with {prefix!r} narrows SCAN MATCH")
            scan_pattern, match_pattern = candidate, match_pattern or extra
        entries = {"pattern": scan_pattern, "key_source": {"kind": "scan"}, "match_pattern": match_pattern}
        return SourcePlan(entries, notes)

    # --- Tier 2 ----------------------------------------------------------------------------------

    def _search_plan(self, target: SearchTarget, terms: tuple[Node, ...], schema: pl.Schema,
                     scan: SourcePlan) -> SourcePlan:
        info = describe_index(self.url, target.index)
        self._check_index(info, target)
        reason = unusable_reason(info)
        if reason is not None:
            warnings.warn(f"index {info.name!r} not used: {reason}; filtering with a full scan", PushdownWarning,
                          stacklevel=4)
            scan.notes.append(f"index {info.name!r} not used: {reason}")
            return scan
        translation, pushed, skipped, refusals = translate_for_index(info, target, terms, schema)
        refused = [f"{describe(term)}: {reason}" for term, reason in refusals]
        if refused:
            # A term over an indexed attribute whose query could lose rows stays on the client.
            warnings.warn(f"index {info.name!r}: not pushed, filtered on the client: " + "; ".join(refused),
                          PushdownWarning, stacklevel=4)
        if translation is None:
            scan.notes.append(f"no filter term was pushed to index {info.name!r}" if refused
                              else f"no filter term maps to an attribute of index {info.name!r}")
            scan.notes.extend(f"not pushed: {line}" for line in refused)
            return scan
        # Keys from the index must still match the scan's own pattern (the index may cover more).
        scan_pattern = scan.entries["pattern"]
        check = scan.entries.get("match_pattern") or scan_pattern
        entries = {
            "pattern": self.pattern,
            "key_source": {"kind": "search", "index": info.name, "query": translation.query,
                           "dialect": SEARCH_DIALECT},
            "match_pattern": None if check == "*" else check,
        }
        notes = [f"pushed to index {info.name!r}: " + " & ".join(describe(t) for t in pushed)]
        if skipped:
            notes.append("not pushed (client only): " + " & ".join(describe(t) for t in skipped))
        notes.extend(f"not pushed: {line}" for line in refused)
        return SourcePlan(entries, notes, fallback=scan)

    def _check_index(self, info: IndexInfo, target: SearchTarget) -> None:
        if info.key_type != target.key_type:
            raise ConfigurationError(
                f"index {info.name!r} indexes {info.key_type} keys, but this scan reads {target.key_type} keys"
            )
        literal, _ = literal_prefix(self.pattern)
        if not any(literal.startswith(prefix) for prefix in info.prefixes):
            raise ConfigurationError(
                f"index {info.name!r} covers keys starting with {list(info.prefixes)}, but pattern "
                f"{self.pattern!r} reaches beyond them: use a pattern under one of those prefixes"
            )


def translate_for_index(info: IndexInfo, target: SearchTarget, terms: tuple[Node, ...],
                        schema: pl.Schema) -> PushedQuery:
    """The query for the terms the index's attributes can answer (see translate_predicate)."""
    fields = {}
    for column, identifier in target.identifiers.items():
        item = info.by_identifier(identifier)
        if item is not None:
            fields[column] = item
    context = QueryContext(
        fields=fields, dtypes=dict(schema), stopwords=info.stopwords, min_prefix=info.min_prefix,
        nulls_only_when_missing=not target.ignore_errors, key_type=info.key_type,
        separator_tokenizer=info.language != "chinese" and info.language_field is None,
    )
    return translate_predicate(_and(terms), context) if terms else PushedQuery(None, [], [], [])


def unusable_reason(info: IndexInfo) -> str | None:
    """Why the index cannot be trusted to hold every key the scan would see, if it cannot.

    FT.INFO tells the indexing state, the failure count and the FILTER; it does not tell that an
    index was created with SKIPINITIALSCAN (RediSearch 2.10), so that case is documented as the
    caller's to avoid."""
    if info.indexing:
        return "it is still indexing existing keys"
    if info.indexing_failures:
        return f"{info.indexing_failures} key(s) failed to index (see FT.INFO), so the index lacks them"
    if info.filter is not None:
        return f"it has a FILTER ({info.filter}) that may exclude keys the pattern matches"
    return None


def _and(terms: tuple[Node, ...]) -> Node:
    return terms[0] if len(terms) == 1 else And(tuple(terms))
