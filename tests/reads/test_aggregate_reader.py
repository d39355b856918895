"""_core.aggregate: FT.AGGREGATE streamed through a cursor into typed columns, checked against
redis-py's own FT.AGGREGATE and against the loaded data."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import polars as pl
import pytest
import redis

import polars_redis as pr
from polars_redis import _core
from polars_redis.engine.dtypes import to_descriptor
from polars_redis.engine.native import drain
from conftest import load_hashes, wait_indexed

CITIES = ["paris", "oslo", "rome", "lima"]  # TAG values come back lowercased from GROUPBY


def collect(scan: Any) -> pl.DataFrame:
    """Every batch of a native scan as one frame (the first batch always carries the columns)."""
    return pl.concat(drain(scan))


def columns(**dtypes: Any) -> list[list[Any]]:
    return [[name, to_descriptor(name, dtype, nested=True)] for name, dtype in dtypes.items()]


def as_dict(reply: Any) -> dict[str, Any]:
    if isinstance(reply, list):
        reply = dict(zip(reply[::2], reply[1::2]))
    return {(k.decode() if isinstance(k, bytes) else k): v for k, v in reply.items()}


def open_cursors(r: redis.Redis, index: str) -> int:
    return int(as_dict(as_dict(r.execute_command("FT.INFO", index))["cursor_stats"])["index_total"])


def load_people(r: redis.Redis, n: int) -> dict[str, dict[str, str]]:
    rows = {f"p:{i}": {"name": f"n{i}", "city": CITIES[i % 4], "age": str(i % 90), "score": str(i * 0.25)}
            for i in range(n)}
    load_hashes(r, rows)
    r.execute_command("FT.CREATE", "idx:p", "ON", "HASH", "PREFIX", "1", "p:", "SCHEMA", "name", "TEXT",
                      "city", "TAG", "SORTABLE", "age", "NUMERIC", "SORTABLE", "score", "NUMERIC")
    wait_indexed(r, "idx:p")
    return rows


def oracle_rows(r: redis.Redis, index: str, query: str, *args: str) -> list[dict[str, Any]]:
    """redis-py's FT.AGGREGATE (no cursor): one dict of decoded attributes per row."""
    raw = r.execute_command("FT.AGGREGATE", index, query, *args)
    if isinstance(raw, dict):  # RESP3
        attribute_maps = [row[b"extra_attributes"] for row in raw[b"results"]]
    else:  # RESP2: [total, [name, value, ...], ...]
        attribute_maps = [dict(zip(row[::2], row[1::2])) for row in raw[1:]]
    return [{k.decode(): ([x.decode() for x in v] if isinstance(v, list) else v.decode()) for k, v in m.items()}
            for m in attribute_maps]


GROUP_ARGS = ["GROUPBY", "1", "@city", "REDUCE", "COUNT", "0", "AS", "n", "REDUCE", "SUM", "1", "@age", "AS", "total",
              "REDUCE", "AVG", "1", "@score", "AS", "mean", "REDUCE", "TOLIST", "1", "@name", "AS", "names",
              "SORTBY", "2", "@city", "ASC"]


def test_groupby_reducers_into_typed_columns(r: redis.Redis, url: str) -> None:
    rows = load_people(r, 400)
    plan = {"index": "idx:p", "query": "*", "args": GROUP_ARGS,
            "columns": columns(city=pl.String, n=pl.Int64, total=pl.Int64, mean=pl.Float64, names=pl.List(pl.String))}
    df = collect(_core.aggregate(url, plan))
    # Against redis-py's FT.AGGREGATE, converted by hand.
    expected = [{"city": o["city"], "n": int(o["n"]), "total": int(o["total"]), "mean": float(o["mean"]),
                 "names": sorted(o["names"])} for o in oracle_rows(r, "idx:p", "*", *GROUP_ARGS)]
    got = df.with_columns(pl.col("names").list.sort()).to_dicts()
    assert got == expected
    # And against the loaded data itself.
    by_city: dict[str, list[dict[str, str]]] = defaultdict(list)
    for v in rows.values():
        by_city[v["city"]].append(v)
    assert df["city"].to_list() == sorted(by_city)
    for row in got:
        members = by_city[row["city"]]
        assert row["n"] == len(members)
        assert row["total"] == sum(int(m["age"]) for m in members)
        assert row["mean"] == pytest.approx(sum(float(m["score"]) for m in members) / len(members))
        assert row["names"] == sorted(m["name"] for m in members)


def test_many_cursor_pages_and_small_batches(r: redis.Redis, url: str) -> None:
    rows = load_people(r, 500)
    args = ["GROUPBY", "1", "@age", "REDUCE", "COUNT", "0", "AS", "n"]
    plan = {"index": "idx:p", "query": "@city:{paris|rome}", "args": args, "count": 4, "batch_size": 7,
            "columns": columns(age=pl.Int32, n=pl.UInt32)}
    df = collect(_core.aggregate(url, plan))
    expected: dict[int, int] = defaultdict(int)
    for v in rows.values():
        if v["city"] in ("paris", "rome"):
            expected[int(v["age"])] += 1
    assert df.schema == pl.Schema({"age": pl.Int32, "n": pl.UInt32})
    assert dict(zip(df["age"], df["n"])) == expected
    assert df.height == len(expected) > 4 * 5


