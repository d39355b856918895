"""explain: the Redis commands a collect would send, without sending them."""

from __future__ import annotations

import shlex
from typing import Any

import polars as pl

from polars_redis import _core
from polars_redis._budget import describe_budget
from polars_redis._recorder import ScanRecord, recording

__all__ = ["explain"]

_SCAN_TYPES = {
    "scan_hashes": "hash", "scan_json": "ReJSON-RL", "scan_strings": "string",
    "scan_sets": "set", "scan_lists": "list", "scan_zsets": "zset",
}


def explain(lf: pl.LazyFrame) -> str:
    """Describe the Redis work collecting `lf` would do: for each scan, where its keys come from
    (SCAN pattern, exact keys, or the RediSearch query a filter became), the commands that fetch
    each key (HMGET fields, JSON paths, ...), what was and was not pushed, and the filter that is
    applied on the client.

    Polars runs its optimizer as for a real collect, so the filters, projections and limits shown
    are the ones the scan would really receive; no command that reads or writes data is sent (a
    schema may be inferred and an index's FT.INFO read). Passwords never appear.

    Args:
        lf: a LazyFrame built on one or more polars-redis scans (joins and unions included).

    Returns:
        One block of text per scan; ``"no Redis scan is run by this query"`` when there is none.

    Raises:
        TypeError: `lf` is not a LazyFrame (e.g. the DataFrame a ``read_*`` function returned:
            explain the matching ``scan_*`` call instead).
        RedisConnectionError: the server cannot be reached to read an index's FT.INFO or to
            infer a schema.
        ResponseError: the search index named by the scan does not exist.
        polars.exceptions.PolarsError: the query itself is invalid (e.g. an unknown column).

    Examples:
        >>> lf = pr.scan_hashes(url, "user:*", {"name": pl.String, "age": pl.Int64},
        ...                     search_index="idx:users")
        >>> print(pr.explain(lf.filter(pl.col("age") > 30).select("name")))
        redis hashes
          keys:   FT.AGGREGATE idx:users '@age:[(30 +inf]' LOAD 1 @__key DIALECT 2 TIMEOUT 0 WITHCURSOR ...
          check:  keys must match 'user:*'
          fetch:  HGETALL <key>
          note:   pushed to index 'idx:users': col('age') > 30
          client filter: ...
    """
    if not isinstance(lf, pl.LazyFrame):
        hint = (" (a read_* result holds data already read: pass the matching scan_* call's LazyFrame, "
                "e.g. pr.explain(pr.scan_hashes(url, 'user:*')) instead of pr.read_hashes(...))"
                if isinstance(lf, pl.DataFrame) else "")
        raise TypeError(f"explain() takes the LazyFrame of a polars-redis scan, got a {type(lf).__module__}."
                        f"{type(lf).__qualname__}{hint}")
    with recording() as records:
        lf.collect()
    if not records:
        return "no Redis scan is run by this query"
    return "\n\n".join(_render(record) for record in records)


def _quote(text: str) -> str:
    return shlex.quote(text)


def _render(record: ScanRecord) -> str:
    lines = [record.name]
    if record.server:
        lines.append(f"  server: reads go to {record.server}")
    plan = record.plan or {}
    keys = _key_source(record.native or "", plan)
    if keys and record.cluster:
        keys = _on_cluster(plan, keys)
    if keys:
        lines.append(f"  keys:   {keys}")
    if plan.get("match_pattern"):
        lines.append(f"  check:  keys must match {_quote(plan['match_pattern'])}")
    snapshot = (plan.get("key_source") or {}).get("kind") in ("snapshot", "rdb")
    for command in [] if snapshot else _fetch(record.native or "", plan):
        lines.append(f"  fetch:  {command}")
    if snapshot:
        lines.append("  fetch:  none: every value comes decoded from the RDB (no command per key)")
    if plan.get("n_rows") is not None:
        lines.append(f"  limit:  stops after {plan['n_rows']} rows")
    budget = describe_budget(plan)
    if budget:
        lines.append(f"  budget: {budget}" + (" per shard" if record.cluster else ""))
    for note in record.notes:
        lines.append(f"  note:   {note}")
    if record.predicate is not None:
        lines.append(f"  client filter: {record.predicate}")
    return "\n".join(lines)


