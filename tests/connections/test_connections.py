"""URLs, credentials, protocols, timeouts and error classes, against real servers."""

from __future__ import annotations

import socket
import threading

import polars as pl
import pytest
import redis
from polars.testing import assert_frame_equal

import polars_redis as pr
from conftest import load_hashes
from polars_redis.server import RedisStackServer

SCHEMA = {"v": pl.Int64}


def _host_port(stack: RedisStackServer) -> str:
    return f"127.0.0.1:{stack.port}"


def test_wrong_password_is_an_authentication_error_without_the_password(stack: RedisStackServer) -> None:
    url = f"redis://:not-the-password-s3cr3t@{_host_port(stack)}/0"
    with pytest.raises(pr.AuthenticationError) as info:
        pr.read_hashes(url, "*", SCHEMA)
    assert "s3cr3t" not in str(info.value)
    assert _host_port(stack) in str(info.value)


def test_acl_user(r: redis.Redis, stack: RedisStackServer) -> None:
    r.acl_setuser("analyst", enabled=True, passwords=["+an@lyst pw"], keys=["*"], commands=["+@all"])
    load_hashes(r, {"a:1": {"v": "1"}})
    url = f"redis://analyst:an%40lyst%20pw@{_host_port(stack)}/0"
    assert pr.read_hashes(url, "a:*", SCHEMA)["v"].to_list() == [1]
    with pytest.raises(pr.AuthenticationError, match="analyst"):
        pr.read_hashes(f"redis://analyst:wrong@{_host_port(stack)}/0", "a:*", SCHEMA)
    r.acl_deluser("analyst")


def test_database_selection(r: redis.Redis, stack: RedisStackServer) -> None:
    other = redis.Redis.from_url(stack.url.rsplit("/", 1)[0] + "/3")
    other.hset("db3:1", "v", "3")
    r.hset("db3:1", "v", "0")
    base = stack.url.rsplit("/", 1)[0]
    assert pr.read_hashes(base + "/3", "db3:*", SCHEMA)["v"].to_list() == [3]
    assert pr.read_hashes(base + "?db=3", "db3:*", SCHEMA)["v"].to_list() == [3]
    assert pr.read_hashes(base + "/0", "db3:*", SCHEMA)["v"].to_list() == [0]
    other.flushdb()


def test_resp2_and_resp3_give_the_same_frames(r: redis.Redis, url: str) -> None:
    load_hashes(r, {f"p:{i}": {"v": str(i), "w": str(-i)} for i in range(300)})
    schema = {"v": pl.Int64, "w": pl.Int64}
    resp3 = pr.read_hashes(url + "?protocol=3", "p:*", schema).sort("_key")
    resp2 = pr.read_hashes(url + "?protocol=2", "p:*", schema).sort("_key")
    assert_frame_equal(resp2, resp3)
    assert resp3.height == 300


def test_connection_refused_names_the_endpoint() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens once the socket closes
    with pytest.raises(pr.RedisConnectionError, match=f"127.0.0.1:{port}"):
        pr.read_hashes(f"redis://127.0.0.1:{port}/0", "*", SCHEMA)


def test_silent_server_times_out() -> None:
    """A peer that accepts but never answers: the configured socket timeout ends the wait."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    accepted: list[socket.socket] = []
    thread = threading.Thread(target=lambda: accepted.append(listener.accept()[0]))
    thread.start()
    try:
        with pytest.raises(pr.RedisTimeoutError, match="timed out"):
            pr.read_hashes(f"redis://127.0.0.1:{port}/0?socket_timeout=0.3", "*", SCHEMA)
    finally:
        thread.join()
        for conn in accepted:
            conn.close()
        listener.close()


@pytest.mark.parametrize(
    "bad_url",
    ["http://localhost", "redis://host:notaport", "redis://:pw@host/notadb", "redis://host?socket_timeout=0",
     "redis://host?unknown_option=1"],
)
def test_malformed_urls(bad_url: str) -> None:
    with pytest.raises(pr.ConfigurationError) as info:
        pr.scan_hashes(bad_url, "*", SCHEMA)
    assert "pw" not in str(info.value).replace("password", "")


def test_error_hierarchy() -> None:
    assert issubclass(pr.AuthenticationError, pr.RedisConnectionError)
    assert issubclass(pr.RedisConnectionError, pr.RedisError)
    assert issubclass(pr.RedisConnectionError, ConnectionError)
    assert issubclass(pr.RedisTimeoutError, TimeoutError)
    assert issubclass(pr.SchemaError, ValueError)
    for cls in (pr.ResponseError, pr.ProtocolError, pr.KeyExistsError, pr.ConfigurationError, pr.SchemaError):
        assert issubclass(cls, pr.RedisError)
