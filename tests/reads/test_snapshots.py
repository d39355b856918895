"""Snapshot reads (snapshot=True: a replication full resync) and RDB files (scan_rdb), checked
against the SCAN path and redis-py on the same data, written by Redis Stack 7.4 (RDB 12) and
Debian's redis-server 7.0 (RDB 10). The data forces every encoding those servers write: small
values (listpack, intset, int-encoded strings) and large ones (hashtable, skiplist, quicklist
with several and plain nodes, LZF-compressed strings), expiries and several databases."""

from __future__ import annotations

import random
import re
import time
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
import redis
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

import polars_redis as pr
from debian_redis import DebianRedis

SCHEMA = {"a": pl.Int64, "b": pl.String, "c": pl.Float64}


def wait_for_no_fork(client: redis.Redis) -> None:
    """The replication fork may outlive our closed link; SAVE refuses to run beside it."""
    deadline = time.monotonic() + 60
    while client.info("persistence")["rdb_bgsave_in_progress"] and time.monotonic() < deadline:
        time.sleep(0.05)


def load(client: redis.Redis, seed: int) -> None:
    rng = random.Random(seed)
    pipe = client.pipeline(transaction=False)
    for i in range(40):
        mapping = {"a": str(rng.randint(-10**12, 10**12)), "b": rng.choice(["x", "hello", "é" * 30]), "c": str(rng.random())}
        if i % 5 == 0:  # hashtable: many fields, or a long value
            mapping |= {f"extra{j}": str(j) for j in range(300)}
        if i % 7 == 0:
            mapping["b"] = "compressible " * 40  # LZF
        if i % 3 == 0:
            del mapping["c"]
        pipe.hset(f"h:{i}", mapping=mapping)
        if i % 4 == 0:
            pipe.expire(f"h:{i}", 1000 + i)
    pipe.hset("other:1", mapping={"a": "1"})
    pipe.set("h:string", "a string among the hashes")  # another type under the pattern: skipped
    for i in range(20):
        pipe.set(f"s:{i}", rng.choice([str(rng.randint(-(2**40), 2**40)), str(rng.randint(0, 100)), "text" * i, "z" * 300]))
    pipe.sadd("set:ints", *range(50))
    pipe.sadd("set:big-ints", *[2**40 + i for i in range(600)])
    pipe.sadd("set:small", "a", "b", "c")
    pipe.sadd("set:large", *[f"m{i}" for i in range(700)])
    pipe.rpush("l:small", "a", "1", "-5")
    pipe.rpush("l:large", *[str(i) if i % 2 else f"e{i}" for i in range(3000)])
    pipe.rpush("l:plain", "p" * 20000, "q", "r" * 9000)
    pipe.zadd("z:small", {"a": 1.5, "b": -2, "c": float("inf")})
    pipe.zadd("z:large", {f"m{i}": rng.uniform(-1e6, 1e6) for i in range(400)})
    pipe.execute()
    pipe = client.pipeline(transaction=True)
    pipe.execute_command("SELECT", 1)
    pipe.hset("h:db1", mapping={"a": "9", "b": "one"})
    pipe.execute_command("SELECT", 0)
    pipe.execute()




def frames(source: dict) -> dict[str, pl.DataFrame]:
    def tidy(df: pl.DataFrame) -> pl.DataFrame:
        return df.sort(df.columns)

    read = source["read"]
    return {
        "hash": tidy(read("hash", "h:*", SCHEMA, include_ttl=True)),
        "hash_db1": tidy(read("hash", "*", SCHEMA, db=1)),
        "string": tidy(read("string", "s:*", include_ttl=True)),
        "string_int": tidy(read("string", "s:*", value_type=pl.Int64, ignore_errors=True)),
        "set": tidy(read("set", "set:*")),
        "list": tidy(read("list", "l:*")),
        "zset": tidy(read("zset", "z:*")),
        "zset_range": tidy(read("zset", "z:*", min_score=-100, max_score="(1000", include_rank=True)),
    }


