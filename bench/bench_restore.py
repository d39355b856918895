"""RESTORE payloads vs the command path for write_hashes / write_json, with the server's CPU time,
next to redis-py + hiredis and valkey-glide writing the same rows.

N rows x 10 columns (bench_writes.frame) in each mode, written on the same Redis Stack: by the
default user (RESTORE payloads, chosen by the probe) and by an ACL user refused RESTORE (the
command path: HSET / JSON.SET, MULTI/DEL/.../EXEC for replace, EXISTS + Lua for fail), then by the
peers, each in its mode's idiomatic form:
  append: a redis-py + hiredis pipeline and non-atomic valkey-glide (sync) batches of 10,000 rows
  (HSET / JSON.SET per row; over existing keys HSET / JSON.MERGE, the merges append stands for),
  replace: one transaction (MULTI/EXEC; an atomic Batch for glide) per 1,000 rows of DEL + HSET /
  JSON.SET per key,
  fail: per 1,000 rows WATCH, EXISTS (a key that exists stops the write), then the same
  transaction without the DELs.
Each write starts from an empty database; "fail" writes new keys, "append" and "replace" write
over nothing (the server's cost of creating the values is what is compared), "append (keys
exist)" merges into keys that all exist (with RESTORE, each is refused with BUSYKEY and merged by
HSET: the path's worst case) and "replace (keys exist)" overwrites keys that all exist.
For hashes, append and replace also get a minimal client: the server's own payloads (DUMP of what
the RESTORE path wrote: the same listpacks), RESP-encoded beforehand and streamed as RESTOREs on
one plain socket while another thread reads the replies. It sends the same commands with no client
work at all, so it shows what the server's RESTORE costs by itself; it is not a strict floor, the
server's CPU also depending on how the stream arrives. (JSON has none: RedisJSON's DUMP payloads
differ from ours, cost its RESTORE more, and lose float digits on the way, see ROUNDED_NOTE.)
After every write, what it left is checked equal to the first write's through redis-py (DEBUG DIGEST for hashes; for JSON, every document read back with
JSON.GET, RedisJSON values being absent from the digest).
Usage: python bench/bench_restore.py [--rows 100000 1000000] [--types hashes JSON] [--server stack|debian]
                                     [--repeat N] [--no-peers] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import json
import secrets
import socket
import statistics
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from itertools import chain
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import polars as pl
import redis

import polars_redis as pr
from polars_redis.server import RedisStackServer

sys.path.insert(0, str(Path(__file__).parent))
from bench_writes import frame  # noqa: E402
from common import (  # noqa: E402
    FETCH_CHUNK, baseline_versions, debian_redis, glide_batch, glide_client, hiredis_client, in_pipelines,
    scan_chunks,
)
from harness import machine_description, measure, publish, redis_py_label  # noqa: E402

PIPELINE_ROWS = 10_000  # rows per redis-py pipeline (in_pipelines) and per glide batch
MINIMAL = "minimal client: the server's DUMP payloads streamed raw"


def as_written(value: Any) -> Any:
    """A value as write_hashes / write_json store it: integral floats in their shortest form (2.0
    as 2, a JSON integer), so that every contender writes the same data."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def command(kind: str, key: str, row: dict[str, Any], merge: bool) -> list[str]:
    """The command a peer sends for one row: HSET of its fields as text (booleans as true /
    false), or JSON.SET (JSON.MERGE when `merge`) of its document."""
    row = {name: as_written(v) for name, v in row.items()}
    if kind == "hashes":
        text = ((name, str(v).lower() if isinstance(v, bool) else str(v)) for name, v in row.items())
        return ["HSET", key, *chain.from_iterable(text)]
    return ["JSON.MERGE" if merge else "JSON.SET", key, "$", json.dumps(row)]


def row_chunks(df: pl.DataFrame, size: int) -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """The frame's (key, row without the key) pairs, `size` at a time."""
    for start in range(0, df.height, size):
        yield [(row.pop("_key"), row) for row in df.slice(start, size).iter_rows(named=True)]


def redis_py_pipelined(client: redis.Redis, df: pl.DataFrame, kind: str, merge: bool) -> None:
    rows = chain.from_iterable(row_chunks(df, PIPELINE_ROWS))
    for pipe, (key, row) in in_pipelines(client, rows, PIPELINE_ROWS):
        pipe.execute_command(*command(kind, key, row, merge))


def glide_batches(client: Any, df: pl.DataFrame, kind: str, merge: bool) -> None:
    for rows in row_chunks(df, PIPELINE_ROWS):
        glide_batch(client, lambda batch, rows=rows: [batch.custom_command(command(kind, key, row, merge))
                                                      for key, row in rows])


