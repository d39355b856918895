"""Real servers for the suite: an embedded Redis Stack for the whole session.

A test that needs a server fails when the server cannot start; nothing here skips.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import redis

from polars_redis.server import RedisStackServer

from cluster_servers import LocalCluster, start_cluster


@pytest.fixture(scope="session")
def stack() -> Iterator[RedisStackServer]:
    server = RedisStackServer()
    server.start()  # raises ServerError (test error, not a skip) when it cannot start
    yield server
    server.stop()


@pytest.fixture(scope="session")
def cluster() -> Iterator[LocalCluster]:
    """A local Redis Cluster (3 primaries, 3 replicas) for the whole session; see cluster_servers."""
    started = start_cluster()  # raises ServerError (test error, not a skip) when it cannot start
    yield started
    started.stop()


@pytest.fixture()
def oracle(cluster: LocalCluster) -> Iterator[redis.RedisCluster]:
    """redis-py's cluster client (the independent oracle) over an emptied session cluster."""
    cluster.flush()
    client = cluster.oracle()
    yield client
    client.close()


@pytest.fixture(scope="session")
def url(stack: RedisStackServer) -> str:
    return stack.url


@pytest.fixture()
def r(stack: RedisStackServer) -> Iterator[redis.Redis]:
    """redis-py, the independent oracle, on an empty database with fresh command statistics."""
    client = redis.Redis.from_url(stack.url)
    client.flushall()
    client.config_resetstat()
    yield client
    client.close()


# How long a test waits for a state it expects (an index built, a connection seen): generous, since
# the CI machine may be loaded; a test that works only returns as soon as the state holds.
STATE_DEADLINE = 300.0


def wait_indexed(r: redis.Redis, index: str) -> None:
    """Wait until RediSearch reports `index` fully built (indexing 0, percent_indexed 1)."""
    deadline = time.monotonic() + STATE_DEADLINE
    while time.monotonic() < deadline:
        info = r.ft(index).info()
        if int(info["indexing"]) == 0 and float(info.get("percent_indexed", 1)) >= 1:
            return
        time.sleep(0.02)
    raise AssertionError(f"{index} is still indexing after {STATE_DEADLINE} s")


def named_connections(r: redis.Redis, name: str, expected: int) -> int:
    """Connections named `name` in CLIENT LIST, waiting up to STATE_DEADLINE for `expected`."""
    deadline = time.monotonic() + STATE_DEADLINE
    while True:
        count = sum(1 for entry in r.client_list() if entry["name"] == name)
        if count == expected or time.monotonic() > deadline:
            return count
        time.sleep(0.02)


def command_calls(client: redis.Redis, command: str) -> int:
    """How many times the server ran `command` since the last CONFIG RESETSTAT."""
    # Core commands are listed in lower case, module commands (FT.AGGREGATE) as registered.
    wanted = f"cmdstat_{command.lower()}"
    for name, stats in client.info("commandstats").items():
        if name.lower() == wanted:
            return int(stats.get("calls", 0))
    return 0


def load_hashes(client: redis.Redis, rows: dict[str, dict[str, str | bytes]]) -> None:
    pipe = client.pipeline(transaction=False)
    for i, (key, fields) in enumerate(rows.items()):
        if fields:
            pipe.hset(key, mapping=fields)
        if i % 2000 == 1999:
            pipe.execute()
    pipe.execute()


@pytest.fixture()
def slowlog(r: redis.Redis):
    """Log every command (with its arguments) in SLOWLOG for the test, then restore the setting."""
    old = r.config_get("slowlog-log-slower-than")["slowlog-log-slower-than"]
    old_len = r.config_get("slowlog-max-len")["slowlog-max-len"]
    r.config_set("slowlog-log-slower-than", 0)
    r.config_set("slowlog-max-len", 10_000)
    r.slowlog_reset()

    def commands(name: str) -> list[str]:
        entries = r.slowlog_get(10_000)
        found = []
        for entry in entries:
            command = entry["command"]
            args = command.decode() if isinstance(command, bytes) else command
            if args.split(" ", 1)[0].upper() == name:
                found.append(args)
        return found

    yield commands
    r.config_set("slowlog-log-slower-than", old)
    r.config_set("slowlog-max-len", old_len)