def scan_source(url: str, snapshot: bool) -> dict:
    functions = {"hash": pr.read_hashes, "string": pr.read_strings, "set": pr.read_set,
                 "list": pr.read_list, "zset": pr.read_zset}

    def read(kind: str, pattern: str, *args, db: int = 0, **kwargs) -> pl.DataFrame:
        return functions[kind](f"{url}/{db}", pattern, *args, snapshot=snapshot, **kwargs)

    return {"read": read}


def rdb_source(path: Path) -> dict:
    def read(kind: str, pattern: str, *args, **kwargs) -> pl.DataFrame:
        return pr.read_rdb(path, pattern, *args, key_type=kind, **kwargs)

    return {"read": read}


def assert_same(expected: dict[str, pl.DataFrame], got: dict[str, pl.DataFrame]) -> None:
    for name, frame in expected.items():
        other = got[name]
        # TTLs count down between the reads: allow the seconds that passed.
        if "_ttl" in frame.columns:
            diff = (frame["_ttl"] - other["_ttl"]).abs().max()
            assert diff is None or diff <= 5, name
            frame, other = frame.drop("_ttl"), other.drop("_ttl")
        assert frame.equals(other), f"{name}:\n{frame}\n{other}"


@pytest.fixture(scope="module")
def debian(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DebianRedis]:
    directory = tmp_path_factory.mktemp("debian-snapshot")
    server = DebianRedis(directory, "--repl-diskless-sync-delay", "0")
    server.wait_until_listening(server.port)
    yield server
    server.process.terminate()
    server.process.wait()


def check_server(url: str, client: redis.Redis, rdb_dir: Path) -> None:
    load(client, seed=7)
    expected = frames(scan_source(url, snapshot=False))
    # The oracle: redis-py's view of the hashes.
    oracle = {key.decode(): client.hgetall(key) for key in client.scan_iter("h:*", _type="hash")}
    assert set(expected["hash"]["_key"]) == set(oracle)
    for row in expected["hash"].iter_rows(named=True):
        fields = oracle[row["_key"]]
        assert row["b"] == (fields[b"b"].decode() if b"b" in fields else None)
        assert row["a"] == int(fields[b"a"])
    assert len(expected["set"]) == sum(client.scard(k) for k in client.scan_iter("set:*"))
    assert_same(expected, frames(scan_source(url, snapshot=True)))
    wait_for_no_fork(client)
    client.save()
    assert_same(expected, frames(rdb_source(rdb_dir / "dump.rdb")))


def test_debian_redis_70(debian: DebianRedis) -> None:
    client = redis.Redis(port=debian.port)
    client.flushall()
    check_server(f"redis://127.0.0.1:{debian.port}", client, debian.directory)


def test_debian_redis_70_hashtable_forms(debian: DebianRedis) -> None:
    """Every value in its large form (hashtable, skiplist) by configuration."""
    client = redis.Redis(port=debian.port)
    client.flushall()
    for name in ("hash-max-listpack-entries", "zset-max-listpack-entries", "set-max-intset-entries"):
        client.config_set(name, 0)
    try:
        check_server(f"redis://127.0.0.1:{debian.port}", client, debian.directory)
    finally:
        client.config_set("hash-max-listpack-entries", 128)
        client.config_set("zset-max-listpack-entries", 128)
        client.config_set("set-max-intset-entries", 512)


def test_redis_stack_74(r: redis.Redis, url: str, stack, tmp_path: Path) -> None:
    previous = r.config_get("repl-diskless-sync-delay")["repl-diskless-sync-delay"]
    r.config_set("repl-diskless-sync-delay", 0)
    try:
        directory = Path(r.config_get("dir")["dir"])
        check_server(re.sub(r"/\d+$", "", url), r, directory)
    finally:
        r.config_set("repl-diskless-sync-delay", previous)


