"""connect() and Client: validated options, accepted wherever a URL is, close() semantics, retries.

Every result is checked against what redis-py loaded or reads back.
"""

from __future__ import annotations

import inspect
import subprocess
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
import redis

import polars_redis as pr

from conftest import named_connections, wait_indexed
from debian_redis import free_port


@pytest.fixture()
def client(url: str, r: redis.Redis):
    with pr.connect(url) as c:
        yield c


def _load(r: redis.Redis) -> None:
    r.hset("h:1", mapping={"name": "ann", "age": 31})
    r.hset("h:2", mapping={"name": "bob", "age": 42})
    r.json().set("j:1", "$", {"name": "ann", "n": 1})
    r.json().set("j:2", "$", {"name": "bob", "n": 2})
    r.set("s:1", "10")
    r.set("s:2", "20")
    r.sadd("set:1", "x", "y")
    r.rpush("list:1", "p", "q")
    r.zadd("z:1", {"m": 1.5, "n": 2.5})
    r.xadd("st:1", {"f": "v1"}, id="1-1")
    r.xadd("st:1", {"f": "v2"}, id="2-1")
    r.ts().create("ts:1", labels={"kind": "probe"})
    r.ts().add("ts:1", 1000, 1.5)
    r.ts().add("ts:1", 2000, 2.5)


def _index(r: redis.Redis) -> None:
    r.execute_command("FT.CREATE", "idx:h", "ON", "HASH", "PREFIX", "1", "h:", "SCHEMA", "name", "TAG", "age",
                      "NUMERIC")
    r.execute_command("FT.CREATE", "idx:j", "ON", "JSON", "PREFIX", "1", "j:", "SCHEMA", "$.name", "AS", "name",
                      "TAG")
    for index in ("idx:h", "idx:j"):  # indexing existing keys runs in the background
        wait_indexed(r, index)
    assert all(int(r.ft(i).info()["num_docs"]) == 2 for i in ("idx:h", "idx:j"))


def _sorted(df: pl.DataFrame, column: str) -> list:
    return sorted(df[column].to_list())


def _decoded(values) -> list[str]:
    return sorted(v.decode() if isinstance(v, bytes) else v for v in values)


def _scan_partitions(c, r):
    parts = pr.scan_partitions(c, "hashes", "h:*", {"name": pl.Utf8})
    assert len(parts) == 1
    assert _sorted(parts[0].read(), "name") == _decoded([r.hget("h:1", "name"), r.hget("h:2", "name")])


def _read_hashes(c, r):
    assert _sorted(pr.read_hashes(c, "h:*", {"name": pl.Utf8}), "name") == _decoded(
        [r.hget("h:1", "name"), r.hget("h:2", "name")])


def _scan_hashes(c, r):
    df = pr.scan_hashes(c, "h:*", {"age": pl.Int64}).collect()
    assert _sorted(df, "age") == sorted(int(r.hget(k, "age")) for k in ("h:1", "h:2"))


def _infer_hash_schema(c, r):
    assert set(pr.infer_hash_schema(c, "h:*")) == set(_decoded(r.hkeys("h:1")))


def _read_json(c, r):
    assert _sorted(pr.read_json(c, "j:*", {"name": pl.Utf8}), "name") == sorted(
        r.json().get(k, "$.name")[0] for k in ("j:1", "j:2"))


def _scan_json(c, r):
    assert _sorted(pr.scan_json(c, "j:*", {"n": pl.Int64}).collect(), "n") == sorted(
        r.json().get(k, "$.n")[0] for k in ("j:1", "j:2"))


def _infer_json_schema(c, r):
    assert set(pr.infer_json_schema(c, "j:*")) == set(_decoded(r.json().objkeys("j:1", "$")[0]))


def _read_strings(c, r):
    assert _sorted(pr.read_strings(c, "s:*", value_type=pl.Int64), "value") == sorted(
        int(r.get(k)) for k in ("s:1", "s:2"))


def _scan_strings(c, r):
    assert _sorted(pr.scan_strings(c, "s:*").collect(), "_key") == _decoded(r.keys("s:*"))


def _read_set(c, r):
    assert _sorted(pr.read_set(c, "set:*"), "member") == _decoded(r.smembers("set:1"))


