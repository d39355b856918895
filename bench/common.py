"""Shared benchmark pieces: the command line and the server a bench runs against, pipelined
loading, and the baselines run side by side (redis-py + hiredis, valkey-glide, the raw C++ loop)."""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any, TypeVar

import polars as pl
import redis

from polars_redis.server import RedisStackServer

Item = TypeVar("Item")


# --- The command line and the server ----------------------------------------------------------


def bench_arguments(sizes: list[int] | None, *, flag: str = "--sizes",
                    markdown_help: str | None = "write the result table to this file",
                    repeat: int | None = 3) -> argparse.ArgumentParser:
    """The options a bench starts from: the sizes it runs at (`flag`, unless `sizes` is None),
    --url (else an embedded Redis Stack), --markdown and, unless `repeat` is None, --repeat."""
    parser = argparse.ArgumentParser()
    if sizes is not None:
        parser.add_argument(flag, type=int, nargs="+", default=sizes)
    parser.add_argument("--url")
    parser.add_argument("--markdown", type=Path, help=markdown_help)
    if repeat is not None:
        parser.add_argument("--repeat", type=int, default=repeat)
        parser.add_argument("--floor-only", nargs=0, action=_FloorOnly,
                            help="run only polars-redis and the raw loop (many rounds cost little then)")
    return parser


class FloorOnly:
    """Whether the interleaved comparisons run only polars-redis and the raw loop: a process-wide
    setting, made by --floor-only, that harness.measure_interleaved reads."""

    enabled = False


class _FloorOnly(argparse.Action):
    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        FloorOnly.enabled = True
        setattr(namespace, self.dest, True)


@contextmanager
def redis_stack(url: str | None = None, **options: Any) -> Iterator[str]:
    """`url` when given, else the URL of an embedded Redis Stack (started with `options`) that
    is stopped when the block ends."""
    if url:
        yield url
    else:
        with RedisStackServer(**options) as server:
            yield server.url


@contextmanager
def debian_redis(*args: str) -> Iterator[tuple[str, int, Path]]:
    """Debian's redis-server (no modules) on loopback at a free port, without persistence, with
    `args` added, for the block: its URL, port and working directory (removed afterwards)."""
    directory = Path(tempfile.mkdtemp(prefix="bench-redis-"))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [shutil.which("redis-server") or "redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(directory), *args],
        stdout=subprocess.DEVNULL,
    )
    try:
        client = redis.Redis(port=port)
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.1)
        client.close()
        yield f"redis://127.0.0.1:{port}/0", port, directory
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(directory, ignore_errors=True)


@contextmanager
def baseline_clients(url: str | None, *, glide_protocol: Any = None,
                     **hiredis_options: Any) -> Iterator[tuple[str, redis.Redis, redis.Redis, Any]]:
    """The server (as redis_stack), a plain redis-py client on it (loading, INFO), redis-py +
    hiredis (with `hiredis_options`) and valkey-glide (speaking `glide_protocol`, else its
    default): what the interleaved comparisons run."""
    with redis_stack(url) as url, closing(glide_client(url, glide_protocol)) as glide:
        # redis-py 8 gives up on a reply after 5 s; DEBUG DIGEST or FLUSHALL of 1M keys may take longer
        yield url, redis.Redis.from_url(url, socket_timeout=600), hiredis_client(url, **hiredis_options), glide


# --- Loading ----------------------------------------------------------------------------------


def in_pipelines(client: redis.Redis, items: Iterable[Item], every: int = 10_000) -> Iterator[tuple[Any, Item]]:
    """Each item with the (non-transactional) pipeline to queue its commands on; the pipeline is
    sent after every `every` items and once at the end."""
    pipe = client.pipeline(transaction=False)
    for i, item in enumerate(items):
        yield pipe, item
        if i % every == every - 1:
            pipe.execute()
    pipe.execute()


# --- Baselines run side by side: redis-py + hiredis, valkey-glide, and the raw C++ loop ---------

RAW_LOOP_SOURCE = Path(__file__).parent / "raw_loop" / "raw_loop.cpp"
RAW_LOOP_BINARY = Path(__file__).parent.parent / "build" / "bench" / "raw_loop"
FETCH_CHUNK = 1000  # keys per pipelined round in the Python baselines (SCAN COUNT 1000 gives ~1000)