def test_sortby_over_more_rows_than_the_default_cap(r: redis.Redis, url: str) -> None:
    rows = load_people(r, 12_000)
    args = ["LOAD", "2", "@__key", "@score", "SORTBY", "4", "@age", "DESC", "@name", "ASC", "DIALECT", "2"]
    plan = {"index": "idx:p", "query": "*", "args": args, "count": 5000,
            "columns": columns(__key=pl.String, age=pl.Int64, score=pl.Float64)}
    df = collect(_core.aggregate(url, plan))
    expected = sorted(rows.items(), key=lambda kv: (-int(kv[1]["age"]), kv[1]["name"]))
    assert df.height == 12_000
    assert df["__key"].to_list() == [k for k, _ in expected]
    assert df["age"].to_list() == [int(v["age"]) for _, v in expected]
    assert df["score"].to_list() == [float(v["score"]) for _, v in expected]
    # SORTBY with LIMIT keeps the limit.
    limited = collect(_core.aggregate(url, {**plan, "args": [*args[:-2], "LIMIT", "0", "25", "DIALECT", "2"]}))
    assert limited["__key"].to_list() == [k for k, _ in expected[:25]]


def test_absent_attributes_are_null_and_parse_errors(r: redis.Redis, url: str) -> None:
    load_people(r, 5)
    r.hset("p:0", "extra", "not-a-number")
    args = ["LOAD", "3", "@__key", "@name", "@extra", "SORTBY", "2", "@__key", "ASC"]
    plan = {"index": "idx:p", "query": "*", "args": args,
            "columns": columns(__key=pl.String, extra=pl.String, nothing=pl.Int64)}
    df = collect(_core.aggregate(url, plan))
    assert df.to_dicts() == [{"__key": f"p:{i}", "extra": r.hget(f"p:{i}", "extra") and r.hget(f"p:{i}", "extra").decode(),
                              "nothing": None} for i in range(5)]
    bad = {**plan, "columns": columns(__key=pl.String, extra=pl.Int64)}
    with pytest.raises(pr.SchemaError, match=r"idx:p.*'extra'.*not-a-number.*Int64"):
        collect(_core.aggregate(url, bad))
    lenient = collect(_core.aggregate(url, {**bad, "ignore_errors": True}))
    assert lenient["extra"].to_list() == [None] * 5


def test_resp2_connection_gives_the_same_rows(r: redis.Redis, url: str) -> None:
    load_people(r, 200)
    plan = {"index": "idx:p", "query": "*", "args": GROUP_ARGS, "count": 2,
            "columns": columns(city=pl.String, n=pl.Int64, names=pl.List(pl.String))}
    resp3 = collect(_core.aggregate(url, plan))
    resp2 = collect(_core.aggregate(url + "?protocol=2", plan))
    assert resp2.to_dicts() == resp3.to_dicts()
    assert resp3.height == len(CITIES)


def test_empty_result_keeps_the_columns(r: redis.Redis, url: str) -> None:
    load_people(r, 5)
    plan = {"index": "idx:p", "query": "@age:[500 600]", "args": ["LOAD", "1", "@name"],
            "columns": columns(name=pl.String, age=pl.Int64)}
    df = collect(_core.aggregate(url, plan))
    assert df.height == 0
    assert df.schema == pl.Schema({"name": pl.String, "age": pl.Int64})


def test_errors_name_command_index_and_query(r: redis.Redis, url: str) -> None:
    load_people(r, 5)
    plan = {"index": "idx:p", "query": "@name:(", "args": [], "columns": columns(name=pl.String)}
    with pytest.raises(pr.ResponseError, match=r"FT\.AGGREGATE failed on index 'idx:p' \(query '@name:\('\)"):
        collect(_core.aggregate(url, plan))
    with pytest.raises(pr.ResponseError, match=r"FT\.AGGREGATE failed on index 'idx:missing'"):
        collect(_core.aggregate(url, {**plan, "index": "idx:missing", "query": "*"}))


def test_prefix_expansion_limit_is_an_error(r: redis.Redis, url: str) -> None:
    load_hashes(r, {f"w:{i}": {"f": f"ab{i}"} for i in range(250)})
    r.execute_command("FT.CREATE", "idx:w", "ON", "HASH", "PREFIX", "1", "w:", "SCHEMA", "f", "TEXT")
    wait_indexed(r, "idx:w")
    plan = {"index": "idx:w", "query": "@f:$p*", "args": ["PARAMS", "2", "p", "ab", "LOAD", "1", "@f", "DIALECT", "2"],
            "columns": columns(f=pl.String)}
    with pytest.raises(pr.ResponseError, match=r"idx:w.*[Mm]ax prefix expansion"):
        collect(_core.aggregate(url, {**plan, "query": "@f:ab*"}))
    within = collect(_core.aggregate(url, {**plan, "query": "@f:ab2*"}))
    assert sorted(within["f"]) == sorted(f"ab{i}" for i in range(250) if str(i).startswith("2"))


def test_closing_early_deletes_the_cursor(r: redis.Redis, url: str) -> None:
    load_people(r, 1000)
    plan = {"index": "idx:p", "query": "*", "args": ["LOAD", "1", "@name"], "count": 10, "batch_size": 10,
            "columns": columns(name=pl.String)}
    scan = _core.aggregate(url, plan)
    assert pl.DataFrame(scan.next_batch()).height == 10
    scan.close()
    assert open_cursors(r, "idx:p") == 0


@pytest.mark.parametrize("stop_after", [1, 4])
def test_closing_during_a_cursor_read_deletes_the_cursor(r: redis.Redis, url: str, stop_after: int) -> None:
    # Stopped while the server holds the next cursor read (CLIENT PAUSE): the cursor is still deleted.
    load_people(r, 1000)
    plan = {"index": "idx:p", "query": "*", "args": ["LOAD", "1", "@name"], "count": 10, "batch_size": 10,
            "columns": columns(name=pl.String)}
    scan = _core.aggregate(url, plan)
    for _ in range(stop_after):
        assert pl.DataFrame(scan.next_batch()).height == 10
    r.execute_command("CLIENT", "PAUSE", "300", "ALL")
    scan.close()
    assert open_cursors(r, "idx:p") == 0