def _scan_set(c, r):
    assert _sorted(pr.scan_set(c, "set:*").collect(), "member") == _decoded(r.smembers("set:1"))


def _read_list(c, r):
    assert pr.read_list(c, "list:*")["element"].to_list() == _decoded(r.lrange("list:1", 0, -1))


def _scan_list(c, r):
    assert pr.scan_list(c, "list:*").collect()["element"].to_list() == _decoded(r.lrange("list:1", 0, -1))


def _read_zset(c, r):
    expected = {m.decode(): s for m, s in r.zrange("z:1", 0, -1, withscores=True)}
    df = pr.read_zset(c, "z:*")
    assert dict(zip(df["member"], df["score"])) == expected


def _scan_zset(c, r):
    assert _sorted(pr.scan_zset(c, "z:*").collect(), "member") == _decoded(r.zrange("z:1", 0, -1))


def _stream_ids(r) -> list[str]:
    return [entry_id.decode() for entry_id, _ in r.xrange("st:1")]


def _read_stream(c, r):
    assert pr.read_stream(c, "st:1", {"f": pl.Utf8})["_id"].to_list() == _stream_ids(r)


def _scan_stream(c, r):
    fields = [f[b"f"].decode() for _, f in r.xrange("st:1")]
    assert pr.scan_stream(c, "st:1", {"f": pl.Utf8}).collect()["f"].to_list() == fields


def _create_stream_group(c, r):
    assert pr.create_stream_group(c, "st:1", "g", start_id="0") is True
    assert [g["name"].decode() for g in r.xinfo_groups("st:1")] == ["g"]


def _read_stream_group(c, r):
    df = pr.read_stream_group(c, "st:1", "g", "c1", {"f": pl.Utf8}, create_group=True, start_id="0")
    assert df["_id"].to_list() == _stream_ids(r)
    assert r.xpending("st:1", "g")["pending"] == 2


def _ack_stream(c, r):
    r.xgroup_create("st:1", "g", id="0")
    r.xreadgroup("g", "c1", {"st:1": ">"})
    assert pr.ack_stream(c, "st:1", "g", _stream_ids(r)) == 2
    assert r.xpending("st:1", "g")["pending"] == 0


def _ts_samples(r) -> list[float]:
    return [value for _, value in r.ts().range("ts:1", "-", "+")]


def _read_timeseries(c, r):
    assert pr.read_timeseries(c, "ts:1")["value"].to_list() == _ts_samples(r)


def _scan_timeseries(c, r):
    assert pr.scan_timeseries(c, "ts:1").collect()["value"].to_list() == _ts_samples(r)


def _read_timeseries_multi(c, r):
    assert pr.read_timeseries_multi(c, ["kind=probe"])["value"].to_list() == _ts_samples(r)


def _scan_timeseries_multi(c, r):
    assert pr.scan_timeseries_multi(c, ["kind=probe"]).collect()["value"].to_list() == _ts_samples(r)


PEOPLE = pl.DataFrame({"_key": ["w:1", "w:2"], "name": ["cy", "di"]})


def _write_hashes(c, r):
    assert pr.write_hashes(PEOPLE, c) == 2
    assert r.hgetall("w:2") == {b"name": b"di"}


def _write_method(c, r):
    # Redis 7.4 writes RDB version 12 (rdb.h); the client's probe must see the same server.
    assert r.info("server")["redis_version"].startswith("7.4")
    decision = pr.write_method(c, kind="hash")
    assert (decision["method"], decision["rdb_version"]) == ("restore", 12)
    assert pr.write_method(c, kind="json", if_exists="append")["method"] == "commands"


def _sink_hashes(c, r):
    assert pr.sink_hashes(PEOPLE.lazy(), c) == 2
    assert r.hgetall("w:1") == {b"name": b"cy"}


def _write_json(c, r):
    assert pr.write_json(PEOPLE, c) == 2
    assert r.json().get("w:1") == {"name": "cy"}


def _sink_json(c, r):
    assert pr.sink_json(PEOPLE.lazy(), c) == 2
    assert r.json().get("w:2") == {"name": "di"}


def _write_strings(c, r):
    assert pr.write_strings(PEOPLE.rename({"name": "value"}), c) == 2
    assert r.get("w:1") == b"cy"


