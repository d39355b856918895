"""Types of polars-redis' compiled core (the nanobind module ``polars_redis._core``).

Kept in step with cpp/bindings/ by tests/test_typing.py, which compares its names with the
module's. Plans are the dicts the Python layer builds (see each reader); scans return batches
exported through the Arrow C data interface.
"""

from collections.abc import Sequence
from typing import Any, Final

class RedisError(Exception):
    """Base class of every polars-redis error."""

class RedisConnectionError(RedisError, ConnectionError):
    """Cannot connect, or the connection was lost."""

class RedisTimeoutError(RedisError, TimeoutError):
    """A connect, read or write timed out."""

class AuthenticationError(RedisConnectionError):
    """The server rejected the credentials."""

class ResponseError(RedisError):
    """The server answered a command with an error."""

class ProtocolError(RedisError):
    """The server sent bytes that are not valid RESP."""

class SchemaError(RedisError, ValueError):
    """A value does not parse as the dtype the schema asks for."""

class KeyExistsError(RedisError):
    """if_exists='fail' found keys that already exist."""

class ConfigurationError(RedisError, ValueError):
    """An invalid URL, option or dtype."""

class ArrowBatch:
    """One batch of rows from a scan (Arrow struct array)."""

    @property
    def num_rows(self) -> int: ...

    def __arrow_c_array__(self, requested_schema: object | None = None) -> tuple[object, object]: ...

class NativeScan:
    """A running scan producing Arrow batches on a background thread."""

    def next_batch(self) -> ArrowBatch | None:
        """The next batch, or None when the scan is complete."""

    def close(self) -> None:
        """Stop the scan and its background thread."""

def scan_hashes(url: str, plan: dict[str, Any]) -> NativeScan:
    """Start a scan of Redis hashes."""

def infer_hash_schema(url: str, pattern: str, sample_size: int, type_inference: bool) -> list[tuple[str, dict[str, Any]]]: ...

MAX_TTL_SECONDS: Final[int]

def check_keys_absent(url: str, stream: object, plan: dict[str, Any]) -> list[Any]: ...

def write_hashes(url: str, stream: object, check: object, plan: dict[str, Any]) -> int: ...

def write_json(url: str, stream: object, check: object, plan: dict[str, Any]) -> int: ...

def write_set(url: str, stream: object, check: object, plan: dict[str, Any]) -> int: ...

def write_list(url: str, stream: object, check: object, plan: dict[str, Any]) -> int: ...

def write_zset(url: str, stream: object, check: object, plan: dict[str, Any]) -> int: ...

def write_stream(url: str, stream: object, check: object, plan: dict[str, Any]) -> int: ...

def write_timeseries(url: str, stream: object, check: object, plan: dict[str, Any]) -> int: ...

def write_strings(url: str, stream: object, check: object, plan: dict[str, Any]) -> int: ...

def put_chunked_value(url: str, key: str, meta: str, chunks: Sequence[bytes], ttl_seconds: int | None) -> None: ...

def get_chunked_value(url: str, key: str) -> tuple[str, list[bytes]] | None: ...

def scan_strings(url: str, plan: dict[str, Any]) -> NativeScan:
    """Start a scan of Redis strings."""

def scan_sets(url: str, plan: dict[str, Any]) -> NativeScan:
    """Start a scan of Redis sets."""

def scan_lists(url: str, plan: dict[str, Any]) -> NativeScan:
    """Start a scan of Redis lists."""

def scan_zsets(url: str, plan: dict[str, Any]) -> NativeScan:
    """Start a scan of Redis sorted sets."""

def validate_url(url: str) -> None:
    """Raise ConfigurationError if the URL is malformed."""

def redact_url(url: str) -> str:
    """The URL with its password replaced by ***."""

def url_secrets(url: str) -> list[str]:
    """
    The passwords the URL holds (user info and ?password=), raw and percent-decoded.
    """

def read_route(url: str) -> str:
    """
    Which server the reads of a Sentinel or read_from URL go to, without passwords ('' for other URLs).
    """

def scan_timeseries(url: str, plan: dict[str, Any]) -> NativeScan:
    """Start a TS.RANGE scan of one series."""

def scan_timeseries_multi(url: str, plan: dict[str, Any]) -> NativeScan:
    """Start a TS.MRANGE scan of the series matching label filters."""

def timeseries_label_names(url: str, filters: Sequence[str]) -> list[str]:
    """Label names of the series matching `filters`, in first-seen order."""