def baseline_versions() -> str:
    """The baselines' versions, for the line above each table."""
    from importlib.metadata import version

    import hiredis

    return (f"redis-py {redis.__version__} + hiredis {hiredis.__version__}, "
            f"valkey-glide-sync {version('valkey-glide-sync')}")


def hiredis_client(url: str, **kwargs: Any) -> redis.Redis:
    """redis-py with the hiredis parser: the idiomatic fastest redis-py (fails without hiredis)."""
    from redis.utils import HIREDIS_AVAILABLE

    if not HIREDIS_AVAILABLE:
        raise RuntimeError("hiredis is not installed: run the benchmarks from .venv-bench (make bench-venv)")
    return redis.Redis.from_url(url, **kwargs)


def glide_client(url: str, protocol: Any = None) -> Any:
    """A valkey-glide (sync) client on the same server, speaking `protocol` (a
    glide_sync.ProtocolVersion) when given: glide converts RediSearch's FT.AGGREGATE replies
    only in their RESP2 form."""
    from urllib.parse import urlparse

    import glide_sync

    parsed = urlparse(url)
    credentials = (glide_sync.ServerCredentials(parsed.password, parsed.username or None)
                   if parsed.password else None)
    config = glide_sync.GlideClientConfiguration(
        [glide_sync.NodeAddress(parsed.hostname or "127.0.0.1", parsed.port or 6379)], credentials=credentials,
        request_timeout=60_000, **({} if protocol is None else {"protocol": protocol}))
    return glide_sync.GlideClient.create(config)


def scan_chunks(client: redis.Redis, match: str, type_: str | None = None, count: int = FETCH_CHUNK) -> Any:
    """redis-py: the keys of each SCAN COUNT `count` reply, one list per round (SCAN then fetch)."""
    cursor = 0
    while True:
        cursor, keys = client.scan(cursor, match=match, count=count, _type=type_)
        if keys:
            yield keys
        if cursor == 0:
            return


def glide_scan_chunks(client: Any, match: str, type_: Any = None) -> Any:
    """valkey-glide: the keys of each SCAN COUNT 1000 reply, one list per round."""
    cursor: Any = b"0"
    while True:
        cursor, keys = client.scan(cursor, match=match, count=FETCH_CHUNK, type=type_)
        if keys:
            yield keys
        if cursor in (b"0", "0"):
            return


def glide_batch(client: Any, fill: Callable[[Any], None]) -> list[Any]:
    """One pipelined (non-atomic) glide batch."""
    import glide_sync

    batch = glide_sync.Batch(is_atomic=False)
    fill(batch)
    return client.exec(batch, raise_on_error=True) or []


def hmget_rows(client: redis.Redis, keys: list[str], fields: list[str]) -> list[list[Any]]:
    """redis-py: the `fields` of every key, one pipeline of HMGET."""
    pipe = client.pipeline(transaction=False)
    for key in keys:
        pipe.hmget(key, fields)
    return pipe.execute()


def glide_hmget_rows(client: Any, keys: list[str], fields: list[str]) -> list[list[str]]:
    """valkey-glide: the `fields` of every key as text, one batch of HMGET."""
    replies = glide_batch(client, lambda batch: [batch.hmget(key, fields) for key in keys])
    return [[v.decode() for v in reply] for reply in replies]


def search_cursor_rows(client: redis.Redis, index: str, *args: str, count: int = 1000) -> list[dict[str, str]]:
    """redis-py (RESP3, decode_responses): every row of FT.AGGREGATE `index` `args` WITHCURSOR
    COUNT `count`, read page by page with FT.CURSOR READ."""
    reply, cursor = client.execute_command("FT.AGGREGATE", index, *args, "WITHCURSOR", "COUNT", count)
    rows = [row["extra_attributes"] for row in reply["results"]]
    while cursor:
        reply, cursor = client.execute_command("FT.CURSOR", "READ", index, cursor, "COUNT", count)
        rows += [row["extra_attributes"] for row in reply["results"]]
    return rows


