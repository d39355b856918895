"""scan_hashes / read_hashes against a real Redis Stack, checked with redis-py."""

from __future__ import annotations

import threading

import polars as pl
import pytest
import redis
from polars.testing import assert_frame_equal

import polars_redis as pr
from background import deleting, in_background
from conftest import command_calls, load_hashes

SCHEMA = {"name": pl.String, "age": pl.Int64, "city": pl.String}


def _people(n: int) -> dict[str, dict[str, str]]:
    return {
        f"person:{i}": {"name": f"name-{i}", "age": str(20 + i % 50), "city": ["Paris", "Oslo", "Rome"][i % 3]}
        for i in range(n)
    }


def _oracle(r: redis.Redis, pattern: str, fields: list[str]) -> pl.DataFrame:
    """What the frame must contain, read with redis-py alone."""
    rows = []
    for key in r.scan_iter(match=pattern, count=1000, _type="HASH"):
        values = r.hmget(key, fields)
        rows.append({"_key": key.decode(), **{f: (v.decode() if v is not None else None) for f, v in zip(fields, values)}})
    frame = pl.DataFrame(rows, schema={"_key": pl.String, **{f: pl.String for f in fields}}, orient="row")
    return frame.sort("_key")


def test_read_matches_redis_py(r: redis.Redis, url: str) -> None:
    load_hashes(r, _people(500))
    df = pr.read_hashes(url, "person:*", SCHEMA).sort("_key")
    expected = _oracle(r, "person:*", ["name", "age", "city"]).with_columns(pl.col("age").cast(pl.Int64))
    assert df.columns == ["_key", "name", "age", "city"]
    assert_frame_equal(df, expected)


def test_missing_fields_are_null(r: redis.Redis, url: str) -> None:
    load_hashes(r, {"h:1": {"name": "a", "age": "1"}, "h:2": {"name": "b"}, "h:3": {"other": "x"}})
    df = pr.read_hashes(url, "h:*", SCHEMA).sort("_key")
    assert df.to_dicts() == [
        {"_key": "h:1", "name": "a", "age": 1, "city": None},
        {"_key": "h:2", "name": "b", "age": None, "city": None},
        {"_key": "h:3", "name": None, "age": None, "city": None},
    ]
    # Same through HMGET (projection): a hash lacking every projected field still is a row.
    projected = pr.scan_hashes(url, "h:*", SCHEMA).select("_key", "city").collect().sort("_key")
    assert projected["_key"].to_list() == ["h:1", "h:2", "h:3"]
    assert projected["city"].null_count() == 3


def test_other_types_matching_the_pattern_are_skipped(r: redis.Redis, url: str) -> None:
    load_hashes(r, _people(10))
    r.set("person:string", "x")
    r.rpush("person:list", "a")
    r.sadd("person:set", "a")
    r.json().set("person:json", "$", {"name": "j"})
    df = pr.read_hashes(url, "person:*", SCHEMA)
    assert sorted(df["_key"]) == sorted(f"person:{i}" for i in range(10))


def test_pattern_selects_keys(r: redis.Redis, url: str) -> None:
    load_hashes(r, _people(30))
    load_hashes(r, {"other:1": {"name": "z"}})
    df = pr.read_hashes(url, "person:1*", SCHEMA)
    assert sorted(df["_key"]) == sorted(k for k in _people(30) if k.startswith("person:1"))


def test_empty_match_gives_empty_frame_with_schema(r: redis.Redis, url: str) -> None:
    df = pr.read_hashes(url, "nothing:*", SCHEMA, include_ttl=True, include_row_index=True)
    assert df.height == 0
    assert df.schema == pl.Schema(
        {"_index": pl.UInt32, "_key": pl.String, "name": pl.String, "age": pl.Int64, "city": pl.String, "_ttl": pl.Int64}
    )


def test_ttl_column(r: redis.Redis, url: str) -> None:
    load_hashes(r, _people(20))
    for i in range(0, 20, 2):
        r.expire(f"person:{i}", 1000 + i)
    df = pr.read_hashes(url, "person:*", SCHEMA, include_ttl=True)
    for key, ttl in zip(df["_key"], df["_ttl"]):
        oracle = r.ttl(key)
        assert oracle - 2 <= ttl <= oracle  # TTL only decreases between our read and the oracle's
    assert (df.filter(pl.col("_key") == "person:3")["_ttl"] == -1).all()


