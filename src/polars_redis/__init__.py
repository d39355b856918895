"""polars-redis: Redis data as Polars LazyFrames and DataFrames, with a C++ core."""

from polars_redis import server
from polars_redis._core import (
    AuthenticationError,
    ConfigurationError,
    KeyExistsError,
    ProtocolError,
    RedisConnectionError,
    RedisError,
    RedisTimeoutError,
    ResponseError,
    SchemaError,
)
from polars_redis._version import __version__ as __version__
from polars_redis.client import Client, connect
from polars_redis.explain import explain
from polars_redis.pushdown.planner import PushdownWarning
from polars_redis.readers.frames import read_frame, scan_frame, write_frame
from polars_redis.readers.hashes import infer_hash_schema, read_hashes, scan_hashes
from polars_redis.readers.json import infer_json_schema, read_json, scan_json
from polars_redis.readers.lists import read_list, scan_list
from polars_redis.readers.partitions import ScanPartition, scan_partitions
from polars_redis.readers.search.aggregate import aggregate
from polars_redis.readers.search.indexes import create_index, infer_schema_from_index
from polars_redis.readers.search.query import read_search_hashes, search_hashes, search_json
from polars_redis.readers.sets import read_set, scan_set
from polars_redis.readers.snapshots import read_rdb, scan_rdb
from polars_redis.readers.stream_groups import ack_stream, create_stream_group, read_stream_group
from polars_redis.readers.streams import read_stream, scan_stream
from polars_redis.readers.strings import read_strings, scan_strings
from polars_redis.readers.timeseries import read_timeseries, scan_timeseries
from polars_redis.readers.timeseries_multi import read_timeseries_multi, scan_timeseries_multi
from polars_redis.readers.zsets import read_zset, scan_zset
# The documented home of MAX_TTL_SECONDS (pr.writes.MAX_TTL_SECONDS, docs/writes.md).
from polars_redis.writers import writes as writes
from polars_redis.writers.append import write_stream, write_timeseries
from polars_redis.writers.collections import write_list, write_set, write_zset
from polars_redis.writers.restore import write_method
from polars_redis.writers.sinks import sink_hashes, sink_json, sink_strings
from polars_redis.writers.writes import write_hashes, write_json, write_strings

__all__ = [
    "AuthenticationError",
    "ConfigurationError",
    "KeyExistsError",
    "ProtocolError",
    "RedisConnectionError",
    "RedisError",
    "RedisTimeoutError",
    "ResponseError",
    "SchemaError",
    "Client",
    "connect",
    "infer_hash_schema",
    "read_hashes",
    "read_strings",
    "scan_hashes",
    "scan_rdb",
    "read_rdb",
    "scan_strings",
    "ack_stream",
    "create_stream_group",
    "read_stream",
    "read_stream_group",
    "scan_stream",
    "infer_json_schema",
    "read_json",
    "scan_json",
    "read_list",
    "read_set",
    "read_zset",
    "scan_list",
    "scan_set",
    "scan_zset",
    "read_timeseries",
    "read_timeseries_multi",
    "scan_timeseries",
    "scan_timeseries_multi",
    "sink_hashes",
    "sink_json",
    "sink_strings",
    "write_hashes",
    "write_json",
    "write_strings",
    "write_list",
    "write_method",
    "write_set",
    "write_zset",
    "write_stream",
    "write_timeseries",
    "read_frame",
    "scan_frame",
    "write_frame",
    "aggregate",
    "create_index",
    "infer_schema_from_index",
    "read_search_hashes",
    "search_hashes",
    "search_json",
    "explain",
    "ScanPartition",
    "scan_partitions",
    "PushdownWarning",
    "server",
]
