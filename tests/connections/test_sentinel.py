"""Sentinel URLs and read_from outside Cluster, against a real Sentinel deployment (one primary,
one replica, three Sentinels; tests/sentinel_servers.py). redis-py is the oracle."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
import redis

import polars_redis as pr

from conftest import named_connections
from debian_redis import free_port
from sentinel_servers import MASTER, SentinelDeployment

SCHEMA = {"name": pl.String, "n": pl.Int64}


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SentinelDeployment]:
    servers = SentinelDeployment(Path(tmp_path_factory.mktemp("sentinel")))
    try:
        yield servers
    finally:
        servers.stop()


@pytest.fixture()
def primary(deployment: SentinelDeployment) -> Iterator[redis.Redis]:
    client = deployment.client(deployment.primary_port())
    client.flushall()
    client.wait(1, 10000)
    yield client
    client.close()


def frame(prefix: str, count: int, start: int = 0) -> pl.DataFrame:
    return pl.DataFrame({"_key": [f"{prefix}:{i}" for i in range(start, start + count)],
                         "name": [f"name {i}" for i in range(start, start + count)],
                         "n": list(range(start, start + count))})


def oracle_frame(client: redis.Redis, pattern: str) -> pl.DataFrame:
    keys = sorted(client.scan_iter(match=pattern, count=1000))
    rows = [client.hgetall(key) for key in keys]
    return pl.DataFrame({"_key": keys, "name": [r["name"] for r in rows], "n": [int(r["n"]) for r in rows]},
                        schema={"_key": pl.String, **SCHEMA})


def calls(client: redis.Redis, *commands: str) -> int:
    stats = client.info("commandstats")
    return sum(int(stats.get(f"cmdstat_{command}", {}).get("calls", 0)) for command in commands)


def read(url: str, pattern: str) -> pl.DataFrame:
    return pr.read_hashes(url, pattern, SCHEMA).sort("_key")


def test_writes_and_reads_go_to_the_primary_the_sentinels_name(deployment: SentinelDeployment,
                                                                 primary: redis.Redis) -> None:
    assert pr.write_hashes(frame("user", 300), deployment.url) == 300
    expected = oracle_frame(primary, "user:*")
    assert expected.height == 300
    assert read(deployment.url, "user:*").equals(expected)
    # The same through connect(), with the data nodes' db in the path; the client's pool covers
    # the nodes it used, and closing it closes their connections.
    with pr.connect(deployment.url + "/0", socket_timeout=30, client_name="sentinel-test") as client:
        assert read(client.url, "user:*").equals(expected)
        assert client.pool_stats()["idle"] >= 1
        assert named_connections(primary, "sentinel-test", client.pool_stats()["open"]) >= 1
    assert named_connections(primary, "sentinel-test", 0) == 0


@pytest.mark.parametrize("read_from", ["replica", "prefer_replica"])
def test_replica_reads_hit_only_the_replica(deployment: SentinelDeployment, primary: redis.Redis,
                                            read_from: str) -> None:
    pr.write_hashes(frame("user", 200), deployment.url)
    assert primary.wait(1, 10000) == 1
    expected = oracle_frame(primary, "user:*")
    replica = deployment.client(deployment.replica_port())
    for client in (primary, replica):
        client.config_resetstat()
    assert read(f"{deployment.url}?read_from={read_from}", "user:*").equals(expected)
    assert calls(replica, "hmget", "hgetall") >= 200 and calls(replica, "scan") >= 1
    assert calls(primary, "hmget", "hgetall", "scan") == 0
    # The same through connect().
    with pr.connect(deployment.url, read_from=read_from) as client:
        assert pr.read_hashes(client, "user:*", SCHEMA).sort("_key").equals(expected)
    assert calls(replica, "hmget", "hgetall") >= 400
    assert calls(primary, "hmget", "hgetall", "scan") == 0
    # Writes with read_from=replica still reach the primary (a replica would refuse them).
    assert pr.write_hashes(frame("more", 5), f"{deployment.url}?read_from={read_from}") == 5
    assert primary.exists(*[f"more:{i}" for i in range(5)]) == 5
    replica.close()


def test_standalone_read_from_finds_replicas_by_info_replication(deployment: SentinelDeployment,
                                                                  primary: redis.Redis) -> None:
    primary.hset("user:1", mapping={"name": "a", "n": "1"})
    assert primary.wait(1, 10000) == 1
    replica_port = deployment.replica_port()
    replica = deployment.client(replica_port)
    plain = f"redis://127.0.0.1:{deployment.primary_port()}"
    expected = oracle_frame(primary, "user:*")
    for url in (f"{plain}?read_from=replica", f"{plain}/0?read_from=replica&replicas=127.0.0.1:{replica_port}"):
        for client in (primary, replica):
            client.config_resetstat()
        assert read(url, "user:*").equals(expected)
        assert calls(replica, "hmget", "hgetall") == 1
        assert calls(primary, "hmget", "hgetall", "scan") == 0
    # The default stays the primary itself.
    primary.config_resetstat()
    read(plain, "user:*")
    assert calls(primary, "hmget", "hgetall") == 1
    replica.close()


def test_explain_names_the_server_of_the_reads(deployment: SentinelDeployment, primary: redis.Redis) -> None:
    lf = pr.scan_hashes(f"{deployment.url}?read_from=replica", "user:*", SCHEMA)
    assert f"reads go to replica 127.0.0.1:{deployment.replica_port()} of Sentinel master '{MASTER}'" in pr.explain(lf)
    lf = pr.scan_hashes(deployment.url, "user:*", SCHEMA)
    assert f"reads go to the primary 127.0.0.1:{deployment.primary_port()}" in pr.explain(lf)
    plain = f"redis://127.0.0.1:{deployment.primary_port()}?read_from=prefer_replica"
    text = pr.explain(pr.scan_hashes(plain, "user:*", SCHEMA))
    assert f"replica 127.0.0.1:{deployment.replica_port()}, else the primary 127.0.0.1:{deployment.primary_port()}" in text


def test_errors_are_clear_and_keep_passwords_out(deployment: SentinelDeployment) -> None:
    dead = f"127.0.0.1:{free_port()},127.0.0.1:{free_port()}"
    with pytest.raises(pr.RedisConnectionError) as info:
        read(f"redis+sentinel://:s3cr3t@{dead}/{MASTER}?sentinel_password=t0psecret&connect_timeout=2", "*")
    message = str(info.value)
    assert "no Sentinel could say where master 'mymaster' is" in message and dead.split(",")[1] in message
    assert "s3cr3t" not in message and "t0psecret" not in message
    hosts = ",".join(f"127.0.0.1:{s.port}" for s in deployment.sentinels)
    with pytest.raises(pr.RedisConnectionError, match="knows no master named 'nosuch'"):
        read(f"redis+sentinel://{hosts}/nosuch", "*")
    for bad, problem in ((f"redis+sentinel://{hosts}", "no master name"),
                         (f"redis://127.0.0.1?read_from=any", "read_from must be"),
                         (f"redis://127.0.0.1?sentinel_password=x", "need a redis\\+sentinel"),
                         (f"{deployment.url}?replicas=127.0.0.1:1", "replicas is for a standalone")):
        with pytest.raises(pr.ConfigurationError, match=problem):
            pr.connect(bad)
    with pytest.raises(pr.ConfigurationError, match="read_from must be"):
        pr.connect(deployment.url, read_from="secondary")
    assert "t0psecret" not in repr(pr.connect(f"{deployment.url}?sentinel_password=t0psecret"))


def test_failover_loses_nothing_reported_as_written(deployment: SentinelDeployment, primary: redis.Redis) -> None:
    url = deployment.url
    assert pr.write_hashes(frame("user", 500), url) == 500
    # Replication is asynchronous: what the replica has not received when a failover starts may
    # be lost (docs/production.md). Wait for it, as an application would with WAIT.
    assert primary.wait(1, 10000) == 1
    old = deployment.primary_port()
    new = deployment.failover()
    assert new != old
    # Pooled connections to the old primary are gone or refuse writes: the new one is used.
    assert pr.write_hashes(frame("user", 500, start=500), url) == 500
    with deployment.client(new) as oracle:
        expected = oracle_frame(oracle, "user:*")
        assert set(expected["n"].to_list()) == set(range(1000))
        assert read(url, "user:*").equals(expected)
        assert oracle.wait(1, 10000) == 1
        assert read(f"{url}?read_from=replica", "user:*").equals(expected)
