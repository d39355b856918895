"""A real local Redis Cluster for the tests: 3 primaries + 3 replicas of Redis Stack's server.

Each node is Redis Stack's own ``bin/redis-server`` (with the runtime ``polars_redis.server``
prepares) loading RedisJSON, RedisTimeSeries and RediSearch, in cluster mode with a short node timeout so
failovers finish in a couple of seconds, password-protected (``requirepass`` + ``masterauth``) and
without persistence. The cluster is formed with CLUSTER MEET / ADDSLOTSRANGE / REPLICATE through
redis-py. RediSearch loads in OSS cluster mode, but without a coordinator each shard's index
covers only that shard's keys. Start failures raise, never skip.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import redis
from redis.cluster import RedisCluster

from polars_redis.server import ServerError, _free_port, _ping, _stack_dir, prepare_runtime

from debian_redis import make_certificates

MODULES = ("rejson", "redistimeseries", "redisearch")
SLOTS = 16384


@dataclass
class ClusterNode:
    port: int
    bus_port: int
    process: subprocess.Popen[bytes]
    dir: Path

    @property
    def alive(self) -> bool:
        return self.process.poll() is None


@dataclass
class LocalCluster:
    """A running cluster; ``url`` is a ``redis+cluster://`` seed URL (the first primary)."""

    password: str
    tls: dict[str, Path] | None = None  # CA and client files of a TLS-only cluster
    primaries: list[ClusterNode] = field(default_factory=list)
    replicas: list[ClusterNode] = field(default_factory=list)
    _tmp: tempfile.TemporaryDirectory[str] | None = None

    @property
    def nodes(self) -> list[ClusterNode]:
        return self.primaries + self.replicas

    def node_url(self, port: int, scheme: str = "redis") -> str:
        if self.tls is None:
            return f"{scheme}://:{self.password}@127.0.0.1:{port}/0"
        return f"{scheme.replace('redis', 'rediss', 1)}://:{self.password}@127.0.0.1:{port}/0?ssl_ca_certs={self.tls['ca.crt']}"

    @property
    def url(self) -> str:
        return self.node_url(self.primaries[0].port, "redis+cluster")

    def _tls_kwargs(self) -> dict[str, object]:
        return {} if self.tls is None else {"ssl": True, "ssl_ca_certs": str(self.tls["ca.crt"])}

    def client(self, port: int) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=port, password=self.password, **self._tls_kwargs())

    def oracle(self) -> RedisCluster:
        """redis-py's cluster client, the independent oracle."""
        alive = next(n for n in self.nodes if n.alive)
        return RedisCluster(host="127.0.0.1", port=alive.port, password=self.password, **self._tls_kwargs())

    def load_hashes(self, rows: dict[str, dict[str, str]]) -> None:
        """Write `rows` as hashes through the oracle, pipelined (redis-py splits it by node)."""
        oracle = self.oracle()
        pipe = oracle.pipeline(transaction=False)
        for key, fields in rows.items():
            pipe.hset(key, mapping=fields)
        pipe.execute()
        oracle.close()

    def flush(self) -> None:
        for node in self.nodes:
            if node.alive:
                client = self.client(node.port)
                if client.info("replication")["role"] == "master":
                    client.flushall()
                client.close()

    def wait_ok(self, timeout: float = 30.0) -> None:
        """Until every live node reports cluster_state:ok and agrees on all slots."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(self._node_ok(n.port) for n in self.nodes if n.alive):
                return
            time.sleep(0.1)
        raise ServerError("the local cluster did not reach cluster_state:ok")

    def _node_ok(self, port: int) -> bool:
        try:
            client = self.client(port)
            info = client.execute_command("CLUSTER", "INFO")
            client.close()
        except redis.RedisError:
            return False
        text = info.decode() if isinstance(info, bytes) else str(info)
        return "cluster_state:ok" in text and f"cluster_slots_ok:{SLOTS}" in text

    def stop(self) -> None:
        for node in self.nodes:
            if node.alive:
                node.process.kill()
                node.process.wait()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


def _start_node(root: Path, cluster: LocalCluster, env: dict[str, str]) -> ClusterNode:
    port = _free_port()
    # The bus port defaults to port + 10000, which may be out of range or taken: pick one too.
    bus_port = _free_port()
    node_dir = root / str(port)
    node_dir.mkdir()
    config = node_dir / "redis.conf"
    # Secrets in a file, not argv.
    config.write_text(f"requirepass {cluster.password}\nmasterauth {cluster.password}\n")
    if cluster.tls is None:
        stack = _stack_dir()
        binary = str(stack / "bin" / "redis-server")
        listen = ["--port", str(port)]
        for module in MODULES:
            listen += ["--loadmodule", str(stack / "lib" / f"{module}.so")]
    else:
        # Debian's redis-server has TLS; Redis Stack's modules are not needed here.
        binary = shutil.which("redis-server") or "redis-server"
        tls = cluster.tls
        listen = ["--port", "0", "--tls-port", str(port), "--tls-cluster", "yes", "--tls-replication", "yes",
                  "--tls-cert-file", str(tls["server.crt"]), "--tls-key-file", str(tls["server.key"]),
                  "--tls-ca-cert-file", str(tls["ca.crt"]), "--tls-auth-clients", "no"]
    args = [
        binary, str(config), *listen, "--bind", "127.0.0.1", "--protected-mode", "yes",
        "--save", "", "--appendonly", "no", "--dir", str(node_dir),
        "--cluster-enabled", "yes", "--cluster-port", str(bus_port), "--cluster-config-file", str(node_dir / "nodes.conf"),
        "--cluster-node-timeout", "1000", "--cluster-replica-validity-factor", "0",
    ]
    log = open(node_dir / "server.log", "wb")  # noqa: SIM115 - lives as long as the process
    process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env)
    node = ClusterNode(port, bus_port, process, node_dir)
    deadline = time.monotonic() + 300  # waits on state: generous for a loaded machine
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        if _answers(cluster, port):
            return node
        time.sleep(0.05)
    tail = (node_dir / "server.log").read_text(errors="replace")[-2000:]
    process.kill()
    raise ServerError(f"cluster node on 127.0.0.1:{port} did not start:\n{tail}")


def _answers(cluster: LocalCluster, port: int) -> bool:
    if cluster.tls is None:
        return _ping(port, cluster.password)
    try:
        client = cluster.client(port)
        ok = bool(client.ping())
        client.close()
        return ok
    except redis.RedisError:
        return False


def start_cluster(n_primaries: int = 3, *, replicas: bool = True, tls: bool = False) -> LocalCluster:
    """Start and form the cluster; raises ServerError when any step fails.

    `tls`: a TLS-only cluster of Debian's redis-server (certificates made now, in the cluster's
    directory) instead of Redis Stack's server with modules.
    """
    cluster = LocalCluster(password=secrets.token_hex(16))
    cluster._tmp = tempfile.TemporaryDirectory(prefix="polars-redis-cluster-")
    root = Path(cluster._tmp.name)
    env = dict(os.environ) if tls else prepare_runtime()
    try:
        if tls:
            cluster.tls = make_certificates(root / "certs")
        cluster.primaries = [_start_node(root, cluster, env) for _ in range(n_primaries)]
        cluster.replicas = [_start_node(root, cluster, env) for _ in range(n_primaries if replicas else 0)]
        first = cluster.client(cluster.primaries[0].port)
        for node in cluster.nodes[1:]:
            first.execute_command("CLUSTER", "MEET", "127.0.0.1", node.port, node.bus_port)
        step = SLOTS // n_primaries
        for i, node in enumerate(cluster.primaries):
            end = SLOTS - 1 if i == n_primaries - 1 else (i + 1) * step - 1
            cluster.client(node.port).execute_command("CLUSTER", "ADDSLOTSRANGE", i * step, end)
        # A replica can follow a primary only once it knows it through the gossip.
        deadline = time.monotonic() + 300  # waits on state: generous for a loaded machine
        for primary, replica in zip(cluster.primaries, cluster.replicas):
            primary_id = cluster.client(primary.port).execute_command("CLUSTER", "MYID")
            client = cluster.client(replica.port)
            while True:
                try:
                    client.execute_command("CLUSTER", "REPLICATE", primary_id)
                    break
                except redis.ResponseError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
        cluster.wait_ok()
        for primary, _replica in zip(cluster.primaries, cluster.replicas):
            _wait_replica_synced(cluster, primary.port)
    except BaseException:
        cluster.stop()
        raise
    return cluster


def _wait_replica_synced(cluster: LocalCluster, primary_port: int, timeout: float = 30.0) -> None:
    client = cluster.client(primary_port)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        info = client.info("replication")
        if info.get("connected_slaves", 0) >= 1 and info.get("slave0", {}).get("state") == "online":
            return
        time.sleep(0.1)
    raise ServerError(f"the replica of 127.0.0.1:{primary_port} did not sync")


def wait_replicated(cluster: LocalCluster) -> None:
    """Until every replica has the data and the seed's CLUSTER SHARDS calls it online (a replica
    whose offset the seed has not heard of yet is "loading", and reads rightly skip it)."""
    for node in cluster.primaries:
        client = cluster.client(node.port)
        assert client.execute_command("WAIT", 1, 10000) >= 1
        client.close()
    seed = cluster.client(cluster.primaries[0].port)
    deadline = time.monotonic() + 300  # waits on state: generous for a loaded machine
    while True:
        shards = seed.execute_command("CLUSTER", "SHARDS")
        health = [node[b"health"] for shard in shards for node in shard[b"nodes"]]
        if all(h == b"online" for h in health):
            break
        assert time.monotonic() < deadline, health
        time.sleep(0.05)
    seed.close()


def loaded_cluster(rows: dict[str, dict[str, str]]) -> Iterator[LocalCluster]:
    """For a module fixture (``yield from``): a cluster of the module's own, for tests that kill
    nodes or move slots, holding `rows` as hashes; stopped when the fixture ends."""
    cluster = start_cluster()
    cluster.load_hashes(rows)
    yield cluster
    cluster.stop()