@pytest.mark.parametrize("server", ["debian", "stack"])
def test_a_transfer_delay_is_waited_out(request: pytest.FixtureRequest, r: redis.Redis, url: str,
                                        server: str) -> None:
    """A server left at its default repl-diskless-sync-delay (5 s) waits before the transfer and
    meanwhile sends newlines, before its +FULLRESYNC answer too: the read waits them out."""
    if server == "debian":
        debian = request.getfixturevalue("debian")
        client, target = redis.Redis(port=debian.port), f"redis://127.0.0.1:{debian.port}"
    else:
        client, target = r, url
    client.flushall()
    client.hset("delayed:1", mapping={"a": "1", "b": "x"})
    previous = client.config_get("repl-diskless-sync-delay")["repl-diskless-sync-delay"]
    client.config_set("repl-diskless-sync-delay", 3)  # keepalive newlines go out once a second
    try:
        started = time.monotonic()
        df = pr.read_hashes(target, "delayed:*", {"a": pl.Int64, "b": pl.String}, snapshot=True)
        waited = time.monotonic() - started
    finally:
        client.config_set("repl-diskless-sync-delay", previous)
    assert df.rows() == [("delayed:1", 1, "x")]
    # The transfer started only after the server's delay. The server counts it in whole seconds
    # of its cached clock, checked once a second, so a 3 s delay may end about 2 s after the
    # PSYNC (a CI run measured 2.25 s); a read without the delay takes a small fraction of that.
    assert waited >= 1.5


def test_json_documents(r: redis.Redis, url: str) -> None:
    r.config_set("repl-diskless-sync-delay", 0)
    docs = {f"doc:{i}": {"name": f"n{i}", "age": i, "tags": ["x", str(i)], "nested": {"k": i}} for i in range(30)}
    for key, doc in docs.items():
        r.json().set(key, "$", doc)
    r.hset("doc:hash", "name", "not json")
    schema = {"name": pl.String, "age": pl.Int64, "tags": pl.List(pl.String)}
    scan = pr.read_json(url, "doc:*", schema).sort("_key")
    snap = pr.read_json(url, "doc:*", schema, snapshot=True).sort("_key")
    assert scan.equals(snap)
    projected = pr.scan_json(url, "doc:*", schema, snapshot=True).select("_key", "age").collect().sort("_key")
    assert projected.equals(scan.select("_key", "age"))
    assert snap["age"].to_list() == [docs[k]["age"] for k in snap["_key"]]
    # A column with its own JSONPath is evaluated on the client (tests/reads/test_snapshot_json_paths.py).
    nested = pr.read_json(url, "doc:*", {"k": pl.Int64}, paths={"k": "$.nested.k"}, snapshot=True).sort("_key")
    assert nested["k"].to_list() == [docs[k]["nested"]["k"] for k in nested["_key"]]
    wait_for_no_fork(r)
    r.save()
    path = Path(r.config_get("dir")["dir"]) / r.config_get("dbfilename")["dbfilename"]
    assert pr.read_rdb(path, "doc:*", schema, key_type="json").sort("_key").equals(scan)