def redis_py_transactions(client: redis.Redis, df: pl.DataFrame, kind: str, mode: str) -> None:
    """One MULTI/EXEC per 1,000 rows. replace: DEL then the write of each key (a hash becomes its
    row); fail: under WATCH, once EXISTS found none of the keys (a key another client creates
    meanwhile aborts the transaction)."""
    for rows in row_chunks(df, FETCH_CHUNK):
        keys = [key for key, _ in rows]
        with client.pipeline(transaction=True) as pipe:
            if mode == "fail":
                pipe.watch(*keys)
                if pipe.exists(*keys):
                    raise RuntimeError(f"keys exist among {keys[0]} .. {keys[-1]}")
                pipe.multi()
            for key, row in rows:
                if mode == "replace":
                    pipe.delete(key)
                pipe.execute_command(*command(kind, key, row, False))
            pipe.execute()


def glide_transactions(client: Any, df: pl.DataFrame, kind: str, mode: str) -> None:
    """The same with valkey-glide: one atomic Batch per 1,000 rows (after WATCH and EXISTS for fail)."""
    from glide_sync import Batch

    for rows in row_chunks(df, FETCH_CHUNK):
        keys = [key for key, _ in rows]
        if mode == "fail":
            client.watch(keys)
            if client.exists(keys):
                client.unwatch()
                raise RuntimeError(f"keys exist among {keys[0]} .. {keys[-1]}")
        batch = Batch(is_atomic=True)
        for key, row in rows:
            if mode == "replace":
                batch.delete([key])
            batch.custom_command(command(kind, key, row, False))
        if client.exec(batch, raise_on_error=True) is None:
            raise RuntimeError(f"transaction aborted: a key among {keys[0]} .. {keys[-1]} was written meanwhile")


def written(client: redis.Redis, kind: str, schema: dict[str, Any]) -> tuple[int, Any]:
    """What the database holds, read by redis-py: its key count and, for hashes, DEBUG DIGEST;
    for JSON (whose values DEBUG DIGEST leaves out) every document read back with JSON.GET, as a
    frame of `schema` sorted by key."""
    if kind == "hashes":
        return client.dbsize(), client.execute_command("DEBUG", "DIGEST")
    frames = []
    for keys in scan_chunks(client, "*"):
        pipe = client.pipeline(transaction=False)
        for key in keys:
            pipe.execute_command("JSON.GET", key)
        documents = [json.loads(document) for document in pipe.execute()]
        frames.append(pl.DataFrame(documents, schema=schema, strict=False)
                      .with_columns(pl.Series("_key", [key.decode() for key in keys])))
    return client.dbsize(), pl.concat(frames).sort("_key")


ROUNDED = " (*)"  # marks a JSON peer whose documents RedisJSON stored with some floats rounded
ROUNDED_NOTE = ("(*) RedisJSON parses numbers with serde_json's fast path, which is not correctly rounded: about "
                "one float in ten that the peer sends (Python's shortest repr) is stored one unit in the last place "
                "off (polars-redis sends digits that parse exactly). Those documents are checked equal to the "
                "others with floats within one unit in the last place, every other value exactly.")


def same_data(kind: str, state: tuple[int, Any], expected: tuple[int, Any]) -> str:
    """Asserts that a contender left what the first one did; returns ROUNDED when, for JSON, that
    holds only with floats within one unit in the last place (see ROUNDED_NOTE), else ""."""
    assert state[0] == expected[0], (state[0], expected[0])
    if kind == "hashes":
        assert state[1] == expected[1], (state[1], expected[1])
        return ""
    got, want = state[1], expected[1]
    if got.equals(want):
        return ""
    floats = [name for name, dtype in got.schema.items() if dtype == pl.Float64]
    assert got.drop(floats).equals(want.drop(floats))
    for name in floats:  # adjacent doubles of one sign differ by 1 in their bit patterns
        assert (got[name].reinterpret(signed=True) - want[name].reinterpret(signed=True)).abs().max() <= 1, name
    return ROUNDED


