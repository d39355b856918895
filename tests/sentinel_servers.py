"""A Redis Sentinel deployment for tests: one primary, one replica, three Sentinels (Debian's
redis-server), on free ports in a temp dir, with fast failure detection. Waits on state."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import redis

from debian_redis import DebianRedis, free_port

MASTER = "mymaster"
DEADLINE = 60.0  # seconds; generous, the CI machine is loaded


def wait_for(what: str, check: Callable[[], bool], timeout: float = DEADLINE) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except redis.RedisError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"timed out waiting for {what}")


class Sentinel:
    def __init__(self, directory: Path, primary_port: int) -> None:
        directory.mkdir(parents=True)
        self.directory = directory
        self.port = free_port()
        config = directory / "sentinel.conf"
        config.write_text(
            f"port {self.port}\nbind 127.0.0.1\ndir {directory}\n"
            f"sentinel monitor {MASTER} 127.0.0.1 {primary_port} 2\n"
            f"sentinel down-after-milliseconds {MASTER} 1000\n"
            f"sentinel failover-timeout {MASTER} 5000\n"
            f"sentinel parallel-syncs {MASTER} 1\n"
        )
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("Debian's redis-server is not installed (make test installs it)")
        self.process = subprocess.Popen(
            [binary, str(config), "--sentinel"],
            stdout=open(directory / "redis.log", "wb"), stderr=subprocess.STDOUT,  # noqa: SIM115
        )
        self.client = redis.Redis(port=self.port, decode_responses=True)

    def stop(self) -> None:
        self.client.close()
        self.process.terminate()
        self.process.wait(timeout=10)


class SentinelDeployment:
    def __init__(self, directory: Path) -> None:
        self.nodes: list[DebianRedis] = []
        self.sentinels: list[Sentinel] = []
        try:
            self._start(directory)
        except BaseException:
            self.stop()
            raise

    def _start(self, directory: Path) -> None:
        (directory / "primary").mkdir(parents=True)
        (directory / "replica").mkdir()
        primary = DebianRedis(directory / "primary")
        self.nodes.append(primary)
        primary.wait_until_listening(primary.port)
        replica = DebianRedis(directory / "replica", "--replicaof", "127.0.0.1", str(primary.port))
        self.nodes.append(replica)
        replica.wait_until_listening(replica.port)
        for i in range(3):
            self.sentinels.append(Sentinel(directory / f"sentinel{i}", primary.port))
        for sentinel in self.sentinels:
            DebianRedis.wait_until_listening(sentinel, sentinel.port)  # type: ignore[arg-type]
        self.wait_settled(primary.port)

    @property
    def url(self) -> str:
        hosts = ",".join(f"127.0.0.1:{s.port}" for s in self.sentinels)
        return f"redis+sentinel://{hosts}/{MASTER}"

    def client(self, port: int) -> redis.Redis:
        return redis.Redis(port=port, decode_responses=True)

    def primary_port(self) -> int:
        host, port = self.sentinels[0].client.execute_command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER)
        return int(port)

    def replica_port(self) -> int:
        primary = self.primary_port()
        return next(node.port for node in self.nodes if node.port != primary)

    def wait_settled(self, primary_port: int) -> None:
        """Every Sentinel names `primary_port` as the primary and sees the other node as an online
        replica and the other two Sentinels; the replica's link is up and it has caught up."""
        replica_port = next(node.port for node in self.nodes if node.port != primary_port)

        def settled() -> bool:
            for sentinel in self.sentinels:
                c = sentinel.client
                if int(c.execute_command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER)[1]) != primary_port:
                    return False
                replicas = c.execute_command("SENTINEL", "REPLICAS", MASTER)
                healthy = [
                    r for r in replicas
                    if int(r["port"]) == replica_port and r["master-link-status"] == "ok"
                    and "down" not in r["flags"] and "disconnected" not in r["flags"]
                ]
                if not healthy or int(c.execute_command("SENTINEL", "MASTER", MASTER)["num-other-sentinels"]) < 2:
                    return False
            with self.client(primary_port) as p, self.client(replica_port) as r:
                if p.execute_command("ROLE")[0] != "master":
                    return False
                info = r.info("replication")
                return info["role"] == "slave" and info["master_port"] == primary_port and \
                    info["master_link_status"] == "up" and p.wait(1, 1000) >= 1

        wait_for(f"the Sentinel deployment to settle with primary {primary_port}", settled)

    def failover(self) -> int:
        """SENTINEL FAILOVER, then waits until the old replica is the primary everywhere and the
        old primary replicates from it. Returns the new primary's port."""
        old = self.primary_port()
        new = self.replica_port()
        self.sentinels[0].client.execute_command("SENTINEL", "FAILOVER", MASTER)
        self.wait_settled(new)
        assert old != new
        return new

    def stop(self) -> None:
        for sentinel in self.sentinels:
            sentinel.stop()
        for node in self.nodes:
            node.stop()
