"""The explicit RediSearch API: create_index, infer_schema_from_index, search_hashes / search_json
(sorting, limits, params, KNN, filters pushed into the query) and aggregate, checked with redis-py."""

from __future__ import annotations

import struct

import polars as pl
import pytest
import redis

import polars_redis as pr
from conftest import command_calls, load_hashes, wait_indexed

CITIES = ["Oslo", "Paris", "Rome", "Lima"]


def _wait(r: redis.Redis, index: str) -> None:
    wait_indexed(r, index)


@pytest.fixture()
def users(r: redis.Redis, url: str) -> dict[str, dict[str, str]]:
    rows = {f"user:{i}": {"name": f"User {i}", "age": str(18 + i % 50), "city": CITIES[i % 4],
                          "score": repr(i * 1.5)} for i in range(500)}
    load_hashes(r, rows)
    pr.create_index(url, "idx:users", {"name": pl.String, "age": pl.Int64, "city": pl.String, "score": pl.Float64},
                    "user:", text=["name"], sortable=["age"])
    _wait(r, "idx:users")
    return rows


def test_create_index_from_a_polars_schema(r: redis.Redis, users: dict) -> None:
    info = r.ft("idx:users").info()

    def text(value: object) -> str:
        return value.decode() if isinstance(value, bytes) else str(value)

    types = {}
    for attribute in info["attributes"]:  # RESP2: flat lists; RESP3: maps
        entries = attribute if isinstance(attribute, dict) else dict(zip(attribute[::2], attribute[1::2]))
        entries = {text(k): v for k, v in entries.items()}
        types[text(entries["attribute"])] = text(entries["type"])
    assert types == {"name": "TEXT", "age": "NUMERIC", "city": "TAG", "score": "NUMERIC"}
    assert int(info["num_docs"]) == 500


def test_create_index_if_exists(url: str, users: dict) -> None:
    with pytest.raises(pr.ResponseError, match="idx:users"):
        pr.create_index(url, "idx:users", {"age": pl.Int64}, "user:")
    pr.create_index(url, "idx:users", {"age": pl.Int64}, "user:", if_exists="skip")
    assert pr.infer_schema_from_index(url, "idx:users")["city"] == pl.String  # untouched
    pr.create_index(url, "idx:users", {"age": pl.Int64}, "user:", if_exists="replace")
    assert pr.infer_schema_from_index(url, "idx:users") == {"age": pl.Float64}


def test_infer_schema_from_index(url: str, users: dict) -> None:
    assert pr.infer_schema_from_index(url, "idx:users") == {
        "name": pl.String, "age": pl.Float64, "city": pl.String, "score": pl.Float64}


def test_search_hashes_raw_query(url: str, r: redis.Redis, users: dict) -> None:
    df = pr.search_hashes(url, "idx:users", "@city:{Oslo} @age:[20 30]",
                          {"name": pl.String, "age": pl.Int64}).collect().sort("_key")
    expected = sorted(k for k, u in users.items() if u["city"] == "Oslo" and 20 <= int(u["age"]) <= 30)
    assert df["_key"].to_list() == expected
    assert df["age"].to_list() == [int(users[k]["age"]) for k in expected]


def test_search_hashes_more_than_ten_thousand_results(url: str, r: redis.Redis) -> None:
    load_hashes(r, {f"big:{i}": {"v": str(i)} for i in range(12_000)})
    r.execute_command("FT.CREATE", "idx:big", "ON", "HASH", "PREFIX", "1", "big:", "SCHEMA", "v", "NUMERIC")
    _wait(r, "idx:big")
    df = pr.search_hashes(url, "idx:big", "*", {"v": pl.Int64}).collect()
    assert df.height == 12_000
    assert sorted(df["v"].to_list()) == list(range(12_000))


def test_search_hashes_sort_and_limit(url: str, users: dict) -> None:
    df = pr.search_hashes(url, "idx:users", "@city:{Paris}", {"age": pl.Int64, "score": pl.Float64},
                          sort_by=[("age", True), "score"], limit=25).collect()
    expected = sorted(((-int(u["age"]), float(u["score"]), k) for k, u in users.items() if u["city"] == "Paris"))[:25]
    assert df["_key"].to_list() == [k for _, _, k in expected]


def test_search_hashes_schema_from_the_index(url: str, users: dict) -> None:
    df = pr.search_hashes(url, "idx:users", "@name:user @city:{Rome}").collect()
    assert set(df.columns) == {"_key", "name", "age", "city", "score"}
    assert df.schema["age"] == pl.Float64
    assert set(df["city"]) == {"Rome"}


def test_search_hashes_with_params(url: str, users: dict) -> None:
    df = pr.search_hashes(url, "idx:users", "@age:[$lo $hi]", {"age": pl.Int64}, params={"lo": 60, "hi": 62}).collect()
    assert sorted(df["_key"]) == sorted(k for k, u in users.items() if 60 <= int(u["age"]) <= 62)