def _key_source(native: str, plan: dict[str, Any]) -> str | None:
    if native not in _SCAN_TYPES:
        return None
    source = plan.get("key_source") or {"kind": "scan"}
    # The COUNT, shortened under a budget.
    count = _core.source_count(plan.get("count_hint", 1000), plan.get("max_server_share"),
                               plan.get("max_commands_per_second"))
    if source["kind"] == "keys":
        listed = source.get("keys") or []
        shown = " ".join(_quote(k) for k in listed[:5]) + (" ..." if len(listed) > 5 else "")
        return f"{len(listed)} named key(s), each checked with TYPE: {shown}".rstrip(": ")
    if source["kind"] in ("snapshot", "rdb"):
        pattern = _quote(plan.get("pattern", "*"))
        origin = "PSYNC ? -1 (full resync, its own connection)" if source["kind"] == "snapshot" else "the RDB file"
        return f"every key of {origin}, kept when it matches {pattern} and is a {_SCAN_TYPES[native]}"
    if source["kind"] == "search":
        sort_by = source.get("sort_by") or []
        command = ["FT.AGGREGATE", source["index"], source["query"], "LOAD", str(1 + len(sort_by)), "@__key"]
        command += ["@" + field for field, _ in sort_by]
        if sort_by:
            command += ["SORTBY", str(2 * len(sort_by))] + [p for field, order in sort_by for p in ("@" + field, order)]
            if source.get("limit") is None:
                command += ["MAX", "2147483647"]  # SORTBY alone keeps 10 rows
        if source.get("limit") is not None:
            command += ["LIMIT", "0", str(source["limit"])]
        params = source.get("params") or []
        if params:
            command += ["PARAMS", str(2 * len(params))] + [p for name, _ in params for p in (name, "<value>")]
        command += ["DIALECT", str(source.get("dialect", 2)), "TIMEOUT", "0", "WITHCURSOR", "COUNT", str(count)]
        text = " ".join(_quote(part) for part in command) + f"; then FT.CURSOR READ {_quote(source['index'])} <cursor>"
        if any(ch in source["query"] for ch in "*%") and source["query"].strip() != "*":
            # Wildcards may be cut at MAXPREFIXEXPANSIONS without a word in the reply: the core
            # profiles the query first and falls back to a full scan if it would be cut.
            text = f"FT.PROFILE {_quote(source['index'])} AGGREGATE LIMITED QUERY ... LIMIT 0 0 (expansion check); " + text
        return text
    pattern = plan.get("pattern", "*")
    return f"SCAN <cursor> MATCH {_quote(pattern)} COUNT {count} TYPE {_SCAN_TYPES[native]}"


def _on_cluster(plan: dict[str, Any], keys: str) -> str:
    """The key source as a Redis Cluster runs it (see docs/cluster.md)."""
    source = plan.get("key_source") or {"kind": "scan"}
    if source["kind"] == "keys":
        return keys + " (split by hash slot, each key read on its node; redirected keys read again)"
    if source["kind"] == "search":
        query = _quote(source["query"])
        command = f"FT.SEARCH <the index on the shard> {query} NOCONTENT LIMIT <offset> 10000"
        if source.get("limit") is not None:
            command += f" (at most {source['limit']} per shard, the merged rows cut at {source['limit']})"
        return f"on every shard, with its own copy of index {_quote(source['index'])}: {command}"
    return f"on every shard at once: {keys}"


def _fetch(native: str, plan: dict[str, Any]) -> list[str]:
    commands: list[str] = []
    fields = plan.get("fields") or []
    if native == "scan_hashes" and (fields or plan.get("fetch_all")):
        names = " ".join(_quote(f[0]) for f in fields)
        commands.append("HGETALL <key>" if plan.get("fetch_all") else f"HMGET <key> {names}")
    elif native == "scan_json" and (fields or plan.get("fetch_all")):
        paths = " ".join(_quote(f[2] or "$." + f[0]) for f in fields)
        commands.append("JSON.GET <key> $" if plan.get("fetch_all") else f"JSON.GET <key> {paths} (JSON.MGET for one path)")
    elif native == "scan_strings" and plan.get("value"):
        commands.append("MGET <key> <key> ...")
    elif native == "scan_sets" and plan.get("include_member"):
        commands.append("SCARD <key>; SSCAN <key> <cursor> COUNT ... (paged)")
    elif native == "scan_lists" and (plan.get("include_element") or plan.get("include_position")):
        commands.append("LLEN <key>; LRANGE <key> <start> <stop> (paged)")
    elif native == "scan_zsets":
        commands.append("ZCOUNT <key> ...; ZRANGE <key> ... WITHSCORES (paged)")
    elif native == "scan_stream":
        commands.append(f"XRANGE {' | '.join(map(_quote, plan.get('keys') or []))} {plan.get('start_id')} "
                        f"{plan.get('end_id')} COUNT {plan.get('page_size')} (paged)")
    elif native == "scan_timeseries":
        commands.append(f"TS.RANGE {_quote(str(plan.get('key')))} ... (paged)")
    elif native == "scan_timeseries_multi":
        commands.append(f"TS.MRANGE ... FILTER {' '.join(map(_quote, plan.get('filters') or []))}")
    if plan.get("include_ttl"):
        commands.append("TTL <key>")
    if plan.get("include_memory_usage"):
        commands.append("MEMORY USAGE <key>")
    return commands
