"""A TLS-only cluster (Debian's redis-server 7.0, CLUSTER SHARDS with tls-port): every node
connection carries the seed's TLS settings and password; reads and writes as on plain TCP."""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl
import pytest

import polars_redis as pr

from cluster_servers import LocalCluster, start_cluster


@pytest.fixture(scope="module")
def tls_cluster() -> Iterator[LocalCluster]:
    cluster = start_cluster(replicas=False, tls=True)
    yield cluster
    cluster.stop()


def test_reads_and_writes_over_tls(tls_cluster: LocalCluster) -> None:
    cluster = tls_cluster
    n = 1500
    df = pl.DataFrame({"_key": [f"t:{i}" for i in range(n)], "v": list(range(n))})
    assert pr.write_hashes(df, cluster.url) == n
    oracle = cluster.oracle()
    assert all(oracle.hget(f"t:{i}", "v") == str(i).encode() for i in range(0, n, 11))
    oracle.close()
    sizes = [cluster.client(node.port).dbsize() for node in cluster.primaries]
    assert sum(sizes) == n and min(sizes) > 0
    got = pr.read_hashes(cluster.url, "t:*", {"v": pl.Int64}).sort("v")
    assert got.equals(df)
    # A plain rediss:// URL to a node is detected as a cluster too.
    plain = cluster.node_url(cluster.primaries[2].port)
    assert plain.startswith("rediss://")
    assert pr.read_hashes(plain, "t:*", {"v": pl.Int64}).sort("v").equals(df)


def test_wrong_ca_fails_on_connect(tls_cluster: LocalCluster) -> None:
    url = tls_cluster.url.replace(str(tls_cluster.tls["ca.crt"]), str(tls_cluster.tls["other-ca.crt"]))
    with pytest.raises(pr.RedisConnectionError) as info:
        pr.read_hashes(url, "t:*", {"v": pl.Int64})
    assert tls_cluster.password not in str(info.value)