def scan_stream(url: str, plan: dict[str, Any]) -> NativeScan:
    """Start an XRANGE scan of Redis streams."""

def read_stream_group(url: str, plan: dict[str, Any]) -> NativeScan:
    """Start an XREADGROUP read of one stream."""

def create_stream_group(url: str, key: str, group: str, start_id: str) -> bool: ...

def ack_stream(url: str, key: str, group: str, ids: Sequence[str]) -> int: ...

def scan_json(url: str, plan: dict[str, Any]) -> NativeScan:
    """Start a scan of RedisJSON documents."""

def infer_json_schema(url: str, pattern: str, sample_size: int) -> list[tuple[str, dict[str, Any]]]: ...

def json_path_error(path: str) -> str | None:
    """
    Why `path` is not a JSONPath RedisJSON accepts, or None when it is one.
    """

def json_client_select(document: str, path: str) -> str: ...

def json_client_path_error(path: str) -> str | None:
    """
    Why snapshot and RDB reads cannot evaluate `path` themselves, or None when they can.
    """

def command(url: str, args: Sequence[str | bytes], node: object | None = None) -> Any:
    """
    Run one command (str or bytes arguments) on a pooled connection; the reply as Python values. `node`: a cluster node from cluster_nodes() instead of the URL's.
    """

def commands(url: str, commands: Sequence[Sequence[str | bytes]], node: object | None = None) -> list[Any]:
    """
    Run several commands pipelined on one pooled connection; their replies, in order.
    """

def glob_match(pattern: str | bytes, text: str | bytes) -> bool:
    """
    Whether `text` matches the Redis glob `pattern` (SCAN MATCH / KEYS semantics).
    """

def aggregate(url: str, plan: dict[str, Any]) -> NativeScan:
    """Start an FT.AGGREGATE scan read with a cursor."""

def cluster_route(url: str, stream: object, key_column: str, key_prefix: str) -> tuple[list[tuple[str, int]], Any]:
    """
    The primaries of a cluster and, per row, the index of the one serving the row's key.
    """

def is_cluster(url: str) -> bool:
    """
    Whether the URL reaches a Redis Cluster (redis+cluster://, or a node with cluster_enabled:1).
    """

def cluster_nodes(url: str, read: bool = True) -> list[Any]:
    """
    (host, port, readonly) of each shard's read node (or primary) of a Redis Cluster.
    """

def cluster_partitions(url: str) -> list[Any]:
    """
    ((host, port, readonly), slot ranges) of each shard of a Redis Cluster: its read node and the slots it serves.
    """

def cluster_index_names(url: str, name: str, create: bool = False) -> list[Any]:
    """
    (node, name) per shard of a RediSearch index over a Redis Cluster (one index per shard).
    """

def cluster_key_slot(key: bytes) -> int:
    """
    The Redis Cluster hash slot of a key (CRC16 of its hash tag, mod 16384).
    """

class ClusterIndexedBatch:
    """A batch of a cluster scan with its row index column."""

    @property
    def num_rows(self) -> int: ...

    def __arrow_c_array__(self, requested_schema: object | None = None) -> tuple[object, object]: ...

class ClusterScan:
    """A key scan over every shard of a Redis Cluster."""

    def next_batch(self) -> ClusterIndexedBatch | ArrowBatch | None:
        """The next batch, or None when the scan is complete."""

    def close(self) -> None:
        """Stop the scan and its shard threads."""

def pool_stats(url: str) -> dict[str, Any]:
    """Counters of the URL's connection pool: open, idle, created, reused."""

def url_settings(url: str) -> dict[str, Any]:
    """
    The URL's client-side options: pool, pool_size, pool_idle_timeout, retries, parallel.
    """

def close_pool(url: str) -> None:
    """
    Close the idle connections of the URL's pool; later calls open fresh ones.
    """

def probe_restore(url: str, plan: dict[str, Any]) -> dict[str, Any]:
    """
    Whether the server takes RESTORE payloads: usable, rdb_version, json, limits, server_version, reason.
    """

def _on_exit() -> None:
    """Stop blocked calls and close the GIL to their threads (at exit)."""

def validate_budget(plan: dict[str, Any]) -> None:
    """
    Raise ConfigurationError if plan's max_server_share or max_commands_per_second is out of range.
    """

def describe_key_scan(name: str, url: str, plan: dict[str, Any]) -> dict[str, Any]:
    """
    The commands the key-based scan `name` would send for `plan` (keys, fetch), rendered from the encoders it runs; sends nothing.
    """