def peers(kind: str, mode: str, client: redis.Redis, glide: Any) -> list[tuple[str, Callable[[pl.DataFrame], None]]]:
    """The redis-py + hiredis and valkey-glide writes that do what `mode` does, labelled."""
    writes = {"hashes": "HSET", "JSON": "JSON.SET"}[kind]
    if mode.startswith("append"):
        merge = mode != "append" and kind == "JSON"
        verb = "JSON.MERGE" if merge else writes
        return [(f"{redis_py_label()} pipeline, {verb} per row",
                 lambda df: redis_py_pipelined(client, df, kind, merge)),
                (f"valkey-glide non-atomic batches of {PIPELINE_ROWS:,}, {verb} per row",
                 lambda df: glide_batches(glide, df, kind, merge))]
    if_exists = mode.split()[0]  # "replace (keys exist)" is a replace
    step = {"replace": f"DEL + {writes}", "fail": f"{writes} under WATCH, after EXISTS"}[if_exists]
    return [(f"{redis_py_label()}, MULTI/EXEC per {FETCH_CHUNK:,} rows of {step}",
             lambda df: redis_py_transactions(client, df, kind, if_exists)),
            (f"valkey-glide atomic batch per {FETCH_CHUNK:,} rows of {step}",
             lambda df: glide_transactions(glide, df, kind, if_exists))]


def dumped_restores(client: redis.Redis, replace: bool) -> tuple[bytes, int]:
    """Every key's DUMP as a RESTORE (with REPLACE when `replace`), RESP-encoded in one buffer,
    and the number of commands in it."""
    keys = list(chain.from_iterable(scan_chunks(client, "*")))
    tail = b"$7\r\nREPLACE\r\n" if replace else b""
    head = b"*5\r\n$7\r\nRESTORE\r\n" if replace else b"*4\r\n$7\r\nRESTORE\r\n"
    parts = []
    for start in range(0, len(keys), PIPELINE_ROWS):
        chunk = keys[start:start + PIPELINE_ROWS]
        pipe = client.pipeline(transaction=False)
        for key in chunk:
            pipe.dump(key)
        for key, payload in zip(chunk, pipe.execute()):
            parts += [head, b"$%d\r\n" % len(key), key, b"\r\n$1\r\n0\r\n$%d\r\n" % len(payload), payload,
                      b"\r\n", tail]
    return b"".join(parts), len(keys)