def test_pushdown_n_rows_and_row_index(debian: DebianRedis) -> None:
    client = redis.Redis(port=debian.port)
    client.flushall()
    load(client, seed=3)
    url = f"redis://127.0.0.1:{debian.port}"
    lf = pr.scan_hashes(url, "h:*", SCHEMA, snapshot=True, include_row_index=True)
    head = lf.head(5).collect()
    assert head.height == 5 and head["_index"].to_list() == list(range(5))
    filtered = lf.filter(pl.col("_key").str.starts_with("h:1")).collect().sort("_key")
    assert set(filtered["_key"]) == {k.decode() for k in client.scan_iter("h:1*")}
    assert "snapshot" in pr.explain(lf) and "repl-diskless-sync-delay" in pr.explain(lf)
    # Nothing stays registered: the replica link is gone once the read is over.
    deadline = time.monotonic() + 10
    while any(c.get("flags", "").find("S") >= 0 for c in client.client_list()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [c for c in client.client_list() if "S" in c.get("flags", "")]


def test_psync_refused_by_acl(debian: DebianRedis) -> None:
    client = redis.Redis(port=debian.port)
    client.acl_setuser("nopsync", enabled=True, passwords=["+pw"], keys=["*"], commands=["+@all", "-psync", "-sync"])
    with pytest.raises(pr.ResponseError, match=r"PSYNC refused.*NOPERM.*snapshot=False"):
        pr.read_hashes(f"redis://nopsync:pw@127.0.0.1:{debian.port}", "h:*", SCHEMA, snapshot=True)


def test_memory_usage_is_refused() -> None:
    with pytest.raises(pr.ConfigurationError, match="MEMORY USAGE"):
        pr.scan_hashes("redis://127.0.0.1:1", "*", SCHEMA, snapshot=True, include_memory_usage=True)


def saved_dump(server: DebianRedis, seed: int) -> Path:
    """The server's dump.rdb after loading the test data anew."""
    client = redis.Redis(port=server.port)
    client.flushall()
    load(client, seed=seed)
    wait_for_no_fork(client)
    client.save()
    return server.directory / "dump.rdb"


def test_truncated_and_corrupt_files(debian: DebianRedis, tmp_path: Path) -> None:
    data = saved_dump(debian, seed=5).read_bytes()
    rng = random.Random(1)
    for cut in [5, 9, 20, len(data) // 2, len(data) - 9, len(data) - 1] + [rng.randrange(len(data)) for _ in range(10)]:
        path = tmp_path / "cut.rdb"
        path.write_bytes(data[:cut])
        with pytest.raises(pr.RedisError, match=r"(truncated|not an RDB|bad|corrupt|unknown).* at byte \d+"):
            pr.read_rdb(path, "*", SCHEMA)
    for _ in range(10):
        position = rng.randrange(9, len(data) - 8)
        corrupt = bytearray(data)
        corrupt[position] ^= 0x5A
        path = tmp_path / "flip.rdb"
        path.write_bytes(bytes(corrupt))
        # The checksum is only known at the end: a flipped length or type byte is found by the
        # structure first, or shows up as a value that is not what the schema says (a garbage key).
        with pytest.raises((pr.ProtocolError, pr.SchemaError)) as raised:
            pr.read_rdb(path, "*", SCHEMA)
        assert isinstance(raised.value, pr.SchemaError) or re.search(r"at byte \d+", str(raised.value))


def test_cluster_one_snapshot_per_shard(cluster, oracle) -> None:
    for node in cluster.primaries:
        client = cluster.client(node.port)
        client.config_set("repl-diskless-sync-delay", 0)
        client.close()
    rows = {f"c:{i}": {"a": str(i), "b": f"v{i}"} for i in range(300)}
    for key, mapping in rows.items():
        oracle.hset(key, mapping=mapping)
    snap = pr.read_hashes(cluster.url, "c:*", SCHEMA, snapshot=True).sort("_key")
    assert snap.height == len(rows)
    assert snap["a"].to_list() == [int(rows[k]["a"]) for k in snap["_key"]]
    assert snap.equals(pr.read_hashes(cluster.url, "c:*", SCHEMA).sort("_key"))


def test_cli_exports_an_rdb_file(debian: DebianRedis, tmp_path: Path) -> None:
    from polars_redis.__main__ import main

    dump = saved_dump(debian, seed=11)
    out = tmp_path / "hashes.csv"
    assert main(["export", str(dump), "--pattern", "h:*", "--schema", "a=Int64,b=String,c=Float64",
                 "--where", 'pl.col("a") > 0', "-o", str(out), "--quiet"]) == 0
    expected = pr.read_hashes(f"redis://127.0.0.1:{debian.port}", "h:*", SCHEMA).filter(pl.col("a") > 0)
    assert pl.read_csv(out, schema_overrides=SCHEMA).sort("_key").equals(expected.sort("_key"))
    snapshot_out = tmp_path / "snapshot.csv"
    assert main(["export", f"redis://127.0.0.1:{debian.port}", "--pattern", "h:*", "--schema", "a=Int64,b=String,c=Float64",
                 "--snapshot", "-o", str(snapshot_out), "--quiet"]) == 0
    got = pl.read_csv(snapshot_out, schema_overrides=SCHEMA).sort("_key")
    assert got.equals(pr.read_hashes(f"redis://127.0.0.1:{debian.port}", "h:*", SCHEMA).sort("_key"))


def test_streams(debian: DebianRedis) -> None:
    client = redis.Redis(port=debian.port)
    client.flushall()
    ids = {}
    for key, n in (("st:a", 50), ("st:b", 3000)):
        ids[key] = [client.xadd(key, {"n": str(i), **({"extra": "x"} if i % 3 else {})}).decode() for i in range(n)]
        client.xdel(key, ids[key][1])  # a deleted entry inside a node
    client.xgroup_create("st:b", "g", "0")
    client.xreadgroup("g", "c", {"st:b": ">"}, count=10)
    url = f"redis://127.0.0.1:{debian.port}"
    schema = {"n": pl.Int64, "extra": pl.String}
    cases = [dict(), dict(start_id=ids["st:b"][5], end_id=ids["st:b"][2000]), dict(start_id="(" + ids["st:b"][5], count=7)]
    for keys in (["st:b", "st:a"], "st:a", ["st:missing", "st:a"]):
        for case in cases:
            expected = pr.read_stream(url, keys, schema, **case)
            assert pr.read_stream(url, keys, schema, snapshot=True, **case).equals(expected), (keys, case)
    wait_for_no_fork(client)
    client.save()
    expected = pr.read_stream(url, ["st:b", "st:a"], schema)
    assert pr.read_rdb(debian.directory / "dump.rdb", ["st:b", "st:a"], schema, key_type="stream").equals(expected)
    assert expected.height == 50 + 3000 - 2


# Values that stress the encodings: integer-looking text (Redis int-encodes only canonical
# integers: "007", "-0", "1e3" and 20-digit numbers stay strings), long and repetitive text (LZF),
# and arbitrary bytes.
VALUES = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1).map(str),
    st.sampled_from(["007", "-0", "+1", "1e3", " 1", "18446744073709551616", "", "0"]),
    st.text(max_size=40),
    st.text(alphabet="ab", min_size=20, max_size=400),
    st.binary(max_size=30),
)


