"""Writing LazyFrames to Redis batch by batch (memory bounded by a batch): sink_hashes, sink_json,
sink_strings. The rules are write_hashes' (polars_redis.writers.writes)."""

from __future__ import annotations

import polars as pl

from polars_redis import _core
from polars_redis.client import Client
from polars_redis.engine.connection import as_url
from polars_redis.writers.modes import DEFAULT_IF_EXISTS, IfExists
from polars_redis.writers.pipeline import run_sink, strings_options
from polars_redis._doc_fragments import shared_docs

__all__ = ["sink_hashes", "sink_json", "sink_strings"]


@shared_docs
def sink_hashes(
    lf: pl.LazyFrame,
    url: str | Client,
    *,
    key_column: str | None = "_key",
    key_prefix: str = "",
    if_exists: IfExists = DEFAULT_IF_EXISTS,
    ttl: int | str | None = None,
    batch_size: int = 1000,
) -> int:
    """Stream a LazyFrame into Redis hashes batch by batch; returns the rows written.

    Like [write_hashes][polars_redis.writers.writes.write_hashes], without materialising the frame: memory
    stays bounded by
    ``batch_size`` rows. Row-number keys (``key_column=None``) continue across batches. Under
    ``if_exists="fail"`` the key column is computed first (the query runs twice) so that every key
    is checked before anything is written.

    Warning:
        As with [write_hashes][polars_redis.writers.writes.write_hashes], the default
        ``if_exists="replace"`` deletes the fields an existing hash has and the frame lacks;
        ``if_exists="append"`` merges.

    Args:
        {{lazy frame and url}}
        {{write keys}}

    {{write returns and raises}}

    Examples:
        >>> pl.DataFrame({"id": [1, 2], "name": ["Ada", "Bo"]}).write_parquet("users.parquet")
        >>> lf = pl.scan_parquet("users.parquet")
        >>> pr.sink_hashes(lf, url, key_column="id", key_prefix="user:")
        2
    """
    url = as_url(url)
    return run_sink(_core.write_hashes, lf, url, key_column=key_column, key_prefix=key_prefix,
                    if_exists=if_exists, ttl=ttl, batch_size=batch_size)


@shared_docs
def sink_json(
    lf: pl.LazyFrame,
    url: str | Client,
    *,
    key_column: str | None = "_key",
    key_prefix: str = "",
    if_exists: IfExists = DEFAULT_IF_EXISTS,
    ttl: int | str | None = None,
    batch_size: int = 1000,
) -> int:
    """Stream a LazyFrame into RedisJSON documents batch by batch (see
    [sink_hashes][polars_redis.writers.sinks.sink_hashes]).

    Args:
        {{lazy frame and url}}
        {{write keys}}

    {{write returns and raises}}

    Examples:
        >>> pl.DataFrame({"id": [7], "kind": ["signup"]}).write_ndjson("events.ndjson")
        >>> pr.sink_json(pl.scan_ndjson("events.ndjson"), url, key_column="id", key_prefix="event:")
        1
    """
    url = as_url(url)
    return run_sink(_core.write_json, lf, url, key_column=key_column, key_prefix=key_prefix,
                    if_exists=if_exists, ttl=ttl, batch_size=batch_size)


@shared_docs
def sink_strings(
    lf: pl.LazyFrame,
    url: str | Client,
    *,
    key_column: str | None = "_key",
    value_column: str = "value",
    key_prefix: str = "",
    ttl: int | str | None = None,
    batch_size: int = 1000,
    if_exists: IfExists = DEFAULT_IF_EXISTS,
) -> int:
    """Stream a LazyFrame's `value_column` into Redis strings batch by batch (see
    [sink_hashes][polars_redis.writers.sinks.sink_hashes]).

    Args:
        {{lazy frame and url}}
        value_column: the column written as each key's value.
        {{write keys}}

    {{write returns and raises}}

    Examples:
        >>> lf = pl.LazyFrame({"_key": ["session:a", "session:b"], "value": ["x", "y"]})
        >>> pr.sink_strings(lf.select("_key", "value"), url, ttl=60)
        2
    """
    url = as_url(url)
    own = strings_options(lf.collect_schema().names(), key_column=key_column, value_column=value_column, ttl=ttl)
    return run_sink(_core.write_strings, lf, url, key_column=key_column, key_prefix=key_prefix,
                    if_exists=if_exists, ttl=ttl, batch_size=batch_size, **own)