def test_ttl_only_projection(r: redis.Redis, url: str) -> None:
    load_hashes(r, _people(5))
    r.expire("person:1", 500)
    df = pr.scan_hashes(url, "person:*", SCHEMA, include_ttl=True).select("_key", "_ttl").collect().sort("_key")
    assert df["_ttl"].to_list() == [-1, r.ttl("person:1"), -1, -1, -1]
    assert command_calls(r, "hmget") == 0 and command_calls(r, "hgetall") == 0


def test_row_index_and_key_options(r: redis.Redis, url: str) -> None:
    load_hashes(r, _people(25))
    df = pr.read_hashes(
        url, "person:*", SCHEMA, include_key=False, include_row_index=True,
        row_index_column_name="n", row_index_offset=100,
    )
    assert df.columns == ["n", "name", "age", "city"]
    assert sorted(df["n"].to_list()) == list(range(100, 125))
    renamed = pr.read_hashes(url, "person:*", SCHEMA, key_column_name="redis_key")
    assert sorted(renamed["redis_key"]) == sorted(_people(25))


def test_column_name_collision_is_rejected(url: str) -> None:
    with pytest.raises(pr.ConfigurationError, match="_key"):
        pr.scan_hashes(url, "x:*", {"_key": pl.String})


@pytest.mark.parametrize(("batch_size", "count_hint"), [(1, 1), (7, 3), (1000, 100), (100_000, 5000)])
def test_batching_does_not_change_results(r: redis.Redis, url: str, batch_size: int, count_hint: int) -> None:
    load_hashes(r, _people(300))
    df = pr.read_hashes(url, "person:*", SCHEMA, batch_size=batch_size, count_hint=count_hint).sort("_key")
    expected = _oracle(r, "person:*", ["name", "age", "city"]).with_columns(pl.col("age").cast(pl.Int64))
    assert_frame_equal(df, expected)


def test_projection_uses_hmget_of_the_selected_fields(r: redis.Redis, url: str) -> None:
    load_hashes(r, _people(200))
    r.config_resetstat()
    df = pr.scan_hashes(url, "person:*", SCHEMA).select("name", "age").collect()
    assert df.columns == ["name", "age"] and df.height == 200
    assert command_calls(r, "hmget") == 200
    assert command_calls(r, "hgetall") == 0
    r.config_resetstat()
    pr.scan_hashes(url, "person:*", SCHEMA).collect()
    assert command_calls(r, "hgetall") == 200 and command_calls(r, "hmget") == 0


def test_key_only_projection_fetches_nothing(r: redis.Redis, url: str) -> None:
    load_hashes(r, _people(100))
    r.config_resetstat()
    keys = pr.scan_hashes(url, "person:*", SCHEMA).select("_key").collect()
    assert sorted(keys["_key"]) == sorted(_people(100))
    assert command_calls(r, "hmget") + command_calls(r, "hgetall") + command_calls(r, "ttl") == 0


def test_count_rows(r: redis.Redis, url: str) -> None:
    load_hashes(r, _people(123))
    assert pr.scan_hashes(url, "person:*", SCHEMA).select(pl.len()).collect().item() == 123


def test_head_fetches_about_n_hashes(r: redis.Redis, url: str) -> None:
    load_hashes(r, _people(5000))
    r.config_resetstat()
    df = pr.scan_hashes(url, "person:*", SCHEMA).head(10).collect()
    assert df.height == 10
    fetched = command_calls(r, "hgetall") + command_calls(r, "hmget")
    assert 10 <= fetched <= 12
    assert command_calls(r, "scan") <= 2


def test_filter_matches_client_side_filter(r: redis.Redis, url: str) -> None:
    load_hashes(r, _people(400))
    lf = pr.scan_hashes(url, "person:*", SCHEMA)
    predicate = (pl.col("age") > 40) & (pl.col("city") != "Rome")
    got = lf.filter(predicate).select("_key", "age").collect().sort("_key")
    expected = lf.collect().filter(predicate).select("_key", "age").sort("_key")
    assert got.height > 0
    assert_frame_equal(got, expected)
    # A filter on a column that is not selected, plus head(): the limit applies after filtering.
    some = lf.filter(pl.col("city") == "Oslo").select("name").head(7).collect()
    assert some.height == 7
    oslo = set(lf.filter(pl.col("city") == "Oslo").collect()["name"])
    assert set(some["name"]) <= oslo