@seed(20261203)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.dictionaries(st.text(alphabet="abcdefghXYZ_19", min_size=1, max_size=8), VALUES, min_size=1, max_size=12), min_size=1, max_size=8),
       st.lists(VALUES, min_size=1, max_size=20))
def test_values_round_trip_through_the_rdb(debian: DebianRedis, hashes: list[dict], members: list) -> None:
    """Whatever the server stored, the RDB read gives what redis-py reads back (the oracle)."""
    client = redis.Redis(port=debian.port)
    client.flushall()
    for i, mapping in enumerate(hashes):
        client.hset(f"p:{i}", mapping=mapping)
    client.rpush("p:list", *members)
    wait_for_no_fork(client)
    client.save()
    dump = debian.directory / "dump.rdb"
    fields = sorted({field for mapping in hashes for field in mapping})
    got = pr.read_rdb(dump, "p:*", {field: pl.Binary for field in fields}).sort("_key")
    for row in got.iter_rows(named=True):
        stored = client.hgetall(row["_key"])
        assert {f: row[f] for f in fields if row[f] is not None} == {k.decode(): v for k, v in stored.items()}
    elements = pr.read_rdb(dump, "p:list", key_type="list", element_type=pl.Binary).sort("position")
    assert elements["element"].to_list() == client.lrange("p:list", 0, -1)
