"""explain: the Redis commands a collect would send, without sending them."""

from __future__ import annotations

import shlex
from typing import Any

import polars as pl

from polars_redis.engine.budget import describe_budget
from polars_redis.engine.recorder import ScanRecord, recording

__all__ = ["explain"]

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
          fetch:  then HMGET <key> <schema fields> once the first 64 hashes average 2x the schema's fields
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


def _render(record: ScanRecord) -> str:
    lines = [record.name]
    if record.server:
        lines.append(f"  server: reads go to {record.server}")
    plan = record.plan or {}
    description = record.description or {"keys": None, "fetch": []}
    keys = _text(description["keys"]) if description["keys"] else None
    if keys:
        lines.append(f"  keys:   {keys}")
    if plan.get("match_pattern"):
        lines.append(f"  check:  keys must match {shlex.quote(plan['match_pattern'])}")
    for command in (_text(line) for line in description["fetch"]):
        lines.append(f"  fetch:  {command}")
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


def _text(described: bytes) -> str:
    """A line of the core's description: keys need not be UTF-8."""
    return described.decode("utf-8", "backslashreplace")
