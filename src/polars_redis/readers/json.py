"""RedisJSON documents as Polars frames: scan_json, read_json, infer_json_schema."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from polars_redis import _core
from polars_redis._core import ConfigurationError
from polars_redis._doc_fragments import shared_docs
from polars_redis.client import Client
from polars_redis.engine.budget import scan_budget
from polars_redis.engine.connection import as_url
from polars_redis.engine.dtypes import SchemaLike, from_descriptor, normalize_schema, to_descriptor
from polars_redis.engine.key_columns import KeyColumns, check_scan_sizes
from polars_redis.engine.key_template import resolve_template
from polars_redis.engine.modules import require_command
from polars_redis.engine.read_options import Overrides, check_n_rows
from polars_redis.pushdown.planner import SearchTarget
from polars_redis.readers.eager import eager_twin
from polars_redis.readers.field_scan import field_scan
from polars_redis.readers.snapshot_source import rdb_file, snapshot_pushdown

__all__ = ["scan_json", "read_json", "infer_json_schema"]


def infer_json_schema(url: str | Client, pattern: str = "*", sample_size: int = 100) -> dict[str, pl.DataType]:
    """Infer a schema, nested types included, by sampling JSON documents that match `pattern`.

    Samples up to `sample_size` documents (SCAN ... TYPE ReJSON-RL, then pipelined
    ``JSON.GET key $``) and merges what each top-level field holds: objects become
    ``pl.Struct`` (fields in the order first seen), arrays ``pl.List`` of their merged element
    type, integers ``Int64``, other numbers ``Float64``, booleans ``Boolean``, strings
    ``String``. A field seen with incompatible kinds (a number in one document, a string in
    another), or only as null, is ``String``, which reads any JSON value as its text.

    Args:
        url: a connection URL or a [Client][polars_redis.client.Client].
        pattern: SCAN MATCH pattern of the documents to sample.
        sample_size: at most this many documents are read.

    Returns:
        Column name -> Polars dtype (nested types included), ready to pass as `schema`.

    Raises:
        ConfigurationError: `sample_size` below 1 or an invalid URL.
        RedisConnectionError: the server cannot be reached (AuthenticationError: credentials
            rejected).
        RedisTimeoutError: the server did not answer in time.
        ResponseError: the server has no JSON module, or answered a command with an error.

    Examples:
        >>> pr.infer_json_schema(url, "profile:*")
        {'name': String, 'tags': List(String), 'address': Struct({'city': String})}
    """
    url = as_url(url)
    if sample_size < 1:
        raise ConfigurationError(f"sample_size must be at least 1, got {sample_size}")
    require_command(url, "JSON.GET", "RedisJSON")
    fields = _core.infer_json_schema(url, pattern, sample_size)
    return {name: from_descriptor(spec) for name, spec in fields}


def check_paths(paths: Mapping[str, str] | None) -> dict[str, str]:
    """`paths` as a dict, each a JSONPath RedisJSON accepts: a bad one fails when the scan is built."""
    if paths is None:
        return {}
    if not isinstance(paths, Mapping):
        raise ConfigurationError(f"paths must map column names to JSONPath strings, got {paths!r}")
    result: dict[str, str] = {}
    seen: dict[str, str] = {}
    for column, path in paths.items():
        if not isinstance(column, str) or not isinstance(path, str) or not path.startswith("$"):
            raise ConfigurationError(
                f"paths: {column!r} -> {path!r}: expected a column name mapped to a JSONPath starting with '$'"
            )
        problem = _core.json_path_error(path)
        if problem is not None:
            raise ConfigurationError(f"paths: column {column!r}: {path!r} is not a valid JSONPath: {problem}")
        if path in seen:
            raise ConfigurationError(f"paths: columns {seen[path]!r} and {column!r} both select {path!r}")
        seen[path] = column
        result[column] = path
    return result


@shared_docs
def scan_json(
    url: str | Client,
    pattern: str = "*",
    schema: SchemaLike | None = None,
    *,
    paths: Mapping[str, str] | None = None,
    include_key: bool = True,
    key_column_name: str = "_key",
    include_ttl: bool = False,
    ttl_column_name: str = "_ttl",
    include_memory_usage: bool = False,
    memory_column_name: str = "_memory",
    include_row_index: bool | None = None,
    row_index_column_name: str | None = None,
    row_index_offset: int = 0,
    row_index_name: str | None = None,
    n_rows: int | None = None,
    schema_overrides: SchemaLike | None = None,
    batch_size: int = 1000,
    count_hint: int = 500,
    ignore_errors: bool = False,
    key_template: str | None = None,
    key_template_schema: Mapping[str, Any] | None = None,
    search_index: str | None = None,
    snapshot: bool = False,
    max_server_share: float | None = None,
    max_commands_per_second: float | None = None,
) -> pl.LazyFrame:
    """Lazily scan RedisJSON documents whose keys match `pattern`.

    Each document becomes one row. A schema column is the document's top-level field of that
    name, or the value at ``paths[column]`` (a JSONPath; its first match). Objects are read into
    ``pl.Struct`` columns and arrays into ``pl.List`` columns, recursively, following the
    schema; fields or paths a document lacks are null. The whole document is fetched
    (``JSON.GET key $``) only when every column is needed; otherwise one path per needed column
    (``JSON.GET key $.a $.b``), so a ``select`` fetches only what it uses. ``head(n)`` stops
    after about n documents. Replies are parsed with simdjson in C++ straight into Arrow
    columns.

    Type rules: integer columns take integral numbers only (``3`` or ``3.0``, not ``3.5``);
    ``Decimal`` is read exactly from the number's digits; ``Date``/``Datetime`` from ISO 8601
    strings or epoch numbers (seconds, ms, us or ns by magnitude, as for hashes); ``String``
    takes strings, and the JSON text of numbers, booleans and sub-documents. A value that does
    not fit its column (``3.5`` for ``Int64``, a string for a ``Struct``) raises
    `SchemaError` naming the key, path, raw value and dtype, or is null with
    ``ignore_errors=True``.

    Args:
        url: ``redis://[[user]:password@]host[:port][/db]``, ``rediss://`` for TLS, or
            ``unix:///path?db=N``.
        pattern: SCAN MATCH pattern, e.g. ``"user:*"``. Keys of other types are skipped.
        schema: column name -> Polars dtype, nested ``pl.List`` / ``pl.Struct`` included.
            ``None`` infers it with [infer_json_schema][polars_redis.readers.json.infer_json_schema] when
            the scan is built.
        paths: column name -> JSONPath (``{"city": "$.address.city"}``) for columns that are
            not top-level fields; each must also be in `schema` (with its dtype).
        {{key column}}
        include_ttl: add the TTL in seconds (-1: no expiry) as an Int64 column.
        ttl_column_name: name of the TTL column.
        include_memory_usage: add ``MEMORY USAGE key`` (bytes) as an Int64 column.
        memory_column_name: name of the memory usage column.
        {{row index}}
        {{field rows}}
        count_hint: SCAN COUNT hint (500 keeps the fetch pipeline fed at the least server CPU, as for hashes).
        ignore_errors: read values that do not fit their dtype as null instead of raising.
        {{key template and index}}
        {{snapshot}}
            Custom `paths` are evaluated on the client as RedisJSON would; filters (``[?...]``)
            and recursive descent (``..``) need the server, so they raise ConfigurationError.
        {{scan budget}}

    {{typed scan returns}}

    Examples:
        >>> schema = {"name": pl.String, "tags": pl.List(pl.String),
        ...           "address": pl.Struct({"city": pl.String}), "city": pl.String}
        >>> lf = pr.scan_json(url, "profile:*", schema, paths={"city": "$.address.city"})
        >>> lf.filter(pl.col("city") == "Oslo").select("name", "tags").collect().rows()
        [('Ada', ['admin'])]
    """
    url = as_url(url)
    _core.validate_url(url)  # a malformed URL fails here, not at collect time
    check_scan_sizes(batch_size, count_hint)
    n_rows = check_n_rows(n_rows)
    overrides = Overrides(schema_overrides, nested=True)
    column_paths = check_paths(paths)
    rdb_path = rdb_file()
    if snapshot or rdb_path is not None:
        for column, path in column_paths.items():
            problem = _core.json_client_path_error(path)
            if problem is not None:
                raise ConfigurationError(f"paths: column {column!r}: {problem}")
    template, pattern = resolve_template(key_template, key_template_schema, pattern, include_key)
    key_columns = KeyColumns.from_arguments(locals(), key_parts=tuple(template.schema.items()) if template else ())

    def search(fields: dict[str, pl.DataType]) -> SearchTarget:
        identifiers = {f: column_paths.get(f, "$." + f) for f in fields}
        return SearchTarget(str(search_index), "JSON", identifiers, ignore_errors)

    snapshot_source = snapshot_pushdown(url, pattern, key_columns.key_column, snapshot=snapshot,
                                        rdb_path=rdb_path, include_memory_usage=include_memory_usage, template=template)

    def resolve_fields() -> dict[str, pl.DataType]:
        given = infer_json_schema(url, pattern) if schema is None else normalize_schema(schema, nested=True)
        missing = [column for column in column_paths if column not in given]
        if missing:
            raise ConfigurationError(
                f"paths name column(s) {missing} that are not in the schema: give their dtypes in `schema`"
            )
        return overrides.fields(given)

    lf = field_scan(
        _core.scan_json, url, pattern,
        resolve_fields=resolve_fields,
        describe=lambda field, dtype: (field, to_descriptor(field, dtype, nested=True), column_paths.get(field)),
        schema_given=schema is not None, key_columns=key_columns, batch_size=batch_size,
        count_hint=count_hint, ignore_errors=ignore_errors, name="redis json",
        template=template, search=search if search_index is not None else None,
        preflight=None if rdb_path is not None else lambda: require_command(url, "JSON.GET", "RedisJSON"),
        planner=(lambda _fields: snapshot_source) if snapshot_source else None,
        budget=scan_budget(max_server_share, max_commands_per_second, snapshot=snapshot),
    )
    return overrides.finish(lf, n_rows)


@eager_twin(scan_json)
@shared_docs
def read_json() -> None:
    """Read RedisJSON documents into a DataFrame (eager [scan_json][polars_redis.readers.json.scan_json]).

    With ``schema=None`` the schema, nested types included, is inferred first with
    [infer_json_schema][polars_redis.readers.json.infer_json_schema].

    Returns:
        One row per document.

    {{eager read raises}}

    Examples:
        >>> df = pr.read_json(url, "profile:*")
        >>> df.sort("_key")["address"].struct.field("city").to_list()
        ['Oslo', 'Bergen']
        >>> pr.read_json(url, "profile:*", {"name": pl.String, "tags": pl.List(pl.String)}).sort("_key").rows()
        [('profile:1', 'Ada', ['admin']), ('profile:2', 'Bo', [])]
    """
