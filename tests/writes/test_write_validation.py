"""No write destroys data it did not replace, and every failure says exactly what was committed.

Every value the server could refuse is checked before anything is sent; each key's change is
one atomic step. redis-py is the oracle: DUMP and PEXPIRETIME of every key before and after.
"""

from __future__ import annotations

import decimal
import functools
import threading
import urllib.parse
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import polars_redis as pr
from background import in_background
from cluster_servers import LocalCluster
from polars_redis.__main__ import main

SETTINGS = settings(max_examples=8, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def _state(r: redis.Redis) -> dict[bytes, tuple[bytes | None, int]]:
    """Every key's serialized value and absolute expiry: what 'untouched' means."""
    return {key: (r.dump(key), r.pexpiretime(key)) for key in r.keys("*")}


def _deep(levels: int) -> list:
    value: list = [1]
    for _ in range(levels - 1):
        value = [value]
    return value


# A bad value per writer: (frame of n rows whose row `bad` holds it, the column named, write call,
# an existing value for each key as redis-py writes it).
def _zset(n: int, bad: int) -> pl.DataFrame:
    return pl.DataFrame({"_key": [f"k:{i}" for i in range(n)], "member": ["m"] * n,
                         "score": [float("nan") if i == bad else float(i) for i in range(n)]})


@functools.cache
def _deep_series() -> tuple[pl.Series, pl.Series]:
    # The document is an object (level 1): a list nesting 127 levels inside it is one too many.
    deep = pl.Series("v", [_deep(127)])
    return deep, pl.Series("v", [[]] * 40, dtype=deep.dtype)  # empty lists: the same dtype, one level


def _json_deep(n: int, bad: int) -> pl.DataFrame:
    deep, shallow = _deep_series()
    column = pl.concat([shallow[:bad], deep, shallow[bad + 1:n]])
    return pl.DataFrame({"_key": [f"k:{i}" for i in range(n)], "v": column})


def _null_member(n: int, bad: int) -> pl.DataFrame:
    return pl.DataFrame({"_key": [f"k:{i}" for i in range(n)], "member": [None if i == bad else "m" for i in range(n)]},
                        schema={"_key": pl.String, "member": pl.String})


def _json_nan_in_list(n: int, bad: int) -> pl.DataFrame:
    return pl.DataFrame({"_key": [f"k:{i}" for i in range(n)],
                         "v": [[1.0, float("nan")] if i == bad else [1.0] for i in range(n)]})


def _json_decimal(n: int, bad: int) -> pl.DataFrame:
    values = [decimal.Decimal("9007199254740993.00") if i == bad else decimal.Decimal(f"{i}.25") for i in range(n)]
    return pl.DataFrame({"_key": [f"k:{i}" for i in range(n)], "v": pl.Series(values, dtype=pl.Decimal(20, 2))})


def _ttl_out_of_range(n: int, bad: int) -> pl.DataFrame:
    return pl.DataFrame({"_key": [f"k:{i}" for i in range(n)], "v": [f"new{i}" for i in range(n)],
                         "ttl": [10**17 if i == bad else 100 for i in range(n)]})


def _null_key(n: int, bad: int) -> pl.DataFrame:
    return pl.DataFrame({"_key": [None if i == bad else f"k:{i}" for i in range(n)], "v": ["new"] * n},
                        schema={"_key": pl.String, "v": pl.String})


# The value kind each case writes, for pr.write_method.
KINDS = {"zset NaN score": "zset", "set null member": "set", "json too deep": "json", "json NaN in a list": "json",
         "json inexact decimal": "json", "hash TTL out of range": "hash", "string TTL out of range": "string",
         "null key": "hash", "hash NaN in a list": "hash"}

CASES: dict[str, tuple[Callable[[int, int], pl.DataFrame], str, Callable[..., int], Callable[[redis.Redis, str], None]]] = {
    "zset NaN score": (_zset, "score", pr.write_zset, lambda r, k: r.zadd(k, {"old": 1})),
    "set null member": (_null_member, "member", pr.write_set, lambda r, k: r.sadd(k, "old")),
    "json too deep": (_json_deep, "v", pr.write_json, lambda r, k: r.json().set(k, "$", {"old": 1})),
    "json NaN in a list": (_json_nan_in_list, "v", pr.write_json, lambda r, k: r.json().set(k, "$", {"old": 1})),
    "json inexact decimal": (_json_decimal, "v", pr.write_json, lambda r, k: r.json().set(k, "$", {"old": 1})),
    "hash TTL out of range": (_ttl_out_of_range, "ttl",
                              lambda df, url, **kw: pr.write_hashes(df, url, ttl="ttl", **kw),
                              lambda r, k: r.hset(k, "old", "1")),
    "string TTL out of range": (_ttl_out_of_range, "ttl",
                                lambda df, url, **kw: pr.write_strings(df, url, value_column="v", ttl="ttl", **kw),
                                lambda r, k: r.set(k, "old")),
    "null key": (_null_key, "_key", pr.write_hashes, lambda r, k: r.hset(k, "old", "1")),
    "hash NaN in a list": (_json_nan_in_list, "v", pr.write_hashes, lambda r, k: r.hset(k, "old", "1")),
}


@pytest.fixture(scope="module")
def commands_url(url: str) -> str:
    """The same server as a user whose ACL refuses RESTORE: writes take the command path."""
    parts = urllib.parse.urlsplit(url)
    with redis.Redis.from_url(url) as client:
        client.acl_setuser("norestore", enabled=True, passwords=["+norestore-pw"], keys=["*"], channels=["*"],
                           commands=["+@all", "-restore"])
    return f"redis://norestore:norestore-pw@{parts.hostname}:{parts.port}/0"


# replace and fail store whole values with RESTORE where the server takes it, with commands
# otherwise; append always merges with commands.
@pytest.mark.parametrize(("mode", "path"), [("replace", "restore"), ("replace", "commands"), ("append", "commands"),
                                            ("fail", "restore"), ("fail", "commands")])
@pytest.mark.parametrize("case", sorted(CASES))
@SETTINGS
@given(data=st.data())
def test_a_bad_value_writes_nothing(r: redis.Redis, url: str, commands_url: str, case: str, mode: str, path: str,
                                    data: st.DataObject) -> None:
    make, column, write, existing = CASES[case]
    kind = KINDS[case]
    if path == "commands" or mode == "append":
        url = commands_url
    assert pr.write_method(url, kind=kind, if_exists=mode)["method"] == path
    n = data.draw(st.integers(2, 40), label="rows")
    bad = data.draw(st.integers(0, n - 1), label="bad row")
    batch_size = data.draw(st.sampled_from([1, 7, 1000]), label="batch_size")
    r.flushall()
    r.set("unrelated", "x", ex=1000)
    if mode != "fail":  # under "fail" the keys must not exist
        for i in range(n):
            existing(r, f"k:{i}")
            if i % 2:
                r.expire(f"k:{i}", 5000)
    before = _state(r)
    with pytest.raises(pr.RedisError) as info:
        write(make(n, bad), url, if_exists=mode, batch_size=batch_size)
    assert _state(r) == before
    message = str(info.value)
    assert f"row {bad}" in message and f"'{column}'" in message, message
    if case != "null key":
        assert f"(key 'k:{bad}')" in message, message
    assert "nothing was written" in message and "committed" not in message, message
    assert "'item'" not in message


# Batches of 16384 rows and more are checked by two threads (each half of the batch): the first
# bad row in frame order is the one named, whichever half it is in.
@pytest.mark.parametrize("path", ["restore", "commands"])
@pytest.mark.parametrize("case", ["zset NaN score", "json NaN in a list", "hash TTL out of range", "null key"])
@pytest.mark.parametrize("bad_rows", [(100, 30_000), (30_000,), (19_999, 20_000), (20_000, 39_999)])
def test_a_long_batch_names_its_first_bad_row(r: redis.Redis, url: str, commands_url: str, case: str, path: str,
                                              bad_rows: tuple[int, ...]) -> None:
    make, column, write, _ = CASES[case]
    n = 40_000
    first, last = bad_rows[0], bad_rows[-1]
    # Rows before `last` carry the bad value at `first`, the rest the one at `last`; one chunk.
    df = pl.concat([make(n, first)[:last], make(n, last)[last:]]).rechunk() if len(bad_rows) > 1 else make(n, first)
    url = commands_url if path == "commands" else url
    assert pr.write_method(url, kind=KINDS[case], if_exists="replace")["method"] == path
    r.flushall()
    r.set("unrelated", "x", ex=1000)
    before = _state(r)
    with pytest.raises(pr.RedisError) as info:
        write(df, url, if_exists="replace")
    assert _state(r) == before
    message = str(info.value)
    assert f"row {first}" in message and f"'{column}'" in message and "nothing was written" in message, message
    if len(bad_rows) > 1:
        assert f"row {last}" not in message, message


def test_a_long_batch_is_written_whole(r: redis.Redis, url: str) -> None:
    n = 40_000
    df = pl.DataFrame({"_key": [f"k:{i}" for i in range(n)], "v": [f"value-{i}" for i in range(n)],
                       "i": list(range(n))})
    r.flushall()
    assert pr.write_hashes(df, url, if_exists="replace") == n
    assert r.dbsize() == n
    for i in (0, 16_383, 19_999, 20_000, n - 1):
        assert r.hgetall(f"k:{i}") == {b"v": f"value-{i}".encode(), b"i": str(i).encode()}


def test_bad_stream_ids_write_nothing(r: redis.Redis, url: str) -> None:
    r.xadd("events", {"a": "1"}, id="5-0")
    r.set("not-a-stream", "x")
    before = _state(r)
    # An ID that looks like an XADD option, with a column named like its argument.
    with pytest.raises(pr.ConfigurationError, match=r"row 0 .*'id'.*'MAXLEN' is not a stream ID"):
        pr.write_stream(pl.DataFrame({"id": ["MAXLEN"], "0": ["x"]}), url, "events", id_column="id")
    with pytest.raises(pr.ConfigurationError, match=r"row 2 .*'id'.*6-0 is not greater"):
        pr.write_stream(pl.DataFrame({"id": ["6-0", "6-1", "6-0"], "a": ["x", "y", "z"]}), url, "events",
                        id_column="id")
    with pytest.raises(pr.ConfigurationError, match="greater than 0-0"):
        pr.write_stream(pl.DataFrame({"id": ["0-0"], "a": ["x"]}), url, "events", id_column="id")
    with pytest.raises(pr.ConfigurationError, match=r"key 'events', column 'id': ID 5-0 is not greater than the "
                                                    r"stream's last ID 5-0"):
        pr.write_stream(pl.DataFrame({"id": ["5-0", "6-0"], "a": ["x", "y"]}), url, "events", id_column="id")
    with pytest.raises(pr.ResponseError, match="'not-a-stream' does not hold a stream"):
        pr.write_stream(pl.DataFrame({"id": ["1-1"], "a": ["x"]}), url, "not-a-stream", id_column="id")
    with pytest.raises(pr.ConfigurationError, match="minid"):
        pr.write_stream(pl.DataFrame({"a": ["x"]}), url, "events", minid="LIMIT")
    assert _state(r) == before
    assert pr.write_stream(pl.DataFrame({"id": ["6-*", "6-*", "7"], "a": ["x", "y", "z"]}), url, "events",
                           id_column="id") == 3
    assert [entry[0] for entry in r.xrange("events")] == [b"5-0", b"6-0", b"6-1", b"7-0"]


def test_bad_timeseries_samples_write_nothing(r: redis.Redis, url: str) -> None:
    r.ts().add("temp", 1000, 1.5)
    before = _state(r)
    with pytest.raises(pr.ConfigurationError, match=r"row 1 .*'value'.*NaN"):
        pr.write_timeseries(pl.DataFrame({"_ts": [2000, 3000], "value": [2.0, float("nan")]}), url, "temp")
    with pytest.raises(pr.ConfigurationError, match=r"row 0 .*'_ts'.*before 1970"):
        pr.write_timeseries(pl.DataFrame({"_ts": [-5], "value": [2.0]}), url, "temp")
    assert _state(r) == before


def test_a_null_string_leaves_the_key_alone(r: redis.Redis, url: str, commands_url: str) -> None:
    r.set("s:1", "old", ex=500)
    r.set("s:2", "old")
    before = _state(r)
    df = pl.DataFrame({"_key": ["s:1", "s:2"], "value": [None, None]}, schema={"_key": pl.String, "value": pl.String})
    for target in (url, commands_url):  # RESTORE, then commands
        for mode in ("replace", "append"):
            assert pr.write_strings(df, target, if_exists=mode, ttl=60) == 2
    assert _state(r) == before


def test_append_with_a_ttl_never_touches_a_key_of_another_type(r: redis.Redis, url: str) -> None:
    r.set("h:1", "a string")
    df = pl.DataFrame({"_key": ["h:0", "h:1", "h:2"], "a": [1, 2, 3]})
    with pytest.raises(pr.ResponseError, match=r"WRONGTYPE.*row 1 \(key 'h:1'\) holds a string") as info:
        pr.write_hashes(df, url, if_exists="append", ttl=100)
    assert info.value.committed_rows == 0
    assert r.ttl("h:1") == -1 and r.get("h:1") == b"a string" and r.dbsize() == 1
    # One key per batch: the batch before the bad key is committed, and the error says so.
    with pytest.raises(pr.ResponseError, match=r"1 row\(s\) were committed: row 0 \('h:0'\)") as info:
        pr.write_hashes(df, url, if_exists="append", ttl=100, batch_size=1)
    assert info.value.committed_rows == 1
    assert r.hgetall("h:0") == {b"a": b"1"} and 0 < r.ttl("h:0") <= 100
    assert r.ttl("h:1") == -1 and not r.exists("h:2")


def test_ttl_limits_are_the_servers(r: redis.Redis, url: str) -> None:
    df = pl.DataFrame({"_key": ["t:1"], "a": [1]})
    for ttl in (10**17, 2**63, 0):
        with pytest.raises(pr.ConfigurationError, match=f"got {ttl}"):
            pr.write_hashes(df, url, ttl=ttl)
        with pytest.raises(pr.ConfigurationError, match=f"got {ttl}"):
            pr.write_frame(df, url, "frame", ttl=ttl)
    assert r.dbsize() == 0
    assert pr.write_hashes(df, url, ttl=pr.writes.MAX_TTL_SECONDS) == 1  # the server takes the limit
    assert r.ttl("t:1") > 10**15


def test_fail_mode_writes_large_values(r: redis.Redis, url: str) -> None:
    elements = pl.DataFrame({"_key": ["big:list"] * 10_000, "element": [f"e{i}" for i in range(10_000)]})
    assert pr.write_list(elements, url, if_exists="fail", ttl=100) == 10_000
    fields = pl.DataFrame({"_key": ["big:hash"], **{f"f{i}": [i] for i in range(5_000)}})
    assert pr.write_hashes(fields, url, if_exists="fail") == 1
    assert r.lrange("big:list", 0, -1) == [f"e{i}".encode() for i in range(10_000)]
    assert 0 < r.ttl("big:list") <= 100
    assert r.hgetall("big:hash") == {f"f{i}".encode(): str(i).encode() for i in range(5_000)}


def test_json_merge_keeps_fields_under_nested_nulls(r: redis.Redis, url: str) -> None:
    r.json().set("doc", "$", {"s": {"a": 1, "b": 2}, "t": 1})
    df = pl.DataFrame({"_key": ["doc"], "s": [{"a": 5, "b": None}], "t": [None]},
                      schema={"_key": pl.String, "s": pl.Struct({"a": pl.Int64, "b": pl.Int64}), "t": pl.Int64})
    assert pr.write_json(df, url, if_exists="append") == 1
    assert r.json().get("doc") == {"s": {"a": 5, "b": 2}, "t": 1}


def test_json_numbers_read_back_exactly(r: redis.Redis, url: str) -> None:
    exact = pl.DataFrame({"_key": ["n:1"], "d": pl.Series([decimal.Decimal("12345.67")], dtype=pl.Decimal(10, 2)),
                          "f32": pl.Series([3.4028234663852886e38], dtype=pl.Float32),
                          "tiny": pl.Series([-1.1754943508222875e-38], dtype=pl.Float32),
                          "f64": [250.0 + 2**-44]})
    pr.write_json(exact, url)
    back = pr.read_json(url, "n:*", schema={"d": pl.Decimal(10, 2), "f32": pl.Float32, "tiny": pl.Float32,
                                            "f64": pl.Float64})
    assert back.equals(exact)


def test_a_failure_after_sending_names_exactly_the_committed_rows(r: redis.Redis, url: str) -> None:
    """Rows after the failed one were already in flight: they are read and counted too."""
    r.set("k:5", "a string")
    df = pl.DataFrame({"_key": [f"k:{i}" for i in range(10)], "a": list(range(10))})
    with pytest.raises(pr.ResponseError) as info:
        pr.write_hashes(df, url, if_exists="append")
    message = str(info.value)
    assert message.startswith("row 5: writing 'k:5' failed: WRONGTYPE"), message
    assert "9 row(s) were committed: rows 0-4 ('k:0' .. 'k:4'), rows 6-9 ('k:6' .. 'k:9')" in message
    assert info.value.committed_rows == 9
    assert [r.hget(f"k:{i}", "a") for i in range(10) if i != 5] == [str(i).encode() for i in range(10) if i != 5]


def test_a_sink_counts_the_rows_of_every_batch(r: redis.Redis, url: str) -> None:
    r.set("k:25", "a string")
    lf = pl.LazyFrame({"_key": [f"k:{i}" for i in range(30)], "a": list(range(30))})
    with pytest.raises(pr.ResponseError) as info:
        pr.sink_hashes(lf, url, if_exists="append", batch_size=10)
    message = str(info.value)
    assert message.startswith("row 25: writing 'k:25' failed"), message
    assert "29 row(s) were committed: rows 0-19 (earlier batches), rows 20-24" in message
    assert info.value.committed_rows == 29
    assert sum(r.type(f"k:{i}") == b"hash" for i in range(30)) == 29


def test_cli_import_names_the_files_row(r: redis.Redis, url: str, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "rows.parquet"
    keys = [None if i == 25 else f"c:{i}" for i in range(30)]
    pl.DataFrame({"_key": keys, "a": list(range(30))}, schema={"_key": pl.String, "a": pl.Int64}).write_parquet(path)
    assert main(["import", str(path), url, "--if-exists", "replace", "--chunk-size", "10"]) == 1
    error = capsys.readouterr().err
    assert "row 25" in error and "'_key' is null" in error, error
    assert r.dbsize() == 20  # the chunks before the bad one; the bad chunk was checked before it was sent


def test_frame_reads_see_one_version_under_concurrent_writes(r: redis.Redis, url: str) -> None:
    versions = [pl.DataFrame({"v": [i] * 2000, "s": [f"version {i}"] * 2000}) for i in range(2)]
    pr.write_frame(versions[0], url, "frame", chunk_size=512, compression="uncompressed")

    def rewrite(stop: threading.Event) -> None:
        i = 0
        while not stop.is_set() and i < 400:
            i += 1
            pr.write_frame(versions[i % 2], url, "frame", chunk_size=512 * (1 + i % 3), compression="uncompressed")

    with in_background(rewrite):
        for _ in range(60):
            frame = pr.read_frame(url, "frame")
            assert frame.equals(versions[0]) or frame.equals(versions[1])


def test_cluster_writes_check_the_whole_frame_first(cluster: LocalCluster, oracle: redis.RedisCluster) -> None:
    """The frame is split by node only after every row was checked: no node writes anything."""
    n = 300
    df = pl.DataFrame({"_key": [f"z:{i}" for i in range(n)], "member": ["m"] * n,
                       "score": [float("nan") if i == n - 1 else 1.0 for i in range(n)]})
    for mode in ("replace", "append", "fail"):
        with pytest.raises(pr.ConfigurationError, match=f"row {n - 1} \\(key 'z:{n - 1}'\\).*NaN"):
            pr.write_zset(df, cluster.url, if_exists=mode)
        assert sum(cluster.client(node.port).dbsize() for node in cluster.primaries) == 0


def test_cluster_sink_counts_the_rows_of_every_batch(cluster: LocalCluster, oracle: redis.RedisCluster) -> None:
    oracle.set("k:25", "a string")
    lf = pl.LazyFrame({"_key": [f"k:{i}" for i in range(30)], "a": list(range(30))})
    with pytest.raises(pr.ResponseError, match="earlier batches") as info:
        pr.sink_hashes(lf, cluster.url, if_exists="append", batch_size=10)
    assert str(info.value).startswith("row 25: ")  # numbered in the whole write, as on a single node
    assert info.value.committed_rows == 29
    assert sum(oracle.type(f"k:{i}") == b"hash" for i in range(30)) == 29


def test_collection_errors_name_the_frames_row(r: redis.Redis, url: str) -> None:
    """Rows are grouped by key before writing; an error still names the row of the frame."""
    keys = ["a", "b", "a", "b", "c", "b", "a", "b"]
    scores = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, float("nan")]
    df = pl.DataFrame({"_key": keys, "member": [f"m{i}" for i in range(8)], "score": scores})
    with pytest.raises(pr.ConfigurationError, match=r"^row 7 \(key 'b'\): column 'score': NaN"):
        pr.write_zset(df, url)
    members = pl.DataFrame({"_key": keys, "member": ["x", "y", None, "z", "w", "v", "u", "t"]})
    with pytest.raises(pr.ConfigurationError, match=r"^row 2 \(key 'a'\): column 'member': a null"):
        pr.write_set(members, url)
    assert r.dbsize() == 0
