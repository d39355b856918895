"""scan_json / read_json / infer_json_schema against a real Redis Stack (RedisJSON).

Documents are loaded with redis-py's r.json().set; expected frames are built from the same Python
objects (or read back with redis-py), never from our own output.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
from typing import Any

import polars as pl
import pytest
import redis
from polars.testing import assert_frame_equal

import polars_redis as pr
from background import deleting, in_background
from conftest import command_calls

FLAT = {"name": pl.String, "age": pl.Int64, "score": pl.Float64, "active": pl.Boolean}

ADDRESS = pl.Struct({"city": pl.String, "zip": pl.String, "geo": pl.Struct({"lat": pl.Float64, "lon": pl.Float64})})
ORDER = pl.Struct({"sku": pl.String, "qty": pl.Int64, "price": pl.Float64})
NESTED = {
    "name": pl.String,
    "address": ADDRESS,
    "tags": pl.List(pl.String),
    "orders": pl.List(ORDER),
    "matrix": pl.List(pl.List(pl.Int64)),
}


def _load(r: redis.Redis, docs: dict[str, Any]) -> None:
    pipe = r.pipeline(transaction=False)
    for i, (key, doc) in enumerate(docs.items()):
        pipe.json().set(key, "$", doc)
        if i % 2000 == 1999:
            pipe.execute()
    pipe.execute()


def _flat_docs(n: int) -> dict[str, dict[str, Any]]:
    return {
        f"doc:{i}": {"name": f"name-{i}", "age": 20 + i % 50, "score": i / 4, "active": i % 3 == 0}
        for i in range(n)
    }


def _nested_docs(n: int) -> dict[str, dict[str, Any]]:
    docs = {}
    for i in range(n):
        docs[f"user:{i}"] = {
            "name": f"user {i} é",
            "address": {"city": ["Oslo", "Rome", "Lima"][i % 3], "zip": f"{i:05d}",
                        "geo": {"lat": i / 10, "lon": -i / 7}},
            "tags": [f"t{j}" for j in range(i % 4)],
            "orders": [{"sku": f"s{i}-{j}", "qty": j + 1, "price": (j + 1) * 2.5} for j in range(i % 3)],
            "matrix": [[i, i + 1], [], [i * 2]],
        }
    return docs


def _expected(docs: dict[str, dict[str, Any]], schema: dict[str, Any], key: str = "_key") -> pl.DataFrame:
    """The frame the documents must give, built by Polars from the same Python objects."""
    rows = [{key: k, **{name: doc.get(name) for name in schema}} for k, doc in docs.items()]
    return pl.DataFrame(rows, schema={key: pl.String, **schema}, orient="row").sort(key)


def test_flat_documents_match_the_loaded_objects(r: redis.Redis, url: str) -> None:
    docs = _flat_docs(500)
    _load(r, docs)
    df = pr.read_json(url, "doc:*", FLAT).sort("_key")
    assert df.columns == ["_key", "name", "age", "score", "active"]
    assert_frame_equal(df, _expected(docs, FLAT))


def test_nested_structs_and_lists(r: redis.Redis, url: str) -> None:
    docs = _nested_docs(300)
    _load(r, docs)
    df = pr.read_json(url, "user:*", NESTED).sort("_key")
    assert df.schema == pl.Schema({"_key": pl.String, **NESTED})
    assert_frame_equal(df, _expected(docs, NESTED))
    # The same documents as redis-py reads them back.
    oracle = {key: r.json().get(key) for key in docs}
    assert_frame_equal(df, _expected(oracle, NESTED))


def test_missing_fields_and_paths_are_null(r: redis.Redis, url: str) -> None:
    docs = {
        "m:1": {"name": "full", "address": {"city": "Oslo", "zip": "1", "geo": {"lat": 1.0, "lon": 2.0}}},
        "m:2": {"name": "no address"},
        "m:3": {"address": {"city": "Rome"}},  # partial struct
        "m:4": {"unrelated": [1, 2]},
        "m:5": {"name": None, "address": None, "tags": None},
    }
    _load(r, docs)
    schema = {"name": pl.String, "address": ADDRESS, "tags": pl.List(pl.String)}
    df = pr.read_json(url, "m:*", schema).sort("_key")
    assert_frame_equal(df, _expected(docs, schema))
    assert df.filter(pl.col("_key") == "m:3")["address"].to_list() == [{"city": "Rome", "zip": None, "geo": None}]
    # Through explicit paths (path-keyed replies) too.
    paths = {"city": "$.address.city", "lat": "$.address.geo.lat"}
    projected = pr.scan_json(url, "m:*", {"city": pl.String, "lat": pl.Float64}, paths=paths).collect().sort("_key")
    assert projected["city"].to_list() == ["Oslo", None, "Rome", None, None]
    assert projected["lat"].to_list() == [1.0, None, None, None, None]


def test_paths_map_columns_to_nested_values(r: redis.Redis, url: str) -> None:
    docs = _nested_docs(60)
    _load(r, docs)
    schema = {"name": pl.String, "city": pl.String, "lon": pl.Float64, "first_tag": pl.String,
              "first_order": ORDER, "skus": pl.List(pl.String), "any_sku": pl.String}
    paths = {"city": "$.address.city", "lon": "$.address.geo.lon", "first_tag": "$.tags[0]",
             "first_order": "$.orders[0]", "skus": "$.orders[*].sku", "any_sku": "$..sku"}
    df = pr.read_json(url, "user:*", schema, paths=paths).sort("_key")
    expected = pl.DataFrame(
        [
            {
                "_key": key,
                "name": doc["name"],
                "city": doc["address"]["city"],
                "lon": doc["address"]["geo"]["lon"],
                "first_tag": doc["tags"][0] if doc["tags"] else None,
                "first_order": doc["orders"][0] if doc["orders"] else None,
                # A List column over a path that may match several values gets every match;
                "skus": [order["sku"] for order in doc["orders"]],
                # any other column the first match.
                "any_sku": doc["orders"][0]["sku"] if doc["orders"] else None,
            }
            for key, doc in docs.items()
        ],
        schema={"_key": pl.String, **schema},
    ).sort("_key")
    assert_frame_equal(df, expected)


def test_paths_validation(url: str) -> None:
    with pytest.raises(pr.ConfigurationError, match=r"\$"):
        pr.scan_json(url, "x:*", {"a": pl.Int64}, paths={"a": "a.b"})
    with pytest.raises(pr.ConfigurationError, match="both select"):
        pr.scan_json(url, "x:*", {"a": pl.Int64, "b": pl.Int64}, paths={"a": "$.x", "b": "$.x"})
    with pytest.raises(pr.ConfigurationError, match="not in the schema"):
        pr.scan_json(url, "x:*", {"a": pl.Int64}, paths={"b": "$.x"})
    with pytest.raises(pr.ConfigurationError, match="List, Struct"):
        pr.scan_json(url, "x:*", {"a": pl.Array(pl.Int64, 2)})


def test_single_projected_field(r: redis.Redis, url: str) -> None:
    docs = _flat_docs(100)
    _load(r, docs)
    df = pr.scan_json(url, "doc:*", FLAT).select("age").collect()
    assert sorted(df["age"].to_list()) == sorted(doc["age"] for doc in docs.values())
    nested = _nested_docs(30)
    _load(r, nested)
    only_city = pr.scan_json(url, "user:*", {"city": pl.String}, paths={"city": "$.address.city"}).collect()
    assert sorted(only_city["city"].to_list()) == sorted(doc["address"]["city"] for doc in nested.values())
    only_struct = pr.scan_json(url, "user:*", NESTED).select("_key", "address").collect().sort("_key")
    assert_frame_equal(only_struct, _expected(nested, {"address": ADDRESS}))


def test_projection_sends_one_path_per_needed_column(r: redis.Redis, url: str, slowlog) -> None:
    docs = _nested_docs(20)
    _load(r, docs)
    r.config_resetstat()
    r.slowlog_reset()
    lf = pr.scan_json(url, "user:*", NESTED)
    lf.select("name", "tags").collect()  # several paths: one path-keyed JSON.GET per document
    gets = slowlog("JSON.GET")
    assert len(gets) == 20 and command_calls(r, "json.get") == 20
    assert all(args.split(" ")[2:] == ["$.name", "$.tags"] for args in gets), gets[:3]
    assert sorted(args.split(" ")[1] for args in gets) == sorted(docs)

    # One path (a single column, or the whole document): JSON.MGET of many keys and that path.
    for select, path in [(["address"], "$.address"), (list(NESTED), "$")]:
        r.slowlog_reset()
        r.config_resetstat()
        lf.select(select).collect()
        mgets = slowlog("JSON.MGET")
        assert command_calls(r, "json.get") == 0 and 1 <= len(mgets) <= 2
        fetched = [key for args in mgets for key in args.split(" ")[1:-1]]
        assert sorted(fetched) == sorted(docs)
        assert all(args.split(" ")[-1] == path for args in mgets)

    r.slowlog_reset()
    lf.select("_key").collect()  # nothing to fetch
    assert slowlog("JSON.GET") == [] and slowlog("JSON.MGET") == []


def test_field_names_that_need_quoting(r: redis.Redis, url: str, slowlog) -> None:
    doc = {"a b": 1, "d.t": 2, 'q"x': 3, "b\\s": 4, "plain": 5, "a": {"b": 99}}
    r.json().set("q:1", "$", doc)
    schema = {name: pl.Int64 for name in ["a b", "d.t", 'q"x', "b\\s", "plain"]}
    assert pr.read_json(url, "q:*", schema).row(0) == ("q:1", 1, 2, 3, 4, 5)
    r.slowlog_reset()
    # Projected: each name is its own bracketed path, and "d.t" is not the path a -> b.
    got = pr.scan_json(url, "q:*", schema).select("a b", "d.t", 'q"x', "b\\s").collect()
    assert got.row(0) == (1, 2, 3, 4)
    (args,) = slowlog("JSON.GET")
    assert '$["a b"]' in args and '$["d.t"]' in args


def test_head_fetches_about_n_documents(r: redis.Redis, url: str, slowlog) -> None:
    _load(r, _flat_docs(3000))
    r.slowlog_reset()
    df = pr.scan_json(url, "doc:*", FLAT).head(10).collect()
    assert df.height == 10
    fetched = [key for args in slowlog("JSON.MGET") for key in args.split(" ")[1:-1]]
    assert 10 <= len(fetched) <= 12
    for row in df.iter_rows(named=True):
        assert r.json().get(row["_key"], "$.name") == [row["name"]]
    r.config_resetstat()
    assert pr.scan_json(url, "doc:*", FLAT).select("name", "age").head(7).collect().height == 7
    assert 7 <= command_calls(r, "json.get") <= 9


def test_every_scalar_dtype(r: redis.Redis, url: str) -> None:
    docs = {
        "s:1": {"i8": -128, "i16": 32767, "i32": -5, "i64": 9223372036854775807, "u8": 255, "u16": 0,
                "u32": 4294967295, "u64": 18446744073709551615, "f32": 1.5, "f64": -2.25, "dec": 0.1,
                "flag": True, "text": "héllo", "day": "2024-02-29", "ts_iso": "2024-02-29T12:30:00.123456+01:00",
                "ts_epoch": 1709209800, "ts_ms": 1709209800123, "clock": "23:59:58.5", "cat": "red",
                "color": "blue", "blob": "raw", "whole": 7.0},
        "s:2": {"i64": "42", "flag": False, "day": 19782, "ts_iso": "2024-02-29", "dec": "-0.01", "f64": 3,
                "text": 12.5},
    }
    _load(r, docs)
    schema = {
        "i8": pl.Int8, "i16": pl.Int16, "i32": pl.Int32, "i64": pl.Int64, "u8": pl.UInt8, "u16": pl.UInt16,
        "u32": pl.UInt32, "u64": pl.UInt64, "f32": pl.Float32, "f64": pl.Float64, "dec": pl.Decimal(38, 20),
        "flag": pl.Boolean, "text": pl.String, "day": pl.Date, "ts_iso": pl.Datetime("us", "UTC"),
        "ts_epoch": pl.Datetime("ms"), "ts_ms": pl.Datetime("us"), "clock": pl.Time, "cat": pl.Categorical(),
        "color": pl.Enum(["red", "blue"]), "blob": pl.Binary, "whole": pl.Int64,
    }
    df = pr.read_json(url, "s:*", schema).sort("_key")
    assert df.schema == pl.Schema({"_key": pl.String, **schema})
    first, second = df.to_dicts()
    utc = dt.timezone.utc
    assert first == {
        "_key": "s:1", "i8": -128, "i16": 32767, "i32": -5, "i64": 9223372036854775807, "u8": 255, "u16": 0,
        "u32": 4294967295, "u64": 18446744073709551615, "f32": 1.5, "f64": -2.25,
        # The number's text, not the double nearest 0.1 (0.1000000000000000055...).
        "dec": decimal.Decimal("0.1"), "flag": True, "text": "héllo", "day": dt.date(2024, 2, 29),
        "ts_iso": dt.datetime(2024, 2, 29, 11, 30, 0, 123456, tzinfo=utc),
        "ts_epoch": dt.datetime(2024, 2, 29, 12, 30), "ts_ms": dt.datetime(2024, 2, 29, 12, 30, 0, 123000),
        "clock": dt.time(23, 59, 58, 500000), "cat": "red", "color": "blue", "blob": b"raw", "whole": 7,
    }
    assert second["i64"] == 42 and second["flag"] is False and second["day"] == dt.date(2024, 2, 29)
    assert second["ts_iso"] == dt.datetime(2024, 2, 29, tzinfo=utc)
    assert second["dec"] == decimal.Decimal("-0.01") and second["f64"] == 3.0 and second["text"] == "12.5"
    assert second["u8"] is None and second["clock"] is None


def test_categorical_inside_nested_columns(r: redis.Redis, url: str) -> None:
    _load(r, {"c:1": {"s": {"kind": "a", "n": 1}, "l": ["x", "y"]}, "c:2": {"s": {"kind": "b"}, "l": []}})
    schema = {"s": pl.Struct({"kind": pl.Categorical(), "n": pl.Int64}), "l": pl.List(pl.Enum(["x", "y"]))}
    df = pr.read_json(url, "c:*", schema).sort("_key")
    assert df.schema == pl.Schema({"_key": pl.String, **schema})
    assert df["s"].to_list() == [{"kind": "a", "n": 1}, {"kind": "b", "n": None}]
    assert df["l"].to_list() == [["x", "y"], []]


def test_non_integral_number_into_integer_column(r: redis.Redis, url: str) -> None:
    _load(r, {"n:1": {"n": 1, "inner": {"v": 2}}, "n:2": {"n": 2.5, "inner": {"v": [1]}}})
    with pytest.raises(pr.SchemaError) as failure:
        pr.read_json(url, "n:*", {"n": pl.Int64})
    message = str(failure.value)
    assert "n:2" in message and "$.n" in message and "2.5" in message and "Int64" in message
    df = pr.read_json(url, "n:*", {"n": pl.Int64}, ignore_errors=True).sort("_key")
    assert df["n"].to_list() == [1, None]
    # A nested value where a scalar is expected, and the path of the failure inside the document.
    with pytest.raises(pr.SchemaError, match=r"\$\.inner\.v.*n:2.*Int64"):
        pr.read_json(url, "n:*", {"inner": pl.Struct({"v": pl.Int64})})
    nested = pr.read_json(url, "n:*", {"inner": pl.Struct({"v": pl.Int64})}, ignore_errors=True).sort("_key")
    assert nested["inner"].to_list() == [{"v": 2}, {"v": None}]


def test_scalar_where_struct_or_list_is_expected(r: redis.Redis, url: str) -> None:
    _load(r, {"x:1": {"a": 5, "b": "text"}})
    with pytest.raises(pr.SchemaError, match="Struct"):
        pr.read_json(url, "x:*", {"a": pl.Struct({"v": pl.Int64})})
    with pytest.raises(pr.SchemaError, match="List"):
        pr.read_json(url, "x:*", {"b": pl.List(pl.String)})
    df = pr.read_json(url, "x:*", {"a": pl.Struct({"v": pl.Int64}), "b": pl.List(pl.String)}, ignore_errors=True)
    assert df.row(0) == ("x:1", None, None)


def test_string_column_keeps_sub_documents_as_json_text(r: redis.Redis, url: str) -> None:
    doc = {"meta": {"k": [1, 2], "s": "v"}, "n": 12.5}
    r.json().set("t:1", "$", doc)
    df = pr.read_json(url, "t:*", {"meta": pl.String, "n": pl.String})
    assert json.loads(df["meta"][0]) == doc["meta"]  # the server's own spelling of the sub-document
    assert df["n"][0] == "12.5"


def test_other_types_matching_the_pattern_are_skipped(r: redis.Redis, url: str) -> None:
    _load(r, _flat_docs(10))
    r.set("doc:string", "x")
    r.hset("doc:hash", "name", "h")
    r.rpush("doc:list", "a")
    df = pr.read_json(url, "doc:*", FLAT)
    assert sorted(df["_key"]) == sorted(_flat_docs(10))


def test_documents_deleted_during_scan_never_become_rows(r: redis.Redis, url: str) -> None:
    docs = _flat_docs(20_000)
    _load(r, docs)
    with in_background(deleting(url, "doc:", 20_000)):
        projected = pr.scan_json(url, "doc:*", FLAT).select("_key", "name").collect()
        whole = pr.scan_json(url, "doc:*", FLAT).collect()
    for frame in (projected, whole):
        assert frame["name"].null_count() == 0
        for key, name in zip(frame["_key"], frame["name"]):
            assert docs[key]["name"] == name


def test_ttl_memory_and_row_index(r: redis.Redis, url: str) -> None:
    _load(r, _flat_docs(12))
    r.expire("doc:3", 900)
    df = pr.read_json(url, "doc:*", FLAT, include_ttl=True, include_memory_usage=True, include_row_index=True,
                      row_index_offset=5).sort("_key")
    assert df.columns == ["_index", "_key", "name", "age", "score", "active", "_ttl", "_memory"]
    assert sorted(df["_index"].to_list()) == list(range(5, 17))
    ttl = dict(zip(df["_key"], df["_ttl"]))
    assert r.ttl("doc:3") - 2 <= ttl["doc:3"] <= r.ttl("doc:3") and ttl["doc:4"] == -1
    for key, memory in zip(df["_key"], df["_memory"]):
        assert memory == r.memory_usage(key)
    only_ttl = pr.scan_json(url, "doc:*", FLAT, include_ttl=True).select("_key", "_ttl").collect()
    assert only_ttl.height == 12


def test_empty_match_gives_empty_frame_with_nested_schema(r: redis.Redis, url: str) -> None:
    df = pr.read_json(url, "nothing:*", NESTED)
    assert df.height == 0
    assert df.schema == pl.Schema({"_key": pl.String, **NESTED})


def test_batching_does_not_change_results(r: redis.Redis, url: str) -> None:
    docs = _nested_docs(250)
    _load(r, docs)
    for batch_size, count_hint in [(1, 1), (7, 3), (100_000, 5000)]:
        df = pr.read_json(url, "user:*", NESTED, batch_size=batch_size, count_hint=count_hint).sort("_key")
        assert_frame_equal(df, _expected(docs, NESTED))


def test_filter_on_nested_field(r: redis.Redis, url: str) -> None:
    docs = _nested_docs(90)
    _load(r, docs)
    lf = pr.scan_json(url, "user:*", NESTED)
    got = lf.filter(pl.col("address").struct.field("city") == "Rome").select("_key").collect()
    assert sorted(got["_key"]) == sorted(k for k, d in docs.items() if d["address"]["city"] == "Rome")


def test_infer_json_schema_nested(r: redis.Redis, url: str) -> None:
    docs = _nested_docs(50)
    docs["user:odd"] = {"name": "odd", "extra": [1, 2.5], "mixed": 1}
    docs["user:odd2"] = {"mixed": "one", "address": {"city": "X", "zip": "0", "geo": {"lat": 1, "lon": 2}}}
    _load(r, docs)
    schema = pr.infer_json_schema(url, "user:*", sample_size=1000)
    assert schema == {
        "name": pl.String,
        # lat/lon are floats in most documents and integers in one: Float64.
        "address": pl.Struct({"city": pl.String, "zip": pl.String,
                              "geo": pl.Struct({"lat": pl.Float64, "lon": pl.Float64})}),
        "tags": pl.List(pl.String),
        "orders": pl.List(ORDER),
        "matrix": pl.List(pl.List(pl.Int64)),
        "extra": pl.List(pl.Float64),
        "mixed": pl.String,
    }
    df = pr.read_json(url, "user:*")  # schema=None: inferred, then read
    assert df.height == 52
    assert df.filter(pl.col("_key") == "user:odd2")["mixed"].to_list() == ["one"]
    assert df.filter(pl.col("_key") == "user:odd")["mixed"].to_list() == ["1"]


def test_lazy_inference_and_sample_size(r: redis.Redis, url: str) -> None:
    _load(r, _nested_docs(5))
    lf = pr.scan_json(url, "user:*")
    assert lf.collect_schema()["address"] == ADDRESS
    assert lf.collect().height == 5
    with pytest.raises(pr.ConfigurationError):
        pr.infer_json_schema(url, "user:*", sample_size=0)


def test_large_documents(r: redis.Redis, url: str) -> None:
    docs = {f"big:{i}": {"name": f"n{i}", "blob": chr(97 + i) * (1024 * 1024 + i), "list": list(range(i * 1000))}
            for i in range(6)}
    docs.update({f"big:small{i}": {"name": f"s{i}", "blob": "x", "list": [i]} for i in range(300)})
    _load(r, docs)
    schema = {"name": pl.String, "blob": pl.String, "list": pl.List(pl.Int64)}
    df = pr.read_json(url, "big:*", schema).sort("_key")
    assert_frame_equal(df, _expected(docs, schema))
    blobs = pr.scan_json(url, "big:*", schema).select("_key", "blob").collect().sort("_key")
    assert_frame_equal(blobs, _expected(docs, {"blob": pl.String}))