def test_search_hashes_filter_is_pushed_into_the_query(url: str, r: redis.Redis, users: dict) -> None:
    lf = pr.search_hashes(url, "idx:users", "@city:{Lima}", {"age": pl.Int64, "city": pl.String}).filter(
        pl.col("age") > 60)
    assert "(@city:{Lima}) @age:[(60 +inf]" in pr.explain(lf)
    r.config_resetstat()
    df = lf.collect()
    expected = sorted(k for k, u in users.items() if u["city"] == "Lima" and int(u["age"]) > 60)
    assert sorted(df["_key"]) == expected
    assert command_calls(r, "HMGET") + command_calls(r, "HGETALL") == len(expected)


def test_search_bad_query_names_the_index(url: str, users: dict) -> None:
    with pytest.raises(pr.ResponseError, match="FT.AGGREGATE.*idx:users.*oops"):
        pr.read_search_hashes(url, "idx:users", "@age:[oops", {"age": pl.Int64})


def test_search_json(url: str, r: redis.Redis) -> None:
    docs = {f"doc:{i}": {"title": f"t{i}", "meta": {"price": i * 2.5, "tags": ["a", "b"] if i % 2 else ["c"]}}
            for i in range(40)}
    for key, doc in docs.items():
        r.json().set(key, "$", doc)
    pr.create_index(url, "idx:docs", {"title": pl.String, "price": pl.Float64, "tags": pl.List(pl.String)}, "doc:",
                    on="json", paths={"price": "$.meta.price", "tags": "$.meta.tags"})
    _wait(r, "idx:docs")
    df = pr.search_json(url, "idx:docs", "@tags:{a} @price:[10 40]", sort_by="price").collect()
    expected = sorted((d["meta"]["price"], k) for k, d in docs.items() if "a" in d["meta"]["tags"]
                      and 10 <= d["meta"]["price"] <= 40)
    assert df["_key"].to_list() == [k for _, k in expected]
    assert df["price"].to_list() == [p for p, _ in expected]
    assert df.schema["tags"] == pl.List(pl.String)


def test_knn_search(url: str, r: redis.Redis) -> None:
    vectors = {f"vec:{i}": [float(i), float(i % 5), 1.0, 0.5] for i in range(30)}
    for key, vector in vectors.items():
        r.hset(key, mapping={"embedding": struct.pack("<4f", *vector), "label": "l" + key[4:]})
    pr.create_index(url, "idx:vec", {"label": pl.String}, "vec:",
                    vectors={"embedding": {"dim": 4, "distance": "L2", "algorithm": "FLAT"}})
    _wait(r, "idx:vec")
    query = [7.2, 2.0, 1.0, 0.5]
    df = pr.search_hashes(url, "idx:vec", schema={"label": pl.String}, knn=("embedding", query, 5)).collect()
    distances = sorted((sum((a - b) ** 2 for a, b in zip(v, query)), k) for k, v in vectors.items())[:5]
    assert df["_key"].to_list() == [k for _, k in distances]
    assert df["_distance"].to_list() == pytest.approx([d for d, _ in distances], rel=1e-5)
    filtered = pr.search_hashes(url, "idx:vec", "@label:{l1*}", {"label": pl.String},
                                knn=("embedding", query, 3)).collect()
    assert all(label.startswith("l1") for label in filtered["label"])


def test_aggregate_group_by_and_reduce(url: str, r: redis.Redis, users: dict) -> None:
    df = pr.aggregate(url, "idx:users", "@age:[30 +inf]", group_by=["city"],
                      reduce={"n": ("count",), "total": ("sum", "score"), "oldest": ("max", "age")},
                      sort_by="city")
    assert df.schema == pl.Schema({"city": pl.String, "n": pl.Int64, "total": pl.Float64, "oldest": pl.Float64})
    expected = (pl.DataFrame([{"city": u["city"], "score": float(u["score"]), "age": int(u["age"])}
                              for u in users.values() if int(u["age"]) >= 30])
                .group_by("city").agg(n=pl.len().cast(pl.Int64), total=pl.col("score").sum(),
                                      oldest=pl.col("age").max().cast(pl.Float64)).sort("city"))
    assert df["city"].to_list() == expected["city"].to_list()
    assert df["n"].to_list() == expected["n"].to_list()
    assert df["total"].to_list() == pytest.approx(expected["total"].to_list())
    assert df["oldest"].to_list() == expected["oldest"].to_list()


def test_aggregate_rejects_unknown_reducers(url: str, users: dict) -> None:
    with pytest.raises(pr.ConfigurationError, match="MEDIAN"):
        pr.aggregate(url, "idx:users", group_by=["city"], reduce={"m": ("median", "age")})


def test_head_becomes_a_server_limit(url: str, users: dict) -> None:
    lf = pr.search_hashes(url, "idx:users", "@city:{Oslo}", {"age": pl.Int64}, sort_by=("age", True))
    assert "LIMIT 0 3" in pr.explain(lf.head(3))
    df = lf.head(3).collect()
    expected = sorted(((-int(u["age"]), k) for k, u in users.items() if u["city"] == "Oslo"))[:3]
    assert df["age"].to_list() == [-a for a, _ in expected]
