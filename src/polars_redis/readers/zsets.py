"""Redis sorted sets as Polars frames: one row per member and its score (scan_zset, read_zset)."""

from __future__ import annotations

import math
import re
from typing import Any

import polars as pl

from polars_redis import _core
from polars_redis._core import ConfigurationError
from polars_redis._doc_fragments import shared_docs
from polars_redis.client import Client
from polars_redis.engine.budget import scan_budget
from polars_redis.engine.connection import as_url
from polars_redis.engine.dtypes import SchemaLike
from polars_redis.engine.key_columns import KeyColumns
from polars_redis.engine.read_options import Overrides, check_n_rows
from polars_redis.readers.collections import member_column, scan_collection
from polars_redis.readers.eager import eager_twin

__all__ = ["ScoreBound", "scan_zset", "read_zset"]


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


@shared_docs
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
    count_hint: int = 500,
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
        url: Redis URL (see [scan_set][polars_redis.readers.sets.scan_set]).
        pattern: SCAN MATCH pattern; keys of other types are skipped.
        min_score: lowest score read: a float or int, or a Redis score string: ``"(5"`` excludes
            5 itself, ``"-inf"``/``"+inf"`` are unbounded.
        max_score: highest score read, same forms.
        {{key column}}
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
        {{row index}}
        {{member rows}}
        batch_size: rows per batch handed to Polars (a page of a large key may make a larger one).
        count_hint: SCAN COUNT hint for finding the keys.
        {{snapshot}}
        ignore_errors: read members that do not parse as `member_type` as null instead of
            raising `SchemaError`.
        {{scan budget}}

    {{typed scan returns}}

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
    return overrides.finish(scan_collection(
        url, pattern, _core.scan_zsets,
        [
            member_column("include_member", member_column_name, overrides.dtype(member_column_name, member_type),
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
@shared_docs
def read_zset() -> None:
    """Read Redis sorted sets into a DataFrame (eager [scan_zset][polars_redis.readers.zsets.scan_zset]).

    Returns:
        One row per sorted set member.

    {{eager read raises}}

    Examples:
        >>> pr.read_zset(url, "leaderboard:*", min_score="(8")["member"].to_list()
        ['ann']
    """
