"""Key sources of the key-based readers (plan["key_source"], plan["match_pattern"]), driven
through the native scans with hand-built plans and checked with redis-py."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest
import redis

import polars_redis as pr
from polars_redis import _core
from polars_redis.engine.dtypes import to_descriptor
from polars_redis.engine.native import drain
from conftest import load_hashes, wait_indexed

STRING = to_descriptor("s", pl.String)
INT64 = to_descriptor("i", pl.Int64)


def collect(scan: Any) -> pl.DataFrame:
    """Every batch of a native scan as one frame (the first batch always carries the columns)."""
    return pl.concat(drain(scan))


def first_rows(scan: Any, n: int) -> pl.DataFrame:
    """Reads batches until `n` rows arrived, then closes the scan early (as a head() does)."""
    frames, rows = [], 0
    try:
        while rows < n and (batch := scan.next_batch()) is not None:
            frames.append(pl.DataFrame(batch))
            rows += frames[-1].height
    finally:
        scan.close()
    return pl.concat(frames).head(n)


def hash_plan(**entries: Any) -> dict[str, Any]:
    return {"fields": [("name", STRING), ("age", INT64)], **entries}


def people(n: int, prefix: str = "person") -> dict[str, dict[str, str]]:
    return {f"{prefix}:{i}": {"name": f"name-{i}", "age": str(i % 70), "city": ["Paris", "Oslo", "Rome"][i % 3]}
            for i in range(n)}


def as_dict(reply: Any) -> dict[str, Any]:
    """A reply map (redis-py gives a dict or a flat list, depending on its version) with str keys."""
    if isinstance(reply, list):
        reply = dict(zip(reply[::2], reply[1::2]))
    return {(k.decode() if isinstance(k, bytes) else k): v for k, v in reply.items()}


def info(r: redis.Redis, index: str) -> dict[str, Any]:
    return as_dict(r.execute_command("FT.INFO", index))


def open_cursors(r: redis.Redis, index: str) -> int:
    return int(as_dict(info(r, index)["cursor_stats"])["index_total"])


def create_index(r: redis.Redis, index: str, *args: str) -> None:
    r.execute_command("FT.CREATE", index, *args)
    wait_indexed(r, index)


def people_index(r: redis.Redis, n: int) -> dict[str, dict[str, str]]:
    rows = people(n)
    load_hashes(r, rows)
    create_index(r, "idx:people", "ON", "HASH", "PREFIX", "1", "person:", "SCHEMA",
                 "name", "TEXT", "age", "NUMERIC", "SORTABLE", "city", "TAG")
    return rows


def expected_frame(r: redis.Redis, keys: list[str]) -> pl.DataFrame:
    """The rows for `keys`, read with redis-py."""
    rows = []
    for key in keys:
        name, age = r.hmget(key, ["name", "age"])
        rows.append({"_key": key, "name": name and name.decode(), "age": None if age is None else int(age)})
    return pl.DataFrame(rows, schema={"_key": pl.String, "name": pl.String, "age": pl.Int64}, orient="row")


# --- explicit keys ---------------------------------------------------------------------------


def test_keys_drop_missing_wrong_type_and_duplicates_keeping_order(r: redis.Redis, url: str) -> None:
    load_hashes(r, people(6))
    r.set("person:string", "x")
    r.sadd("person:set", "a")
    keys = ["person:4", "person:1", "missing", "person:string", "person:4", "person:set", "person:0"]
    df = collect(_core.scan_hashes(url, hash_plan(key_source={"kind": "keys", "keys": keys})))
    # Kept: the hashes that exist, first occurrence order; checked value by value with redis-py.
    assert df.to_dicts() == expected_frame(r, ["person:4", "person:1", "person:0"]).to_dicts()


def test_keys_with_n_rows_and_only_the_key_column(r: redis.Redis, url: str) -> None:
    load_hashes(r, people(10))
    keys = ["missing", "person:9", "person:3", "person:7", "person:2"]
    df = collect(_core.scan_hashes(url, hash_plan(key_source={"kind": "keys", "keys": keys}, n_rows=2)))
    assert df["_key"].to_list() == ["person:9", "person:3"]
    # No value columns: no fetch at all, yet a missing key still gives no row (TYPE said so).
    plan = {"fields": [], "key_source": {"kind": "keys", "keys": keys}}
    assert collect(_core.scan_hashes(url, plan))["_key"].to_list() == ["person:9", "person:3", "person:7", "person:2"]


def test_keys_hash_without_the_projected_fields_keeps_its_place(r: redis.Redis, url: str) -> None:
    load_hashes(r, {"h:1": {"name": "a"}, "h:2": {"other": "x"}, "h:3": {"name": "c"}})
    df = collect(_core.scan_hashes(url, hash_plan(key_source={"kind": "keys", "keys": ["h:2", "h:1", "h:3"]})))
    assert df.to_dicts() == [
        {"_key": "h:2", "name": None, "age": None},
        {"_key": "h:1", "name": "a", "age": None},
        {"_key": "h:3", "name": "c", "age": None},
    ]


def test_keys_empty_list_gives_empty_frame_with_columns(r: redis.Redis, url: str) -> None:
    df = collect(_core.scan_hashes(url, hash_plan(key_source={"kind": "keys", "keys": []})))
    assert df.height == 0
    assert df.columns == ["_key", "name", "age"]


def test_keys_for_strings_json_and_sets(r: redis.Redis, url: str) -> None:
    r.set("s:1", "10")
    r.set("s:2", "20")
    r.hset("s:h", "f", "v")
    plan = {"value": ("value", INT64), "key_source": {"kind": "keys", "keys": ["s:2", "s:h", "s:1", "s:none"]}}
    df = collect(_core.scan_strings(url, plan))
    assert df.to_dicts() == [{"_key": k, "value": int(r.get(k))} for k in ["s:2", "s:1"]]

    r.json().set("j:1", "$", {"name": "a", "n": 1})
    r.json().set("j:2", "$", {"name": "b", "n": 2})
    r.set("j:3", "not json")
    plan = {"fields": [("name", STRING, None)], "key_source": {"kind": "keys", "keys": ["j:2", "j:3", "j:1"]}}
    df = collect(_core.scan_json(url, plan))
    assert df.to_dicts() == [{"_key": k, "name": r.json().get(k, "$.name")[0]} for k in ["j:2", "j:1"]]

    r.sadd("set:1", "a", "b")
    r.sadd("set:2", "c")
    r.set("set:3", "x")
    plan = {"key_source": {"kind": "keys", "keys": ["set:2", "set:3", "set:1"]}}
    df = collect(_core.scan_sets(url, plan))
    expected = [(k, m.decode()) for k in ["set:2", "set:1"] for m in r.smembers(k)]
    assert sorted(zip(df["_key"], df["member"])) == sorted(expected)
    assert df["_key"].to_list()[0] == "set:2"  # key order kept


def test_keys_accept_bytes(r: redis.Redis, url: str) -> None:
    r.hset("bin:\u00e9", "name", "x")
    keys = ["bin:\u00e9".encode(), b"bin:\xfe"]
    df = collect(_core.scan_hashes(url, hash_plan(key_source={"kind": "keys", "keys": keys})))
    assert df.select("_key", "name").rows() == [("bin:\u00e9", "x")]


# --- match_pattern ---------------------------------------------------------------------------


def test_match_pattern_narrows_a_scan(r: redis.Redis, url: str) -> None:
    load_hashes(r, people(120))
    df = collect(_core.scan_hashes(url, hash_plan(pattern="person:*", match_pattern="person:1?")))
    expected = sorted(k.decode() for k in r.scan_iter(match="person:1?", _type="HASH"))
    assert sorted(df["_key"]) == expected
    assert len(expected) == 10


def test_match_pattern_filters_explicit_keys(r: redis.Redis, url: str) -> None:
    load_hashes(r, people(5))
    load_hashes(r, {"other:1": {"name": "o"}})
    keys = ["other:1", "person:3", "person:1"]
    df = collect(_core.scan_hashes(url, hash_plan(key_source={"kind": "keys", "keys": keys}, match_pattern="person:*")))
    assert df["_key"].to_list() == ["person:3", "person:1"]


KEYS = ["user:1", "user:12", "user:2a", "user:", "user:*", "user:?x", "user:[1]", "user\\1", "User:1",
        "a", "ab", "abc", "a-b", "a]b", "a^b", "h\xe9llo", "", "x" * 40, "x" * 39 + "y", "[abc", "a\\"]
PATTERNS = ["*", "user:*", "user:?", "user:??", "user:[0-9]*", "user:[^0-9]*", "user:\\*", "user:\\?x",
            "user:\\[1\\]", "user\\\\1", "[uU]ser:1", "a[^b]*", "a[b-a]*", "a[]]b", "a[\\]]b", "a[\\^]b",
            "a[-]b", "a[a-]b", "*[", "[abc", "*x*x*x*x*x*y", "**x", "h?llo", "a\\", "a\\\\", "?", ""]


def test_glob_match_agrees_with_the_server(r: redis.Redis) -> None:
    for key in KEYS:
        r.set(key, "v")
    for pattern in PATTERNS:
        server = {k.decode("utf-8", "surrogateescape") for k in r.scan_iter(match=pattern, count=1000)}
        ours = {k for k in KEYS if _core.glob_match(pattern, k)}
        assert ours == server, pattern
        assert {k for k in KEYS if _core.glob_match(pattern.encode(), k.encode())} == server, pattern


# --- search cursor ---------------------------------------------------------------------------


def search(index: str, query: str, **extra: Any) -> dict[str, Any]:
    return {"kind": "search", "index": index, "query": query, **extra}


def test_search_source_reads_every_cursor_page(r: redis.Redis, url: str) -> None:
    rows = people_index(r, 300)
    plan = hash_plan(key_source=search("idx:people", "@age:[10 40]"), count_hint=7)
    df = collect(_core.scan_hashes(url, plan))
    expected = sorted(k for k, v in rows.items() if 10 <= int(v["age"]) <= 40)
    assert len(expected) > 7 * 10  # many pages
    assert sorted(df["_key"]) == expected
    assert df.sort("_key").to_dicts() == expected_frame(r, expected).to_dicts()
    assert open_cursors(r, "idx:people") == 0


def test_search_source_keeps_sortby_order_and_limit(r: redis.Redis, url: str) -> None:
    rows = people_index(r, 200)
    # Sorted by age descending, ties by name ascending: the oracle sorts what redis-py loaded.
    matching = [(k, int(v["age"]), v["name"]) for k, v in rows.items() if int(v["age"]) >= 30]
    expected = [k for k, _, _ in sorted(matching, key=lambda t: (-t[1], t[2]))]
    source = search("idx:people", "@age:[30 +inf]", sort_by=[["age", "DESC"], ["name", "ASC"]])
    df = collect(_core.scan_hashes(url, hash_plan(key_source=source, count_hint=9)))
    assert df["_key"].to_list() == expected
    limited = collect(_core.scan_hashes(url, hash_plan(key_source={**source, "limit": 5}, count_hint=2)))
    assert limited["_key"].to_list() == expected[:5]


def test_search_sort_over_more_rows_than_the_default_cap(r: redis.Redis, url: str) -> None:
    rows = people_index(r, 12_000)
    source = search("idx:people", "*", sort_by=[["age", "ASC"]])
    df = collect(_core.scan_hashes(url, {"fields": [("age", INT64)], "key_source": source}))
    assert df.height == len(rows)
    assert df["age"].to_list() == sorted(int(v["age"]) for v in rows.values())


def test_search_source_with_params_dialect_and_json(r: redis.Redis, url: str) -> None:
    for i in range(40):
        r.json().set(f"doc:{i}", "$", {"name": f"n{i}", "score": i})
    create_index(r, "idx:docs", "ON", "JSON", "PREFIX", "1", "doc:", "SCHEMA",
                 "$.name", "AS", "name", "TEXT", "$.score", "AS", "score", "NUMERIC", "SORTABLE")
    source = search("idx:docs", "@score:[$lo $hi]", params=[["lo", "5"], ["hi", b"9"]], dialect=2,
                    sort_by=[["score", "DESC"]])
    plan = {"fields": [("name", STRING, None), ("score", INT64, None)], "key_source": source}
    df = collect(_core.scan_json(url, plan))
    expected = [f"doc:{i}" for i in range(9, 4, -1)]
    assert df.to_dicts() == [{"_key": k, "name": r.json().get(k, "$.name")[0], "score": r.json().get(k, "$.score")[0]}
                             for k in expected]


def test_search_source_over_resp2(r: redis.Redis, url: str) -> None:
    rows = people_index(r, 50)
    source = search("idx:people", "@city:{Oslo}", sort_by=[["age", "ASC"], ["name", "ASC"]])
    df = collect(_core.scan_hashes(url + "?protocol=2", hash_plan(key_source=source, count_hint=4)))
    expected = [k for k, v in sorted(rows.items(), key=lambda kv: (int(kv[1]["age"]), kv[1]["name"]))
                if v["city"] == "Oslo"]
    assert df["_key"].to_list() == expected


def test_search_source_honours_match_pattern(r: redis.Redis, url: str) -> None:
    rows = people_index(r, 40)
    plan = hash_plan(key_source=search("idx:people", "*"), match_pattern="person:1*")
    df = collect(_core.scan_hashes(url, plan))
    assert sorted(df["_key"]) == sorted(k for k in rows if k.startswith("person:1"))


def test_search_query_without_results_gives_empty_frame(r: redis.Redis, url: str) -> None:
    people_index(r, 20)
    df = collect(_core.scan_hashes(url, hash_plan(key_source=search("idx:people", "@age:[1000 2000]"))))
    assert df.height == 0
    assert df.schema == pl.Schema({"_key": pl.String, "name": pl.String, "age": pl.Int64})


def test_search_errors_name_the_command_and_index(r: redis.Redis, url: str) -> None:
    people_index(r, 5)
    with pytest.raises(pr.ResponseError, match=r"FT\.AGGREGATE.*idx:people.*@name:\("):
        collect(_core.scan_hashes(url, hash_plan(key_source=search("idx:people", "@name:("))))
    with pytest.raises(pr.ResponseError, match=r"FT\.AGGREGATE.*idx:nope"):
        collect(_core.scan_hashes(url, hash_plan(key_source=search("idx:nope", "*"))))


def test_search_prefix_expansion_limit_is_an_error(r: redis.Redis, url: str) -> None:
    # More distinct terms sharing the prefix than the server expands (MAXEXPANSIONS, 200 by
    # default): its answer would silently hold only part of the matching documents.
    load_hashes(r, {f"w:{i}": {"f": f"ab{i}"} for i in range(250)})
    create_index(r, "idx:words", "ON", "HASH", "PREFIX", "1", "w:", "SCHEMA", "f", "TEXT")
    plan = {"fields": [("f", STRING)], "key_source": search("idx:words", "@f:ab*")}
    with pytest.raises(pr.ResponseError, match=r"FT\.AGGREGATE.*idx:words.*[Mm]ax prefix expansion"):
        collect(_core.scan_hashes(url, plan))
    # A prefix within the limit reads every match.
    plan = {"fields": [("f", STRING)], "key_source": search("idx:words", "@f:ab1*")}
    expected = {f"w:{i}" for i in range(250) if str(i).startswith("1")}
    assert set(collect(_core.scan_hashes(url, plan))["_key"]) == expected


def test_search_cursor_is_deleted_after_an_early_stop(r: redis.Redis, url: str) -> None:
    people_index(r, 500)
    plan = hash_plan(key_source=search("idx:people", "*"), count_hint=10, batch_size=10)
    df = first_rows(_core.scan_hashes(url, plan), 15)  # the consumer stops: the scan is closed
    assert df.height == 15
    assert open_cursors(r, "idx:people") == 0
    df = collect(_core.scan_hashes(url, {**plan, "n_rows": 12}))  # n_rows reached
    assert df.height == 12
    assert open_cursors(r, "idx:people") == 0


@pytest.mark.parametrize(("count_hint", "batch_size", "stop_after"), [(10, 10, 1), (10, 10, 3), (7, 25, 2), (50, 5, 4)])
def test_search_cursor_is_deleted_when_closed_during_a_request(
        r: redis.Redis, url: str, count_hint: int, batch_size: int, stop_after: int) -> None:
    # The server holds every command for a while, so the consumer stops the scan while a cursor
    # read is in flight (or queued behind the pause): the cursor must still be deleted, not left
    # to the server's idle timeout.
    people_index(r, 500)
    # batch_bytes=1: every batch at batch_size rows, so several come before the scan ends.
    plan = hash_plan(key_source=search("idx:people", "*"), count_hint=count_hint, batch_size=batch_size,
                     batch_bytes=1)
    scan = _core.scan_hashes(url, plan)
    for _ in range(stop_after):
        assert scan.next_batch() is not None
    r.execute_command("CLIENT", "PAUSE", "300", "ALL")
    scan.close()
    assert open_cursors(r, "idx:people") == 0


def test_bad_key_source_kind_is_a_configuration_error(url: str) -> None:
    with pytest.raises(pr.ConfigurationError, match="unknown key source kind"):
        _core.scan_hashes(url, hash_plan(key_source={"kind": "nope"}))


def test_non_utf8_key_is_a_clear_error_not_a_broken_frame(url: str, r: redis.Redis) -> None:
    r.hset(b"bin:\xff", mapping={"a": "1"})
    r.hset(b"bin:ok", mapping={"a": "2"})
    with pytest.raises(pr.SchemaError, match=r"bin:\\xff.*UTF-8.*_key"):
        pr.read_hashes(url, "bin:*", {"a": pl.Int64})
    # Without the key column the values are readable.
    df = pr.read_hashes(url, "bin:*", {"a": pl.Int64}, include_key=False)
    assert sorted(df["a"].to_list()) == [1, 2]