def _sink_strings(c, r):
    assert pr.sink_strings(PEOPLE.rename({"name": "value"}).lazy(), c) == 2
    assert r.get("w:2") == b"di"


def _write_set(c, r):
    pr.write_set(pl.DataFrame({"_key": ["ws", "ws"], "member": ["a", "b"]}), c)
    assert r.smembers("ws") == {b"a", b"b"}


def _write_list(c, r):
    pr.write_list(pl.DataFrame({"_key": ["wl", "wl"], "element": ["a", "b"]}), c)
    assert r.lrange("wl", 0, -1) == [b"a", b"b"]


def _write_zset(c, r):
    pr.write_zset(pl.DataFrame({"_key": ["wz"], "member": ["a"], "score": [4.5]}), c)
    assert r.zscore("wz", "a") == 4.5


def _write_stream(c, r):
    assert pr.write_stream(pl.DataFrame({"f": ["x", "y"]}), c, "wst") == 2
    assert [f[b"f"] for _, f in r.xrange("wst")] == [b"x", b"y"]


def _write_timeseries(c, r):
    pr.write_timeseries(pl.DataFrame({"_ts": [5, 6], "value": [1.0, 2.0]}), c, "wts")
    assert [tuple(sample) for sample in r.ts().range("wts", "-", "+")] == [(5, 1.0), (6, 2.0)]


def _write_frame(c, r):
    assert pr.write_frame(PEOPLE, c, "frame:1") > 0
    assert r.exists("frame:1") == 1


def _read_frame(c, r):
    pr.write_frame(PEOPLE, c, "frame:1")
    assert pr.read_frame(c, "frame:1").equals(PEOPLE)


def _scan_frame(c, r):
    pr.write_frame(PEOPLE, c, "frame:1")
    assert pr.scan_frame(c, "frame:1").collect().equals(PEOPLE)


def _create_index(c, r):
    pr.create_index(c, "idx:new", {"name": pl.String}, "h:")
    assert r.ft("idx:new").info()["index_name"] in ("idx:new", b"idx:new")


def _infer_schema_from_index(c, r):
    _index(r)
    assert pr.infer_schema_from_index(c, "idx:h") == {"name": pl.String, "age": pl.Float64}


def _search_hashes(c, r):
    _index(r)
    df = pr.search_hashes(c, "idx:h", "@age:[40 50]", {"name": pl.Utf8}).collect()
    assert df["name"].to_list() == [r.hget("h:2", "name").decode()]


def _read_search_hashes(c, r):
    _index(r)
    df = pr.read_search_hashes(c, "idx:h", "@name:{ann}", {"age": pl.Int64})
    assert df["age"].to_list() == [int(r.hget("h:1", "age"))]


def _search_json(c, r):
    _index(r)
    df = pr.search_json(c, "idx:j", "@name:{bob}", {"n": pl.Int64}).collect()
    assert df["n"].to_list() == [r.json().get("j:2", "$.n")[0]]


def _aggregate(c, r):
    _index(r)
    df = pr.aggregate(c, "idx:h", group_by=["name"], reduce={"n": ("count",)})
    assert sorted(df["name"].to_list()) == ["ann", "bob"]


CALLS: dict[str, Callable[[object, redis.Redis], None]] = {
    name[1:]: fn for name, fn in list(globals().items()) if name.startswith("_") and name[1:] in pr.__all__
}


def test_every_public_function_taking_a_url_is_covered():
    # A new public function with a `url` parameter must be added to CALLS.
    taking_url = {
        name for name in pr.__all__
        if name != "connect" and inspect.isfunction(getattr(pr, name)) and "url" in inspect.signature(getattr(pr, name)).parameters
    }
    assert taking_url - set(CALLS) == set()
    assert len(CALLS) == len(taking_url) == 45


@pytest.mark.parametrize("name", sorted(CALLS))
def test_accepts_a_client(name: str, client: pr.Client, r: redis.Redis):
    _load(r)
    CALLS[name](client, r)


