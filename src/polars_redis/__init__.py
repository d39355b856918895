"""polars-redis: Redis data as Polars LazyFrames and DataFrames, with a C++ core."""

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
from polars_redis.hashes import infer_hash_schema, read_hashes, scan_hashes
from polars_redis import server

try:
    from importlib.metadata import version as _version

    __version__ = _version("polars-redis")  # the one version number lives in pyproject.toml
except Exception:  # pragma: no cover - running from a source tree without metadata
    __version__ = "0+unknown"

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
    "infer_hash_schema",
    "read_hashes",
    "scan_hashes",
    "server",
]