def glide_search_cursor_rows(client: Any, index: str, *args: str, count: int = 1000) -> list[dict[str, str]]:
    """valkey-glide (RESP2, see glide_client): the same rows, as text."""
    rows, cursor = client.custom_command(["FT.AGGREGATE", index, *args, "WITHCURSOR", "COUNT", str(count)])
    while cursor:
        more, cursor = client.custom_command(["FT.CURSOR", "READ", index, str(cursor), "COUNT", str(count)])
        rows += more
    return [{k.decode(): v.decode() for k, v in row.items()} for row in rows]


def raw_loop_binary() -> Path:
    """bench/raw_loop/raw_loop.cpp compiled (again when the source is newer) into build/bench."""
    import subprocess

    if not RAW_LOOP_BINARY.exists() or RAW_LOOP_BINARY.stat().st_mtime < RAW_LOOP_SOURCE.stat().st_mtime:
        RAW_LOOP_BINARY.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["g++", "-O2", "-std=c++20", "-o", str(RAW_LOOP_BINARY), str(RAW_LOOP_SOURCE)], check=True)
    return RAW_LOOP_BINARY


def raw_loop(url: str, pattern: str, type_: str, mode: str, *command: str, count: int = 1000) -> Callable[[], int]:
    """A callable running the raw C++ loop once; returns its row count and records its own wall
    time (without process start-up) in `raw_loop.last_wall`."""
    import subprocess
    from urllib.parse import urlparse

    binary = str(raw_loop_binary())
    parsed = urlparse(url)
    argv = [binary, parsed.hostname or "127.0.0.1", str(parsed.port or 6379), pattern, type_ or "-", str(count),
            mode, *command]

    import os

    env = {**os.environ, "REDIS_PASSWORD": parsed.password or "", "REDIS_USER": parsed.username or ""}
    if not parsed.password:
        del env["REDIS_PASSWORD"]

    def run() -> int:
        out = subprocess.run(argv, check=True, capture_output=True, text=True, env=env).stdout.split()
        raw_loop.last_wall = float(out[3]) / 1e3  # type: ignore[attr-defined]
        return int(out[0])

    return run


raw_loop.last_wall = 0.0  # type: ignore[attr-defined]


def hgetall_frame(client: redis.Redis, pattern: str, key_column: bool = True) -> pl.DataFrame:
    """redis-py as a user writes it first: SCAN every key, one pipeline of HGETALL, a frame of
    text columns from the replies (with the keys as `_key` when `key_column`). On a RedisCluster
    client, scan_iter visits every primary and the pipeline groups the commands by node."""
    keys = list(client.scan_iter(match=pattern, count=1000))
    pipe = client.pipeline(transaction=False)
    for key in keys:
        pipe.hgetall(key)
    rows = [{k.decode(): v.decode() for k, v in h.items()} for h in pipe.execute()]
    frame = pl.DataFrame(rows)
    return frame.with_columns(pl.Series("_key", [k.decode() for k in keys])) if key_column else frame


# --- Peers for streaming memory, the CLI, scan budgets and the pool ------------------------------


def text_as(name: str, dtype: Any) -> pl.Expr:
    """Column `name` of text parsed as `dtype`, as a user writes it ("true" / "false" for Boolean)."""
    return pl.col(name) == "true" if dtype == pl.Boolean else pl.col(name).cast(dtype)


def hash_rows_frame(keys: list[str], rows: list[dict[str, str]], schema: dict[str, Any]) -> pl.DataFrame:
    """Text keys and their hashes (text fields) as a frame: `_key`, then the fields of `schema`
    parsed as its dtypes (a missing field is null)."""
    columns = {"_key": keys, **{name: [row.get(name) for row in rows] for name in schema}}
    frame = pl.DataFrame(columns, schema={"_key": pl.String, **{name: pl.String for name in schema}})
    return frame.with_columns(text_as(name, dtype) for name, dtype in schema.items() if dtype != pl.String)


def redis_py_hash_frames(client: redis.Redis, pattern: str, schema: dict[str, Any]) -> Iterator[pl.DataFrame]:
    """redis-py (decode_responses=True): SCAN COUNT 1000 TYPE hash, one pipeline of HGETALL per
    round, a frame with `schema` per round."""
    for keys in scan_chunks(client, pattern, "hash"):
        pipe = client.pipeline(transaction=False)
        for key in keys:
            pipe.hgetall(key)
        yield hash_rows_frame(keys, pipe.execute(), schema)