def test_connect_validates_every_option_at_once(url: str):
    with pytest.raises(pr.ConfigurationError) as info:
        pr.connect(url, pool_size=-1, retries="2", parallel=0, socket_timeout=0, ssl_cert_reqs="maybe",
                   ssl_check_hostname="yes", client_name="")
    message = str(info.value)
    for option in ("pool_size", "retries", "parallel", "socket_timeout", "ssl_cert_reqs", "ssl_check_hostname",
                   "client_name"):
        assert option in message


@pytest.mark.parametrize(("kwargs", "named"), [
    ({"bogus": 1}, "bogus"),
    ({"db": "x"}, "db"),
    ({"ssl_ca_certs": "/ca.pem"}, "ssl_ca_certs"),  # a TLS option on redis://
    ({"pool": "mine"}, "pool"),
    ({"pool_idle_timeout": 0}, "pool_idle_timeout"),
    ({"retries": True}, "retries"),
])
def test_connect_names_the_bad_option(url: str, kwargs: dict, named: str):
    with pytest.raises(pr.ConfigurationError, match=named):
        pr.connect(url, **kwargs)


def test_option_in_url_and_argument_is_refused(url: str):
    with pytest.raises(pr.ConfigurationError, match="retries"):
        pr.connect(url + "?retries=2", retries=3)


def test_options_reach_the_connections(url: str, r: redis.Redis):
    r.hset("h:1", "a", "1")
    with pr.connect(url.rsplit("/", 1)[0], db=3, client_name="pr-options", socket_timeout=7) as c:
        r3 = redis.Redis.from_url(url.rsplit("/", 1)[0] + "/3")
        r3.hset("db3:1", "a", "3")
        assert pr.read_hashes(c, "*", {"a": pl.Int64})["a"].to_list() == [3]
        names = [entry["name"] for entry in r.client_list() if entry["db"] == "3"]
        assert "pr-options" in names
        r3.flushdb()
        r3.close()


def test_password_never_shown(stack, r: redis.Redis):
    password = stack.url.split(":")[2].split("@")[0]
    assert password
    c = pr.connect(stack.url, retries=0)
    assert password not in repr(c)
    assert "***" in repr(c)
    with pytest.raises(pr.ConfigurationError) as info:
        pr.connect(stack.url, parallel="many")
    assert password not in str(info.value)
    port = free_port()
    dead = pr.connect(f"redis://:{password}@127.0.0.1:{port}", retries=0, connect_timeout=1)
    with pytest.raises(pr.RedisConnectionError) as failed:
        pr.read_hashes(dead, "*")
    assert password not in str(failed.value)
    c.close()
    with pytest.raises(pr.ConfigurationError) as closed:
        pr.read_hashes(c, "*")
    assert password not in str(closed.value)


def test_close_semantics(url: str, r: redis.Redis):
    r.hset("h:1", "a", "1")
    with pr.connect(url, client_name="pr-close") as c:
        pr.read_hashes(c, "h:*")
        assert c.pool_stats()["idle"] == 2  # the key source's and the fetch connection
        assert named_connections(r, "pr-close", 2) == 2
        lazy = pr.scan_hashes(c, "h:*")
    assert c.closed
    assert "closed" in repr(c)
    for call in (lambda: pr.read_hashes(c, "h:*"), lambda: pr.write_hashes(PEOPLE, c), c.pool_stats,
                 lambda: c.url):
        with pytest.raises(pr.ConfigurationError, match="closed"):
            call()
    c.close()  # twice is fine
    # The pool's connections are gone on the server side.
    assert named_connections(r, "pr-close", 0) == 0
    del lazy


def test_clients_have_separate_pools(url: str, r: redis.Redis):
    r.hset("h:1", "a", "1")
    with pr.connect(url) as first, pr.connect(url) as second:
        pr.read_hashes(first, "h:*", {"a": pl.Int64})
        after_first = first.pool_stats()
        assert after_first["created"] == 2
        assert second.pool_stats() == {"open": 0, "idle": 0, "created": 0, "reused": 0}
        pr.read_hashes(second, "h:*", {"a": pl.Int64})
        assert second.pool_stats()["created"] == 2
        assert first.pool_stats() == after_first