def test_collect_twice_and_engines(r: redis.Redis, url: str) -> None:
    load_hashes(r, _people(250))
    lf = pr.scan_hashes(url, "person:*", SCHEMA, batch_size=64)
    first = lf.collect().sort("_key")
    assert_frame_equal(lf.collect().sort("_key"), first)
    assert_frame_equal(lf.collect(engine="streaming").sort("_key"), first)
    assert_frame_equal(lf.collect(engine="in-memory").sort("_key"), first)
    if hasattr(lf, "collect_batches"):
        batches = list(lf.collect_batches())
        assert_frame_equal(pl.concat(batches).sort("_key"), first)


def test_lazy_schema_inference(r: redis.Redis, url: str) -> None:
    load_hashes(r, _people(50))
    lf = pr.scan_hashes(url, "person:*")
    assert lf.collect_schema() == pl.Schema({"_key": pl.String, "name": pl.String, "age": pl.Int64, "city": pl.String})
    assert lf.collect().height == 50


def test_large_value(r: redis.Redis, url: str) -> None:
    big = "x" * (8 * 1024 * 1024)
    r.hset("big:1", mapping={"name": big, "age": "1"})
    df = pr.read_hashes(url, "big:*", SCHEMA)
    assert df["name"][0] == big


def test_keys_deleted_during_scan_never_become_rows(r: redis.Redis, url: str) -> None:
    people = _people(20_000)
    load_hashes(r, people)
    with in_background(deleting(url, "person:", 20_000)):
        projected = pr.scan_hashes(url, "person:*", SCHEMA).select("_key", "name", "age").collect()
    # Every row is a real hash: its values are the ones it was written with, never a row of nulls.
    assert projected["name"].null_count() == 0
    for key, name in zip(projected["_key"], projected["name"]):
        assert people[key]["name"] == name


def test_keys_added_during_scan_are_not_duplicated(r: redis.Redis, url: str) -> None:
    load_hashes(r, _people(20_000))

    def add_keys(stop: threading.Event) -> None:
        writer = redis.Redis.from_url(url)
        pipe = writer.pipeline(transaction=False)
        for i in range(40_000):  # growing the keyspace makes the server rehash during the SCAN
            pipe.hset(f"new:{i}", "name", "n")
            if i % 1000 == 999:
                pipe.execute()
                if stop.is_set():
                    break
        pipe.execute()

    with in_background(add_keys):
        df = pr.scan_hashes(url, "*", SCHEMA, count_hint=10).select("_key").collect()
    assert df["_key"].n_unique() == df.height
    assert set(_people(20_000)) <= set(df["_key"])  # keys present for the whole scan are all there


def test_gil_is_released_while_scanning(r: redis.Redis, url: str) -> None:
    from polars_redis import _core

    load_hashes(r, _people(20_000))
    progress = [0]
    running = threading.Event()
    done = threading.Event()

    def spin() -> None:
        running.set()
        while not done.is_set():
            progress[0] += 1

    spinner = threading.Thread(target=spin)
    spinner.start()
    running.wait()
    scan = _core.scan_hashes(url, {"pattern": "person:*", "fields": [("name", {"id": "string"})], "batch_size": 10**9})
    before = progress[0]
    batch = scan.next_batch()  # one call that runs the whole scan in C++
    during = progress[0] - before
    done.set()
    spinner.join()
    scan.close()
    assert batch.num_rows == 20_000
    assert during > 0  # the other Python thread ran while the scan held no GIL


def test_sort_then_head_is_the_true_top_k(r: redis.Redis, url: str) -> None:
    """Polars turns sort().head() into a top-k, and some versions push a dynamic predicate for it
    into IO sources: the result must still be the true top k."""
    load_hashes(r, _people(1000))
    lf = pr.scan_hashes(url, "person:*", SCHEMA)
    top = lf.sort("age", "_key", descending=True).head(5).collect()
    expected = _oracle(r, "person:*", ["name", "age", "city"]).with_columns(pl.col("age").cast(pl.Int64))
    expected = expected.sort("age", "_key", descending=True).head(5)
    assert_frame_equal(top, expected.select(top.columns))
    filtered = lf.filter(pl.col("city") == "Rome").sort("age").head(3).collect()
    rome_ages = _oracle(r, "person:*", ["age", "city"]).filter(pl.col("city") == "Rome")["age"].cast(pl.Int64)
    assert filtered["age"].to_list() == sorted(rome_ages.to_list())[:3]
