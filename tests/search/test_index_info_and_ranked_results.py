"""What the core reads from RediSearch replies for the Python layer, in both protocols: an index's
FT.INFO (describe_index), MINPREFIX from FT.CONFIG (or its default when FT.CONFIG is refused), and
the KNN and sorted searches merged over the shards of a Redis Cluster, checked against redis-py
running the same query on one Redis Stack server holding every document."""

from __future__ import annotations

import struct
import time
from collections.abc import Iterator

import polars as pl
import pytest
import redis
from redis.commands.search.query import Query

import polars_redis as pr
from polars_redis.pushdown.search_index import DEFAULT_STOPWORDS, IndexField, describe_index

from cluster_servers import LocalCluster
from conftest import STATE_DEADLINE, load_hashes, wait_indexed

PROTOCOLS = ["", "?protocol=2"]


@pytest.fixture()
def fresh(r: redis.Redis) -> Iterator[redis.Redis]:
    """The Redis Stack server, its indexes dropped afterwards."""
    yield r
    for name in r.execute_command("FT._LIST"):
        r.execute_command("FT.DROPINDEX", name)


@pytest.fixture()
def described(fresh: redis.Redis) -> str:
    """An index using every part of FT.INFO that describe_index reads."""
    r = fresh
    load_hashes(r, {f"d:{i}": {"title": f"t{i}", "tags": "a;B", "n": str(i), "lang": "german"} for i in range(1, 6)}
                | {"e:1": {"title": "x", "n": "0"}})
    r.execute_command(
        "FT.CREATE", "idx:described", "ON", "HASH", "PREFIX", "2", "d:", "e:", "FILTER", "@n > 0",
        "LANGUAGE", "German", "LANGUAGE_FIELD", "lang", "NOOFFSETS", "STOPWORDS", "2", "Foo", "bar",
        "SCHEMA", "title", "TEXT", "SORTABLE", "UNF", "tags", "TAG", "SEPARATOR", ";", "CASESENSITIVE",
        "n", "NUMERIC", "SORTABLE", "NOINDEX", "opt", "TAG", "INDEXMISSING")
    wait_indexed(r, "idx:described")
    return "idx:described"


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_describe_index_reads_every_part_of_ft_info(url: str, described: str, protocol: str) -> None:
    info = describe_index(url + protocol, described)
    assert (info.name, info.key_type, info.prefixes, info.filter) == (described, "HASH", ("d:", "e:"), "@n > 0")
    assert info.fields == (
        IndexField("title", "title", "TEXT", sortable=True, unf=True),
        IndexField("tags", "tags", "TAG", separator=";", case_sensitive=True),
        IndexField("n", "n", "NUMERIC", sortable=True, searchable=False, unf=True),  # numbers are kept as they are
        IndexField("opt", "opt", "TAG", separator=",", index_missing=True),
    )
    assert (info.num_docs, info.indexing_failures, info.indexing) == (5, 0, False)  # e:1 fails the FILTER
    assert info.stopwords == frozenset({"foo", "bar"})
    assert info.options == ("NOOFFSETS", "NOHL")  # NOOFFSETS implies NOHL
    assert (info.language, info.language_field) == ("german", "lang")


def _server_min_prefix(r: redis.Redis) -> int:
    """MINPREFIX as redis-py reads it (its FT.CONFIG GET reply callback makes a dict)."""
    reply = r.execute_command("FT.CONFIG", "GET", "MINPREFIX")
    config = dict(reply) if isinstance(reply, dict) else dict(reply[0:1])
    return int(next(value for name, value in config.items() if name in ("MINPREFIX", b"MINPREFIX")))


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_default_stopwords_and_min_prefix(url: str, fresh: redis.Redis, protocol: str) -> None:
    r = fresh
    r.hset("p:1", mapping={"a": "x"})
    r.execute_command("FT.CREATE", "idx:plain", "ON", "HASH", "SCHEMA", "a", "TAG")
    wait_indexed(r, "idx:plain")
    info = describe_index(url + protocol, "idx:plain")
    assert info.prefixes == ("",) and info.filter is None and info.language_field is None
    assert info.stopwords == DEFAULT_STOPWORDS and info.language == "english"
    original = _server_min_prefix(r)
    assert info.min_prefix == original
    r.execute_command("FT.CONFIG", "SET", "MINPREFIX", str(original + 1))
    try:
        assert describe_index(url + protocol, "idx:plain").min_prefix == original + 1
    finally:
        r.execute_command("FT.CONFIG", "SET", "MINPREFIX", str(original))
    r.execute_command("FT.CREATE", "idx:nostop", "ON", "HASH", "STOPWORDS", "0", "SCHEMA", "a", "TAG")
    assert describe_index(url + protocol, "idx:nostop").stopwords == frozenset()


def test_a_refused_ft_config_keeps_the_default_min_prefix(url: str, fresh: redis.Redis) -> None:
    r = fresh
    r.hset("p:1", mapping={"a": "x"})
    r.execute_command("FT.CREATE", "idx:plain", "ON", "HASH", "SCHEMA", "a", "TAG")
    wait_indexed(r, "idx:plain")
    original = _server_min_prefix(r)
    r.execute_command("FT.CONFIG", "SET", "MINPREFIX", "4")
    r.acl_setuser("limited", enabled=True, passwords=["+limited-pw"], keys=["*"], channels=["*"],
                  commands=["+@all", "-ft.config"])
    port = r.connection_pool.connection_kwargs["port"]
    try:
        with pytest.raises(redis.exceptions.NoPermissionError):
            redis.Redis(port=port, username="limited", password="limited-pw").execute_command(
                "FT.CONFIG", "GET", "MINPREFIX")
        for protocol in PROTOCOLS:
            info = describe_index(f"redis://limited:limited-pw@127.0.0.1:{port}/0{protocol}", "idx:plain")
            assert info.min_prefix == 2 and info.num_docs == 1  # the default, not the server's 4
    finally:
        r.acl_deluser("limited")
        r.execute_command("FT.CONFIG", "SET", "MINPREFIX", str(original))


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_missing_index_is_a_configuration_error(url: str, protocol: str) -> None:
    with pytest.raises(pr.ConfigurationError, match=r"^RediSearch index 'idx:none' does not exist \(FT\.INFO: "
                                                    r"FT\.INFO failed on index 'idx:none': .*index"):
        describe_index(url + protocol, "idx:none")


