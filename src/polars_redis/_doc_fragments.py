"""Docstring text several public functions share, written once.

A docstring line ``{{name}}`` stands for ``FRAGMENTS[name]``, indented as that line: `shared_docs` fills
a function's docstring when the module is imported, and scripts/griffe_runtime_docs.py does the same
for the API reference (which reads the source). This file imports nothing of the package: the docs
build loads it on its own."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable[..., object])

_LAZY_SCAN_RETURNS = """\
Returns:
    A LazyFrame; every collect runs a fresh scan.

Raises:
    ConfigurationError: an invalid URL, option or dtype (raised here).
    RedisConnectionError: the server cannot be reached (at collect); AuthenticationError (a
        subclass) when it rejects the credentials.
    RedisTimeoutError: the server did not answer in time."""

FRAGMENTS = {
    # Args of the readers
    "key column": """\
include_key: add the key as a String column named `key_column_name`.
key_column_name: name of the key column.""",
    "row index": """\
include_row_index: add a UInt32 row number column starting at `row_index_offset`
    (``None``: only when `row_index_name` is given).
row_index_column_name: name of the row number column (default ``"_index"``).
row_index_offset: the first row number.
row_index_name: Polars' spelling of the row index: add a UInt32 row number column of this
    name (``None``: none, unless `include_row_index`).""",
    "member rows": """\
n_rows: read at most this many rows (``None``: all), as ``head(n_rows)`` would.
schema_overrides: column name -> Polars dtype, as in Polars' readers: the member or
    element column is parsed as that dtype (instead of its ``*_type`` option); another
    column (key, score, ...) is cast to it. A name that is no column raises
    `ConfigurationError`.""",
    "field rows": """\
n_rows: read at most this many rows (``None``: all), as ``head(n_rows)`` would.
schema_overrides: column name -> Polars dtype, as in Polars' readers: a field of the given
    or inferred schema is parsed as that dtype instead; another column (key, TTL, ...) is
    cast to it. A name that is no column raises `ConfigurationError`.
batch_size: rows in the first batch handed to Polars; later batches also wait for
    about 1 MiB of replies, so a large read hands over fewer, larger batches.""",
    "key template and index": """\
key_template: the key layout, e.g. ``"order:{region}:{id}"``: each ``{part}`` becomes a
    column (after the key column) parsed from the key, typed by `key_template_schema`
    (String by default). With the default pattern the scan covers the template's keys
    (``order:*:*``); an equality filter on a String part narrows SCAN MATCH
    (``order:eu:*``). A part matches any characters, newline included (every part but the
    last as few as it can); keys that do not fit get null parts.
key_template_schema: part name -> Polars dtype for `key_template`.
search_index: a RediSearch index over these keys. A ``filter`` is then translated into
    a query (see the pushdown guide) and only the matching keys are fetched; terms the
    index cannot answer are still applied on the client, so results are the same
    as without the index. The index must cover the pattern's prefix; it is never
    created implicitly.""",
    "sample columns": """\
include_timestamp: add the timestamp column (Int64 epoch milliseconds).
timestamp_column_name: name of the timestamp column.
value_column_name: name of the Float64 value column.
n_rows: read at most this many rows (``None``: all), as ``head(n_rows)`` would.
schema_overrides: column name -> Polars dtype, as in Polars' readers: the column is cast
    to it (e.g. ``{"_ts": pl.Datetime("ms")}``). A name that is no column raises
    `ConfigurationError`.""",
    "search results": """\
include_ttl: add the TTL in seconds (-1: no expiry) as an Int64 column.
ttl_column_name: name of the TTL column.
batch_size: rows in the first batch handed to Polars; later batches also wait for
    about 1 MiB of replies, so a large read hands over fewer, larger batches.
count_hint: keys per cursor read (FT.AGGREGATE ... WITHCURSOR COUNT).
ignore_errors: read values that do not parse as their dtype as null instead of raising
    `SchemaError`.
n_rows: read at most this many rows (``None``: all), as ``head(n_rows)`` would.
schema_overrides: column name -> Polars dtype, as in Polars' readers: a field of the given
    or inferred schema is parsed as that dtype instead; another column (key, TTL, ...) is
    cast to it. A name that is no column raises `ConfigurationError`.""",
    "stored frame": """\
url: a connection URL or a [Client][polars_redis.client.Client].
key: the key [write_frame][polars_redis.readers.frames.write_frame] stored the frame under.
n_rows: read at most this many rows (``None``: all).
schema_overrides: column name -> Polars dtype the column is cast to. A name that is no
    column raises `ConfigurationError`.""",
    "snapshot": """\