def glide_hash_frames(client: Any, pattern: str, schema: dict[str, Any]) -> Iterator[pl.DataFrame]:
    """valkey-glide: SCAN COUNT 1000 TYPE hash, one batch of HGETALL per round, a frame with
    `schema` per round."""
    from glide_sync import ObjectType

    for keys in glide_scan_chunks(client, pattern, ObjectType.HASH):
        replies = glide_batch(client, lambda batch: [batch.hgetall(key) for key in keys])
        rows = [{k.decode(): v.decode() for k, v in reply.items()} for reply in replies]
        yield hash_rows_frame([key.decode() for key in keys], rows, schema)


def hashes_frame(frames: Iterable[pl.DataFrame]) -> pl.DataFrame:
    """The frames of redis_py_hash_frames or glide_hash_frames as one frame, chunks kept."""
    return pl.concat(frames, rechunk=False)


def parquet_stream(frames: Iterable[pl.DataFrame], path: Path, row_group_size: int = 50_000) -> int:
    """Frames appended to the Parquet file `path` with pyarrow's ParquetWriter, a row group per
    `row_group_size` rows, so that only one row group is held at a time; returns the rows written."""
    import pyarrow.parquet as pq

    writer = None
    pending: list[pl.DataFrame] = []
    rows = pending_rows = 0

    def flush() -> None:
        nonlocal writer, pending_rows
        table = pl.concat(pending).to_arrow()
        writer = writer or pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
        pending.clear()
        pending_rows = 0

    for frame in frames:
        pending.append(frame)
        pending_rows += frame.height
        rows += frame.height
        if pending_rows >= row_group_size:
            flush()
    if pending:
        flush()
    if writer is not None:
        writer.close()
    return rows


# --- Peers for the cluster, snapshots and RESTORE writes -----------------------------------------


def hiredis_cluster_client(host: str, port: int, password: str | None, **kwargs: Any) -> Any:
    """redis-py's RedisCluster with the hiredis parser, seeded at `host`:`port`."""
    from redis.cluster import RedisCluster
    from redis.utils import HIREDIS_AVAILABLE

    if not HIREDIS_AVAILABLE:
        raise RuntimeError("hiredis is not installed: run the benchmarks from .venv-bench (make bench-venv)")
    return RedisCluster(host=host, port=port, password=password, **kwargs)


def cluster_scan_chunks(client: Any, match: str, type_: str | None = None) -> Iterator[list[Any]]:
    """redis-py on a cluster: the keys of each SCAN COUNT 1000 reply of every primary in turn."""
    for node in client.get_primaries():
        yield from scan_chunks(client.get_redis_connection(node), match, type_)


def glide_cluster_client(host: str, port: int, password: str | None) -> Any:
    """valkey-glide's (sync) cluster client, seeded at `host`:`port`; it discovers the shards."""
    import glide_sync

    return glide_sync.GlideClusterClient.create(glide_sync.GlideClusterClientConfiguration(
        [glide_sync.NodeAddress(host, port)], request_timeout=60_000,
        credentials=glide_sync.ServerCredentials(password) if password else None))


def glide_cluster_scan_chunks(client: Any, match: str, type_: Any = None) -> Iterator[list[bytes]]:
    """valkey-glide on a cluster: the keys of each round of its cluster scan (every primary,
    COUNT 1000), one list per round."""
    from glide_sync import ClusterScanCursor

    cursor = ClusterScanCursor()
    while not cursor.is_finished():
        cursor, keys = client.scan(cursor, match=match, count=FETCH_CHUNK, type=type_)
        if keys:
            yield keys


def glide_cluster_batch(client: Any, fill: Callable[[Any], None]) -> list[Any]:
    """One pipelined (non-atomic) glide ClusterBatch: glide sends each command to its slot's node."""
    from glide_sync import ClusterBatch

    batch = ClusterBatch(is_atomic=False)
    fill(batch)
    return client.exec(batch, raise_on_error=True) or []


def hgetall_replies(client: Any, keys: list[Any]) -> list[dict[Any, Any]]:
    """redis-py: HGETALL of every key in one pipeline (on a RedisCluster, split by node)."""
    pipe = client.pipeline(transaction=False)
    for key in keys:
        pipe.hgetall(key)
    return pipe.execute()