def restore_stream(url: str, commands: bytes, count: int) -> None:
    """Streams `commands` to the server at `url` on one socket (a thread sends, this one reads),
    after AUTH when the URL has a password, and checks that each of the `count` replies is +OK."""
    parts = urlsplit(url)
    if parts.password:
        auth = [word.encode() for word in ("AUTH", parts.username or "default", parts.password)]
        commands = b"*3\r\n" + b"".join(b"$%d\r\n%s\r\n" % (len(word), word) for word in auth) + commands
        count += 1
    with socket.create_connection((parts.hostname, parts.port)) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sender = threading.Thread(target=sock.sendall, args=(commands,))
        sender.start()
        want = len(b"+OK\r\n") * count
        received = bytearray()
        while len(received) < want:
            chunk = sock.recv(1 << 20)
            if not chunk:
                raise RuntimeError("the server closed the connection")
            received += chunk
        sender.join()
    if received != b"+OK\r\n" * count:
        at = next(i for i in range(0, want, 5) if received[i:i + 5] != b"+OK\r\n")
        raise RuntimeError(f"minimal client: RESTORE reply {at // 5} is {bytes(received[at:at + 80])!r}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--types", nargs="+", default=["hashes", "JSON"], choices=["hashes", "JSON"])
    parser.add_argument("--server", choices=["stack", "debian"], default="stack",
                        help="Redis Stack with RedisJSON, or Debian's redis-server (hashes only)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="rounds of the polars-redis paths and the minimal client, interleaved (medians reported)")
    parser.add_argument("--no-peers", action="store_true", help="leave out redis-py and valkey-glide")
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args()
    if args.server == "debian" and "JSON" in args.types:
        parser.error("Debian's redis-server has no RedisJSON: pass --types hashes")
    with ExitStack() as servers:
        if args.server == "stack":
            stack = servers.enter_context(RedisStackServer(modules=("rejson",)))
            url, port = stack.url, stack.port
        else:
            url, port, _ = servers.enter_context(debian_redis("--enable-debug-command", "local"))  # DEBUG DIGEST
        lines = run(url, port, args)
    publish(lines, args.markdown)


def run(url: str, port: int, args: argparse.Namespace) -> list[str]:
    """The table's lines for the server at `url`."""
    client = redis.Redis.from_url(url, socket_timeout=600)  # FLUSHALL of 1M documents on a busy host
    password = secrets.token_hex(8)
    client.acl_setuser("commands", enabled=True, passwords=[f"+{password}"], keys=["*"], commands=["+@all", "-restore"])
    urls = {"RESTORE": url, "commands": f"redis://commands:{password}@127.0.0.1:{port}/0"}
    assert pr.write_method(urls["RESTORE"])["method"] == "restore"
    assert pr.write_method(urls["commands"])["method"] == "commands"
    peer_client = hiredis_client(url, socket_timeout=600)
    glide = None if args.no_peers else glide_client(url)
    server = "Redis Stack" if args.server == "stack" else "Debian's redis-server"
    runs = "one run per contender" if args.repeat == 1 else \
        f"medians of {args.repeat} interleaved runs of the polars-redis paths and the minimal client"
    lines = [
        f"Machine: {machine_description()}; Polars {pl.__version__}; {server} "
        f"{client.info('server')['redis_version']}; {baseline_versions()}; server and client on the same host; "
        f"{runs}.",
        "",
        "| rows | type | if_exists | path | wall ms | server CPU ms | wall / server CPU | server CPU vs commands |",
        "|---:|---|---|---|---:|---:|---:|---:|",
    ]
    try:
        for n in args.rows:
            df = frame(n)
            schema = df.drop("_key").schema
            for kind, write in (("hashes", pr.write_hashes), ("JSON", pr.write_json)):
                if kind not in args.types:
                    continue
                def existing_keys() -> None:  # append over keys that all exist: every RESTORE answered BUSYKEY
                    client.flushall()
                    write(df, urls["commands"], if_exists="replace")

                expected = None

                def timed(label: str, work: Callable[[pl.DataFrame], None], setup: Callable[[], Any]) -> tuple[
                        float, float, str]:
                    """One measured run; what it left is checked equal to the first write's, read
                    back by redis-py. Returns wall, server CPU and the label's data mark."""
                    nonlocal expected
                    wall, cpu, _ = measure(client, lambda: work(df), repeat=1, setup=setup)
                    state = written(client, kind, schema)
                    expected = expected or state
                    assert state[0] == n, (n, kind, mode, label, state[0])
                    return wall, cpu, same_data(kind, state, expected)

                for mode, setup in (("append", client.flushall), ("append (keys exist)", existing_keys),
                                    ("replace", client.flushall), ("replace (keys exist)", existing_keys),
                                    ("fail", client.flushall)):
                    if_exists = mode.split()[0]
                    ours = [(path, lambda df, url=url: write(df, url, if_exists=if_exists))
                            for path, url in (("commands", urls["commands"]), ("RESTORE", urls["RESTORE"]))]
                    contenders = ours
                    if kind == "hashes" and mode in ("append", "replace", "replace (keys exist)"):
                        setup()  # the minimal client's payloads: DUMP of what the RESTORE path writes
                        write(df, urls["RESTORE"], if_exists=if_exists)
                        stream, count = dumped_restores(client, replace=if_exists == "replace")
                        contenders = [*ours, (MINIMAL, lambda df: restore_stream(url, stream, count))]
                    # Each round starts with the next contender, so that none always runs first
                    # after the setup's FLUSHALL (the server's allocator keeps freed pages a while).
                    samples: dict[str, list[tuple[float, float, str]]] = {label: [] for label, _ in contenders}
                    for round_ in range(args.repeat):
                        for turn in range(len(contenders)):
                            label, work = contenders[(round_ + turn) % len(contenders)]
                            samples[label].append(timed(label, work, setup))
                    results = [(label, statistics.median(s[0] for s in taken), statistics.median(s[1] for s in taken),
                                taken[0][2]) for label, taken in samples.items()]
                    if not args.no_peers:
                        results += [(label, *timed(label, work, setup))
                                    for label, work in peers(kind, mode, peer_client, glide)]
                    commands_cpu = results[0][2]
                    for label, wall, cpu, mark in results:
                        if label == "commands":
                            ratio = "1.0x"
                        else:
                            ratio = f"{commands_cpu / cpu:.2f}x lower" if cpu < commands_cpu else \
                                f"{cpu / commands_cpu:.2f}x higher"
                        if if_exists == "append" and label == "RESTORE":
                            label = ("default user: commands too (JSON.MERGE)" if kind == "JSON"
                                     else "RESTORE, HSET where BUSYKEY")
                        lines.append(f"| {n:,} | {kind} | {mode} | {label}{mark} | {wall * 1e3:.0f} | "
                                     f"{cpu * 1e3:.0f} | {wall / cpu:.2f} | {ratio} |")
                        print(lines[-1], flush=True)
        if any(ROUNDED in line for line in lines):
            lines += ["", ROUNDED_NOTE]
    finally:
        if glide is not None:
            glide.close()
    return lines


if __name__ == "__main__":
    main()