snapshot: read a point-in-time replication snapshot (a full resync, ``PSYNC``, on a
    connection of its own) instead of SCAN: the server's main thread does almost no work,
    but the whole dataset crosses the wire. See the snapshots guide.""",
    "scan budget": """\
max_server_share: bound the scan's share of the server's time, in (0, 1]: fetches go in
    short bursts, each followed by a pause, so that another client's commands wait behind
    less of ours (the production guide, "Scan budgets"). ``None``: unbounded.
max_commands_per_second: bound the commands the scan sends per second. ``None``: unbounded.""",
    # Returns and Raises of the readers
    "lazy scan returns": _LAZY_SCAN_RETURNS,
    "typed scan returns": _LAZY_SCAN_RETURNS + """
    SchemaError: a value does not parse as its dtype (at collect; see `ignore_errors`).
    ResponseError: the server answered a command with an error.""",
    "eager read raises": """\
Raises:
    ConfigurationError: an invalid URL, option or dtype.
    RedisConnectionError: the server cannot be reached; AuthenticationError (a subclass) when
        it rejects the credentials.
    RedisTimeoutError: the server did not answer in time.
    SchemaError: a value does not parse as its dtype (see `ignore_errors`).
    ResponseError: the server answered a command with an error.""",
    "eager series raises": """\
Raises:
    ConfigurationError: an invalid URL, option or dtype.
    RedisConnectionError: the server cannot be reached; AuthenticationError (a
        subclass) when it rejects the credentials.
    RedisTimeoutError: the server did not answer in time.
    ResponseError: the key is missing or not a series, or another server error.""",
    "search raises": """\
Raises:
    ConfigurationError: an invalid URL, option or dtype, or a field the index lacks.
    RedisConnectionError: the server cannot be reached (AuthenticationError: credentials
        rejected).
    RedisTimeoutError: the server did not answer in time.
    SchemaError: a value does not parse as its dtype (see `ignore_errors`).
    ResponseError: no such index, a query syntax error, or another server error.""",
    "stored frame raises": """\
Raises:
    ConfigurationError: an invalid URL.
    RedisConnectionError: the server cannot be reached (AuthenticationError: credentials
        rejected).
    RedisTimeoutError: the server did not answer in time.
    ResponseError: no frame is stored under `key`, or it is incomplete, corrupt or of a newer
        format version.""",
    # The writers
    "frame and url": """\
df: the frame to write.
url: a connection URL or a [Client][polars_redis.client.Client].""",
    "lazy frame and url": """\
lf: the LazyFrame to stream (its query runs in batches).
url: a connection URL or a [Client][polars_redis.client.Client].""",
    "write keys": """\
key_column: the column whose values (after `key_prefix`) name the keys; ``None`` numbers
    the rows instead.
key_prefix: prepended to every key.
if_exists: ``"replace"`` (the default: each key becomes exactly its row, atomically),
    ``"append"`` (merge into what is there) or ``"fail"``; see
    [writes][polars_redis.writers.writes].
ttl: seconds for every key, or the name of a column of per-row seconds or Datetimes to
    expire at (null: no expiry).
batch_size: rows encoded and pipelined per batch.""",
    "write returns and raises": """\
Returns:
    The number of rows written.

Raises:
    ConfigurationError: an invalid URL or option, a missing column, a duplicate or null key,
        or a value Redis cannot store; nothing is written then.
    KeyExistsError: ``if_exists="fail"`` found keys that already exist; nothing is written.
    RedisConnectionError: the server cannot be reached or the connection was lost
        (AuthenticationError when it rejects the credentials); the message says which keys
        were committed.
    RedisTimeoutError: the server did not answer in time.
    ResponseError: the server rejected a command.""",
    "append raises": """\
Raises:
    ConfigurationError: an invalid URL or option, a missing column, or a value Redis cannot
        store; nothing is written then.
    RedisConnectionError: the server cannot be reached or the connection was lost
        (AuthenticationError when it rejects the credentials); the message says how many rows
        were committed.
    RedisTimeoutError: the server did not answer in time.
    ResponseError: the server rejected a command (e.g. an ID not above the stream's last one).""",
}

_PLACEHOLDER = re.compile(r"^( *)\{\{([a-z ]+)\}\}$", re.MULTILINE)


def fill(doc: str) -> str:
    """`doc` with every ``{{name}}`` line replaced by its fragment (a KeyError names an unknown one)."""
    return _PLACEHOLDER.sub(lambda m: "\n".join(m.group(1) + line if line else line
                                                for line in FRAGMENTS[m.group(2)].splitlines()), doc)


def shared_docs(func: F) -> F:
    """Fill the decorated function's docstring (see the module docstring)."""
    func.__doc__ = fill(func.__doc__ or "")
    return func