def test_client_is_thread_safe(url: str, r: redis.Redis):
    pipe = r.pipeline()
    for i in range(300):
        pipe.hset(f"t:{i}", mapping={"v": i, "s": f"x{i}"})
    pipe.execute()
    schema = {"v": pl.Int64, "s": pl.Utf8}
    expected = sorted(range(300))
    errors: list[BaseException] = []
    with pr.connect(url, pool_size=4) as c:
        serial = pr.read_hashes(c, "t:*", schema).sort("_key")
        assert serial["v"].sort().to_list() == expected

        def work(thread: int) -> None:
            try:
                for i in range(50):
                    if i % 5 == 4:
                        frame = pl.DataFrame({"_key": [f"out:{thread}:{i}"], "v": [thread * 1000 + i]})
                        assert pr.write_hashes(frame, c) == 1
                    else:
                        assert pr.read_hashes(c, "t:*", schema).sort("_key").equals(serial)
            except BaseException as exc:  # noqa: BLE001 - reported by the main thread
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        written = {int(r.hget(f"out:{t}:{i}", "v")) for t in range(8) for i in range(4, 50, 5)}
        assert written == {t * 1000 + i for t in range(8) for i in range(4, 50, 5)}
        stats = c.pool_stats()
        assert stats["idle"] <= 4
        assert stats["reused"] > stats["created"]


class _Server:
    """Debian's redis-server on a fixed port that can be stopped and started again."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary is not None, "Debian's redis-server is not installed"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.directory)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis(port=self.port).ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture()
def restartable(tmp_path: Path):
    server = _Server(tmp_path)
    server.start()
    yield server
    server.stop()


def test_server_restart_needs_no_user_action(restartable: _Server):
    url = f"redis://127.0.0.1:{restartable.port}"
    oracle = redis.Redis(port=restartable.port)
    oracle.hset("h:1", "a", "1")
    with pr.connect(url, retries=0) as c:
        assert pr.read_hashes(c, "h:*", {"a": pl.Int64})["a"].to_list() == [1]
        assert c.pool_stats()["idle"] == 2
        restartable.stop()
        restartable.start()
        redis.Redis(port=restartable.port).hset("h:1", "a", "2")
        # The pooled connections were closed by the old server: found dead, replaced.
        assert pr.read_hashes(c, "h:*", {"a": pl.Int64})["a"].to_list() == [2]
        assert pr.write_hashes(pl.DataFrame({"_key": ["h:2"], "a": ["3"]}), c) == 1
        assert redis.Redis(port=restartable.port).hget("h:2", "a") == b"3"
        stats = c.pool_stats()
        assert stats["created"] == 4  # two before the restart, two replacing them
        assert stats["reused"] >= 1


def test_read_is_retried_after_a_timeout(restartable: _Server):
    url = f"redis://127.0.0.1:{restartable.port}"
    oracle = redis.Redis(port=restartable.port)
    oracle.hset("h:1", "a", "1")
    # CLIENT PAUSE holds every command for 1.5 s: the first attempt times out after 1 s, the
    # restart is answered when the pause ends (half a second before it would time out).
    with pr.connect(url, socket_timeout=1.0, retries=1) as c:
        oracle.client_pause(1500)
        assert pr.read_hashes(c, "h:*", {"a": pl.Int64})["a"].to_list() == [1]
    time.sleep(1.6)
    with pr.connect(url, socket_timeout=1.0, retries=0) as c:
        oracle.client_pause(1500)
        with pytest.raises(pr.RedisTimeoutError):
            pr.read_hashes(c, "h:*", {"a": pl.Int64})
    time.sleep(1.6)


def test_writes_are_not_retried(restartable: _Server):
    url = f"redis://127.0.0.1:{restartable.port}"
    oracle = redis.Redis(port=restartable.port)
    with pr.connect(url, socket_timeout=1.0, retries=3) as c:
        oracle.client_pause(1500)
        with pytest.raises(pr.RedisTimeoutError):
            pr.write_hashes(PEOPLE, c)
    time.sleep(1.6)


def test_stopped_server_fails_clearly_after_the_retries(restartable: _Server):
    url = f"redis://127.0.0.1:{restartable.port}"
    with pr.connect(url, retries=2, connect_timeout=1) as c:
        restartable.stop()
        started = time.monotonic()
        with pytest.raises(pr.RedisConnectionError, match=f"127.0.0.1:{restartable.port}"):
            pr.read_hashes(c, "h:*")
        assert time.monotonic() - started < 5