# --- a Redis Cluster, checked against redis-py on one Redis Stack server holding every document ---

N = 400


def _drop_indexes(cluster: LocalCluster) -> None:
    oracle = cluster.oracle()
    for node in oracle.get_primaries():
        for name in oracle.execute_command("FT._LIST", target_nodes=node):
            oracle.execute_command("FT.DROPINDEX", name, target_nodes=node)
    oracle.close()


def _wait_cluster_indexed(cluster: LocalCluster, index: str, expected: int) -> None:
    deadline = time.monotonic() + STATE_DEADLINE
    while (info := describe_index(cluster.url, index)).indexing or info.num_docs != expected:
        assert time.monotonic() < deadline, f"indexed {info.num_docs} of {expected}"
        time.sleep(0.05)


def _rows() -> dict[str, dict[str, str | bytes]]:
    rows: dict[str, dict[str, str | bytes]] = {}
    for i in range(N):
        row: dict[str, str | bytes] = {"v": struct.pack("<3f", float(i % 23), float(i % 7), 0.5 * (i % 3)),
                                       "name": f"n{(i * 7919) % N:04d}"}
        if i % 10:  # every tenth document has no score: sorted last
            row["score"] = repr((i * 104729) % 1009 + i / 1000)
        rows[f"doc:{i}"] = row
    return rows


SCHEMA = {"name": pl.String, "score": pl.Float64}
VECTORS = {"v": {"dim": 3, "distance": "L2", "type": "FLOAT32"}}


@pytest.fixture()
def both(cluster: LocalCluster, fresh: redis.Redis, url: str) -> Iterator[redis.Redis]:
    """The same documents and index on the cluster and on the single Redis Stack server."""
    r = fresh
    cluster.flush()
    _drop_indexes(cluster)
    rows = _rows()
    cluster.load_hashes(rows)  # type: ignore[arg-type]
    load_hashes(r, rows)
    for where in (cluster.url, url):
        pr.create_index(where, "idx:ranked", SCHEMA, "doc:", sortable=["name", "score"], vectors=VECTORS)
    _wait_cluster_indexed(cluster, "idx:ranked", N)
    wait_indexed(r, "idx:ranked")
    yield r
    _drop_indexes(cluster)


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _oracle_knn(r: redis.Redis, query: list[float]) -> list[tuple[str, float]]:
    """Every document by distance to `query`, nearest first, as one server ranks them."""
    knn = Query(f"*=>[KNN {N} @v $q AS d]").return_field("d").sort_by("d").paging(0, N).dialect(2)
    result = r.ft("idx:ranked").search(knn, query_params={"q": struct.pack("<3f", *query)})
    return [(_text(doc.id), float(doc.d)) for doc in result.docs]


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_knn_on_the_cluster_agrees_with_one_server(cluster: LocalCluster, both: redis.Redis, protocol: str) -> None:
    for query, k in (([4.2, 3.1, 0.4], 7), ([20.0, 0.0, 1.0], 1), ([0.0, 0.0, 0.0], N + 5)):
        got = pr.search_hashes(cluster.url + protocol, "idx:ranked", "*", SCHEMA, knn=("v", query, k)).collect()
        ranking = _oracle_knn(both, query)
        assert got.height == min(k, N)
        assert got["_distance"].to_list() == pytest.approx([d for _, d in ranking[:k]], rel=1e-5)
        # Documents at equal distances may be cut differently: each key's own distance must agree.
        distance = dict(ranking)
        assert [distance[key] for key in got["_key"]] == pytest.approx(got["_distance"].to_list(), rel=1e-5)
        assert got["_key"].n_unique() == got.height


def _oracle_sorted(r: redis.Redis, query: str, field: str, descending: bool) -> list[str]:
    ranked = Query(query).no_content().sort_by(field, asc=not descending).paging(0, N).dialect(2)
    return [_text(doc.id) for doc in r.ft("idx:ranked").search(ranked).docs]


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize(("field", "descending"), [("score", False), ("score", True), ("name", False),
                                                     ("name", True)])
def test_sorted_search_on_the_cluster_agrees_with_one_server(cluster: LocalCluster, both: redis.Redis, protocol: str,
                                                             field: str, descending: bool) -> None:
    got = pr.search_hashes(cluster.url + protocol, "idx:ranked", "*", SCHEMA, sort_by=(field, descending)).collect()
    want = _oracle_sorted(both, "*", field, descending)
    rows = _rows()
    with_value = [k for k in want if field == "name" or "score" in rows[k]]
    # Documents without a value come last, in any order between shards.
    assert got["_key"].to_list()[:len(with_value)] == with_value
    assert set(got["_key"].to_list()[len(with_value):]) == set(want) - set(with_value)
    limited = pr.search_hashes(cluster.url + protocol, "idx:ranked", "@score:[100 700]", SCHEMA,
                               sort_by=(field, descending), limit=9).collect()
    assert limited["_key"].to_list() == _oracle_sorted(both, "@score:[100 700]", field, descending)[:9]
