"""Redis sets, lists and sorted sets as Polars frames: one row per member or element.

scan_set / read_set, scan_list / read_list, scan_zset / read_zset.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import polars as pl

from polars_redis import _core
from polars_redis.engine.budget import scan_budget
from polars_redis.engine.connection import as_url
from polars_redis.client import Client
from polars_redis._core import ConfigurationError
from polars_redis.engine.dtypes import SchemaLike, normalize_schema, to_descriptor
from polars_redis.engine.key_columns import KeyColumns, check_scan_sizes
from polars_redis.pushdown.planner import KeyPushdown
from polars_redis.engine.read_options import Overrides, check_n_rows
from polars_redis.engine.recorder import start_native
from polars_redis.readers.snapshot_source import rdb_file, snapshot_pushdown
from polars_redis.readers.source import lazy_frame
from polars_redis.readers.eager import eager_twin

__all__ = ["scan_set", "read_set", "scan_list", "read_list", "scan_zset", "read_zset"]

ScoreBound = float | int | str

# Redis score syntax: an optional "(" (exclusive), then a decimal/scientific number or +-inf.
_SCORE = re.compile(r"\(?[+-]?(inf|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)", re.IGNORECASE)


def _score_bound(value: ScoreBound, name: str) -> str:
    """A min_score/max_score value as the Redis argument: 5 -> "5", 2.5 -> "2.5", "(5" kept."""
    if isinstance(value, bool):
        raise ConfigurationError(f"{name} must be a number or a Redis score string, got {value!r}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            raise ConfigurationError(f"{name} must not be NaN")
        if math.isinf(value):
            return "+inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str) and _SCORE.fullmatch(value):
        return value
    raise ConfigurationError(
        f"{name} must be a number or a Redis score string such as '5', '(5' (exclusive), '-inf', "
        f"'+inf'; got {value!r}"
    )


def _scan(
    url: str,
    pattern: str,
    start: Callable[[str, dict[str, Any]], Any],
    values: list[tuple[str, str, pl.DataType, dict[str, Any]]],
    extra_plan: dict[str, Any],
    *,
    name: str,
    key_columns: KeyColumns,
    batch_size: int,
    count_hint: int,
    ignore_errors: bool,
    snapshot: bool,
    budget: dict[str, float] | None = None,
) -> pl.LazyFrame:
    """A LazyFrame over the key scan of one collection type.

    `values` lists the reader's own columns as (plan flag, column name, dtype, plan entries): the
    flag is set in the plan only when Polars needs that column.
    """
    _core.validate_url(url)  # a malformed URL fails here, not at collect time
    check_scan_sizes(batch_size, count_hint)
    schema = key_columns.schema([(column, dtype) for _, column, dtype, _ in values], "give each column its own name")

    def start_scan(wanted_columns: list[str], n_rows: int | None, source: dict[str, Any]) -> Any:
        wanted = set(wanted_columns)
        plan: dict[str, Any] = {
            "pattern": pattern,
            **key_columns.plan(wanted),
            "batch_size": batch_size,
            "count_hint": count_hint,
            "n_rows": n_rows,
            "ignore_errors": ignore_errors,
            **extra_plan,
            **(budget or {}),
            **source,
        }
        for flag, column, _, entries in values:
            plan[flag] = column in wanted
            plan.update(entries)
        return start_native(start, url, plan)

    pushdown = snapshot_pushdown(url, pattern, key_columns.key_column, snapshot=snapshot, rdb_path=rdb_file())
    pushdown = pushdown or KeyPushdown(url, pattern, key_columns.key_column)
    return lazy_frame(start_scan, schema, name=name, detail=f"pattern={pattern!r}", pushdown=pushdown)


def _member(flag: str, column: str, dtype: Any, plan_name: str) -> tuple[str, str, pl.DataType, dict[str, Any]]:
    resolved = normalize_schema({column: dtype}, what=plan_name)[column]  # ConfigurationError for unsupported dtypes
    return (flag, column, resolved, {plan_name: to_descriptor(column, resolved)})


def scan_set(
    url: str | Client,
    pattern: str = "*",
    *,
    member_type: Any = pl.Utf8,
    member_column_name: str = "member",
    include_key: bool = True,
    key_column_name: str = "_key",
    include_row_index: bool | None = None,
    row_index_column_name: str | None = None,
    row_index_offset: int = 0,
    row_index_name: str | None = None,
    n_rows: int | None = None,
    schema_overrides: SchemaLike | None = None,
    batch_size: int = 1000,
    count_hint: int = 1000,
    ignore_errors: bool = False,
    snapshot: bool = False,
    max_server_share: float | None = None,
    max_commands_per_second: float | None = None,
) -> pl.LazyFrame:
    """Lazily scan Redis sets whose keys match `pattern`: one row per member.

    Each set is read with SSCAN: a small set in one call, a large one in pages (members that SSCAN
    returns twice while the server resizes the set appear once). Selecting only the key column
    (or ``pl.len()``) reads no member at all: SCARD gives the number of rows per set.

    Args:
        url: ``redis://[[user]:password@]host[:port][/db]``, ``rediss://`` for TLS, or
            ``unix:///path?db=N``.
        pattern: SCAN MATCH pattern; keys of other types are skipped.
        member_type: dtype the members are parsed as (any scalar dtype
            [scan_hashes][polars_redis.readers.hashes.scan_hashes]
            accepts, parsed the same way).
        member_column_name: name of the member column.
        include_key: add the key as a String column named `key_column_name`.
        key_column_name: name of the key column.
        include_row_index: add a UInt32 row number column starting at `row_index_offset`
            (``None``: only when `row_index_name` is given).
        row_index_column_name: name of the row number column (default ``"_index"``).
        row_index_offset: the first row number.
        row_index_name: Polars' spelling of the row index: add a UInt32 row number column of this
            name (``None``: none, unless `include_row_index`).
        n_rows: read at most this many rows (``None``: all), as ``head(n_rows)`` would.
        schema_overrides: column name -> Polars dtype, as in Polars' readers: the member or
            element column is parsed as that dtype (instead of its ``*_type`` option); another
            column (key, score, ...) is cast to it. A name that is no column raises
            `ConfigurationError`.
        batch_size: rows per batch handed to Polars (a page of a large set may make a larger one).
        count_hint: SCAN COUNT hint for finding the keys.
        snapshot: read a point-in-time replication snapshot (a full resync, ``PSYNC``, on a
            connection of its own) instead of SCAN: the server's main thread does almost no work,
            but the whole dataset crosses the wire. See the snapshots guide.
        ignore_errors: read members that do not parse as `member_type` as null instead of raising
            `SchemaError`.
        max_server_share: bound the scan's share of the server's time, in (0, 1]: fetches go in
            short bursts, each followed by a pause, so that another client's commands wait behind
            less of ours (the production guide, "Scan budgets"). ``None``: unbounded.
        max_commands_per_second: bound the commands the scan sends per second. ``None``: unbounded.

    Returns:
        A LazyFrame; every collect runs a fresh scan.

    Raises:
        ConfigurationError: an invalid URL, option or dtype (raised here).
        RedisConnectionError: the server cannot be reached (at collect); AuthenticationError (a
            subclass) when it rejects the credentials.
        RedisTimeoutError: the server did not answer in time.
        SchemaError: a value does not parse as its dtype (at collect; see `ignore_errors`).
        ResponseError: the server answered a command with an error.

    Examples:
        >>> lf = pr.scan_set(url, "tags:*")
        >>> lf.group_by("member").len().sort("len", "member", descending=True).collect().rows()
        [('polars', 2), ('redis', 1)]
    """
    url = as_url(url)
    n_rows = check_n_rows(n_rows)
    overrides = Overrides(schema_overrides)
    return overrides.finish(_scan(
        url, pattern, _core.scan_sets,
        [_member("include_member", member_column_name, overrides.dtype(member_column_name, member_type),
                 "member_type")],
        {"member_column_name": member_column_name},
        name="redis sets", key_columns=KeyColumns.from_arguments(locals(), per_key_metadata=False), batch_size=batch_size, count_hint=count_hint,
        ignore_errors=ignore_errors, snapshot=snapshot,
        budget=scan_budget(max_server_share, max_commands_per_second, snapshot=snapshot),
    ), n_rows)


@eager_twin(scan_set)
def read_set() -> None:
    """Read Redis sets into a DataFrame (eager [scan_set][polars_redis.readers.collections.scan_set]).

    Returns:
        One row per set member.

    Raises:
        ConfigurationError: an invalid URL, option or dtype.
        RedisConnectionError: the server cannot be reached; AuthenticationError (a subclass) when
            it rejects the credentials.
        RedisTimeoutError: the server did not answer in time.
        SchemaError: a value does not parse as its dtype (see `ignore_errors`).
        ResponseError: the server answered a command with an error.

    Examples:
        >>> pr.read_set(url, "tags:post:2").rows()
        [('tags:post:2', 'polars')]
    """


def scan_list(
    url: str | Client,
    pattern: str = "*",
    *,
    element_type: Any = pl.Utf8,
    element_column_name: str = "element",
    include_position: bool = True,
    position_column_name: str = "position",
    include_key: bool = True,
    key_column_name: str = "_key",
    include_row_index: bool | None = None,
    row_index_column_name: str | None = None,
    row_index_offset: int = 0,
    row_index_name: str | None = None,
    n_rows: int | None = None,
    schema_overrides: SchemaLike | None = None,
    batch_size: int = 1000,
    count_hint: int = 1000,
    ignore_errors: bool = False,
    snapshot: bool = False,
    max_server_share: float | None = None,
    max_commands_per_second: float | None = None,
) -> pl.LazyFrame:
    """Lazily scan Redis lists whose keys match `pattern`: one row per element, duplicates kept.

    Each list is read with LRANGE: the first 1000 elements in one command, a longer list in
    further pages, several in flight. Selecting only the key column (or ``pl.len()``) reads no
    element: LLEN gives the number of rows per list.

    Args:
        url: Redis URL (see [scan_set][polars_redis.readers.collections.scan_set]).
        pattern: SCAN MATCH pattern; keys of other types are skipped.
        element_type: dtype the elements are parsed as (any scalar dtype
            [scan_hashes][polars_redis.readers.hashes.scan_hashes]
            accepts).
        element_column_name: name of the element column.
        include_position: add the element's 0-based index in its list as an Int64 column.
        position_column_name: name of the position column.
        include_key: add the key as a String column named `key_column_name`.
        key_column_name: name of the key column.
        include_row_index: add a UInt32 row number column starting at `row_index_offset`
            (``None``: only when `row_index_name` is given).
        row_index_column_name: name of the row number column (default ``"_index"``).
        row_index_offset: the first row number.
        row_index_name: Polars' spelling of the row index: add a UInt32 row number column of this
            name (``None``: none, unless `include_row_index`).
        n_rows: read at most this many rows (``None``: all), as ``head(n_rows)`` would.
        schema_overrides: column name -> Polars dtype, as in Polars' readers: the member or
            element column is parsed as that dtype (instead of its ``*_type`` option); another
            column (key, score, ...) is cast to it. A name that is no column raises
            `ConfigurationError`.
        batch_size: rows per batch handed to Polars (a page of a long list may make a larger one).
        count_hint: SCAN COUNT hint for finding the keys.
        snapshot: read a point-in-time replication snapshot (a full resync, ``PSYNC``, on a
            connection of its own) instead of SCAN: the server's main thread does almost no work,
            but the whole dataset crosses the wire. See the snapshots guide.
        ignore_errors: read elements that do not parse as `element_type` as null instead of
            raising `SchemaError`.
        max_server_share: bound the scan's share of the server's time, in (0, 1]: fetches go in
            short bursts, each followed by a pause, so that another client's commands wait behind
            less of ours (the production guide, "Scan budgets"). ``None``: unbounded.
        max_commands_per_second: bound the commands the scan sends per second. ``None``: unbounded.

    Returns:
        A LazyFrame; every collect runs a fresh scan.

    Raises:
        ConfigurationError: an invalid URL, option or dtype (raised here).
        RedisConnectionError: the server cannot be reached (at collect); AuthenticationError (a
            subclass) when it rejects the credentials.
        RedisTimeoutError: the server did not answer in time.
        SchemaError: a value does not parse as its dtype (at collect; see `ignore_errors`).
        ResponseError: the server answered a command with an error.

    Examples:
        >>> lf = pr.scan_list(url, "queue:*", element_type=pl.Int64)
        >>> lf.filter(pl.col("position") < 2).collect().rows()
        [('queue:jobs', 1, 0), ('queue:jobs', 2, 1)]
    """
    url = as_url(url)
    n_rows = check_n_rows(n_rows)
    overrides = Overrides(schema_overrides)
    return overrides.finish(_scan(
        url, pattern, _core.scan_lists,
        [_member("include_element", element_column_name, overrides.dtype(element_column_name, element_type),
                 "element_type")]
        + ([("include_position", position_column_name, pl.Int64(), {})] if include_position else []),
        {
            "element_column_name": element_column_name, "position_column_name": position_column_name,
            "include_position": False,  # set again below when the column exists and is wanted
        },
        name="redis lists", key_columns=KeyColumns.from_arguments(locals(), per_key_metadata=False), batch_size=batch_size, count_hint=count_hint,
        ignore_errors=ignore_errors, snapshot=snapshot,
        budget=scan_budget(max_server_share, max_commands_per_second, snapshot=snapshot),
    ), n_rows)


@eager_twin(scan_list)
def read_list() -> None:
    """Read Redis lists into a DataFrame (eager [scan_list][polars_redis.readers.collections.scan_list]).

    Returns:
        One row per list element.

    Raises:
        ConfigurationError: an invalid URL, option or dtype.
        RedisConnectionError: the server cannot be reached; AuthenticationError (a subclass) when
            it rejects the credentials.
        RedisTimeoutError: the server did not answer in time.
        SchemaError: a value does not parse as its dtype (see `ignore_errors`).
        ResponseError: the server answered a command with an error.

    Examples:
        >>> pr.read_list(url, "queue:*")["element"].to_list()
        ['1', '2', '3']
    """


def scan_zset(
    url: str | Client,
    pattern: str = "*",
    *,
    min_score: ScoreBound = float("-inf"),
    max_score: ScoreBound = float("+inf"),
    include_key: bool = True,
    key_column_name: str = "_key",
    member_column_name: str = "member",
    score_column_name: str = "score",
    count: int | None = None,
    member_type: Any = pl.Utf8,
    include_rank: bool = False,
    rank_column_name: str = "rank",
    include_row_index: bool | None = None,
    row_index_column_name: str | None = None,
    row_index_offset: int = 0,
    row_index_name: str | None = None,
    n_rows: int | None = None,
    schema_overrides: SchemaLike | None = None,
    batch_size: int = 1000,
    count_hint: int = 1000,
    ignore_errors: bool = False,
    snapshot: bool = False,
    max_server_share: float | None = None,
    max_commands_per_second: float | None = None,
) -> pl.LazyFrame:
    """Lazily scan Redis sorted sets whose keys match `pattern`: one row per member in range.

    Rows come in ascending score order within each key (ZRANGE ... BYSCORE ... WITHSCORES): the
    first 1000 members in one command, a larger sorted set in further pages read by rank, several
    in flight. Selecting only the key column (or ``pl.len()``) reads no member: ZCOUNT gives the
    number of rows per key.

    Args:
        url: Redis URL (see [scan_set][polars_redis.readers.collections.scan_set]).
        pattern: SCAN MATCH pattern; keys of other types are skipped.
        min_score: lowest score read: a float or int, or a Redis score string: ``"(5"`` excludes
            5 itself, ``"-inf"``/``"+inf"`` are unbounded.
        max_score: highest score read, same forms.
        include_key: add the key as a String column named `key_column_name`.
        key_column_name: name of the key column.
        member_column_name: name of the member column.
        score_column_name: name of the Float64 score column.
        count: read at most this many members per key (the lowest-scored in range), like
            ``ZRANGE ... LIMIT 0 count``.
        member_type: dtype the members are parsed as (any scalar dtype
            [scan_hashes][polars_redis.readers.hashes.scan_hashes]
            accepts).
        include_rank: add the member's rank as an Int64 column: its 0-based position in the
            whole sorted set by ascending score (Redis ZRANK), so with a `min_score` the first
            row of a key may have a rank above 0.
        rank_column_name: name of the rank column.
        include_row_index: add a UInt32 row number column starting at `row_index_offset`
            (``None``: only when `row_index_name` is given).
        row_index_column_name: name of the row number column (default ``"_index"``).
        row_index_offset: the first row number.
        row_index_name: Polars' spelling of the row index: add a UInt32 row number column of this
            name (``None``: none, unless `include_row_index`).
        n_rows: read at most this many rows (``None``: all), as ``head(n_rows)`` would.
        schema_overrides: column name -> Polars dtype, as in Polars' readers: the member or
            element column is parsed as that dtype (instead of its ``*_type`` option); another
            column (key, score, ...) is cast to it. A name that is no column raises
            `ConfigurationError`.
        batch_size: rows per batch handed to Polars (a page of a large key may make a larger one).
        count_hint: SCAN COUNT hint for finding the keys.
        snapshot: read a point-in-time replication snapshot (a full resync, ``PSYNC``, on a
            connection of its own) instead of SCAN: the server's main thread does almost no work,
            but the whole dataset crosses the wire. See the snapshots guide.
        ignore_errors: read members that do not parse as `member_type` as null instead of
            raising `SchemaError`.
        max_server_share: bound the scan's share of the server's time, in (0, 1]: fetches go in
            short bursts, each followed by a pause, so that another client's commands wait behind
            less of ours (the production guide, "Scan budgets"). ``None``: unbounded.
        max_commands_per_second: bound the commands the scan sends per second. ``None``: unbounded.

    Returns:
        A LazyFrame; every collect runs a fresh scan.

    Raises:
        ConfigurationError: an invalid URL, option or dtype (raised here).
        RedisConnectionError: the server cannot be reached (at collect); AuthenticationError (a
            subclass) when it rejects the credentials.
        RedisTimeoutError: the server did not answer in time.
        SchemaError: a value does not parse as its dtype (at collect; see `ignore_errors`).
        ResponseError: the server answered a command with an error.

    Examples:
        >>> lf = pr.scan_zset(url, pattern="leaderboard:*", min_score=0)
        >>> lf.sort("score", descending=True).head(1).collect().select("member", "score").rows()
        [('ann', 10.0)]
    """
    url = as_url(url)
    n_rows = check_n_rows(n_rows)
    overrides = Overrides(schema_overrides)
    low = _score_bound(min_score, "min_score")
    high = _score_bound(max_score, "max_score")
    if count is not None and count < 1:
        raise ConfigurationError(f"count must be at least 1 (or None for every member), got {count}")
    return overrides.finish(_scan(
        url, pattern, _core.scan_zsets,
        [
            _member("include_member", member_column_name, overrides.dtype(member_column_name, member_type),
                    "member_type"),
            ("include_score", score_column_name, pl.Float64(), {}),
        ] + ([("include_rank", rank_column_name, pl.Int64(), {})] if include_rank else []),
        {
            "member_column_name": member_column_name, "score_column_name": score_column_name,
            "rank_column_name": rank_column_name, "min_score": low, "max_score": high, "count": count,
            "include_rank": False,  # set again below when the column exists and is wanted
        },
        name="redis sorted sets", key_columns=KeyColumns.from_arguments(locals(), per_key_metadata=False),
        batch_size=batch_size, count_hint=count_hint,
        ignore_errors=ignore_errors, snapshot=snapshot,
        budget=scan_budget(max_server_share, max_commands_per_second, snapshot=snapshot),
    ), n_rows)


@eager_twin(scan_zset)
def read_zset() -> None:
    """Read Redis sorted sets into a DataFrame (eager [scan_zset][polars_redis.readers.collections.scan_zset]).

    Returns:
        One row per sorted set member.

    Raises:
        ConfigurationError: an invalid URL, option or dtype.
        RedisConnectionError: the server cannot be reached; AuthenticationError (a subclass) when
            it rejects the credentials.
        RedisTimeoutError: the server did not answer in time.
        SchemaError: a value does not parse as its dtype (see `ignore_errors`).
        ResponseError: the server answered a command with an error.

    Examples:
        >>> pr.read_zset(url, "leaderboard:*", min_score="(8")["member"].to_list()
        ['ann']
    """
