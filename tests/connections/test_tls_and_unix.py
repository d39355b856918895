"""TLS (verification on by default, CA file, client certificates) and Unix sockets, against
Debian's redis-server, with the data loaded and checked by redis-py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
import redis

import polars_redis as pr
from debian_redis import DebianRedis, free_port, make_certificates

SCHEMA = {"v": pl.Int64}


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_certificates(tmp_path_factory.mktemp("certs"))


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory, certs: dict[str, Path]) -> Iterator[tuple[DebianRedis, int]]:
    tls_port = free_port()
    server = DebianRedis(
        tmp_path_factory.mktemp("tls"), "--tls-port", str(tls_port), "--tls-cert-file", str(certs["server.crt"]),
        "--tls-key-file", str(certs["server.key"]), "--tls-ca-cert-file", str(certs["ca.crt"]),
        "--tls-auth-clients", "optional",
    )
    server.wait_until_listening(tls_port)
    client = redis.Redis(port=server.port)
    client.hset("t:1", "v", "41")
    client.hset("t:2", "v", "42")
    yield server, tls_port
    server.stop()


def _tls_url(port: int, certs: dict[str, Path], **options: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"ssl_ca_certs": str(certs["ca.crt"]), **options}.items())
    return f"rediss://127.0.0.1:{port}/0?{query}"


def test_tls_with_the_right_ca(tls_server: tuple[DebianRedis, int], certs: dict[str, Path]) -> None:
    _, port = tls_server
    df = pr.read_hashes(_tls_url(port, certs), "t:*", SCHEMA).sort("_key")
    assert df["v"].to_list() == [41, 42]


def test_tls_with_a_client_certificate(tls_server: tuple[DebianRedis, int], certs: dict[str, Path]) -> None:
    _, port = tls_server
    url = _tls_url(port, certs, ssl_certfile=str(certs["client.crt"]), ssl_keyfile=str(certs["client.key"]))
    assert pr.read_hashes(url, "t:*", SCHEMA).height == 2


def test_tls_with_the_wrong_ca_fails(tls_server: tuple[DebianRedis, int], certs: dict[str, Path]) -> None:
    _, port = tls_server
    url = f"rediss://127.0.0.1:{port}/0?ssl_ca_certs={certs['other-ca.crt']}"
    with pytest.raises(pr.RedisConnectionError, match="(?i)certificate|verif"):
        pr.read_hashes(url, "t:*", SCHEMA)


def test_tls_without_a_ca_uses_the_system_store_and_fails(tls_server: tuple[DebianRedis, int]) -> None:
    _, port = tls_server
    with pytest.raises(pr.RedisConnectionError):
        pr.read_hashes(f"rediss://127.0.0.1:{port}/0", "t:*", SCHEMA)


def test_tls_verification_disabled_explicitly(tls_server: tuple[DebianRedis, int]) -> None:
    _, port = tls_server
    df = pr.read_hashes(f"rediss://127.0.0.1:{port}/0?ssl_cert_reqs=none", "t:*", SCHEMA)
    assert df.height == 2


def test_unix_socket(tmp_path: Path) -> None:
    path = tmp_path / "redis.sock"
    server = DebianRedis(tmp_path, "--unixsocket", str(path), "--unixsocketperm", "700")
    try:
        server.wait_until_listening(server.port)
        client = redis.Redis(unix_socket_path=str(path), db=2)
        client.hset("u:1", "v", "7")
        assert pr.read_hashes(f"unix://{path}?db=2", "u:*", SCHEMA)["v"].to_list() == [7]
        assert pr.read_hashes(f"unix://{path}?db=0", "u:*", SCHEMA).height == 0
    finally:
        server.stop()
