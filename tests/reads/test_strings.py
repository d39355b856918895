"""scan_strings / read_strings against a real Redis Stack, checked with redis-py."""

from __future__ import annotations

import inspect
import random
import re
import threading
from datetime import date, datetime, time, timezone
from decimal import Decimal

import polars as pl
import pytest
import redis
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

import polars_redis as pr
from background import in_background
from conftest import command_calls


def _load(client: redis.Redis, values: dict[str, str | bytes]) -> None:
    pipe = client.pipeline(transaction=False)
    for i, (key, value) in enumerate(values.items()):
        pipe.set(key, value)
        if i % 5000 == 4999:
            pipe.execute()
    pipe.execute()


def _cache(n: int) -> dict[str, str]:
    return {f"cache:{i}": f"value-{i}-" + "x" * (i % 40) for i in range(n)}


def _oracle(r: redis.Redis, pattern: str) -> pl.DataFrame:
    """Key and value of every string matching `pattern`, read with redis-py alone."""
    keys = sorted(r.scan_iter(match=pattern, count=1000, _type="STRING"))
    values = r.mget(keys) if keys else []
    return pl.DataFrame(
        {"_key": [k.decode() for k in keys], "value": [v.decode() for v in values]},
        schema={"_key": pl.String, "value": pl.String},
    )


def _read_one(r: redis.Redis, url: str, raw: str | bytes, dtype: pl.DataType, **kwargs: object) -> object:
    r.delete("t:1")
    r.set("t:1", raw)
    df = pr.read_strings(url, "t:*", value_type=dtype, **kwargs)
    assert df.schema["value"] == dtype
    return df["value"][0]


def test_read_matches_redis_py(r: redis.Redis, url: str) -> None:
    _load(r, _cache(3000))
    df = pr.read_strings(url, "cache:*").sort("_key")
    assert df.columns == ["_key", "value"]
    assert_frame_equal(df, _oracle(r, "cache:*"))


def test_nothing_is_sent_before_collect(r: redis.Redis, url: str) -> None:
    _load(r, _cache(10))
    lf = pr.scan_strings(url, "cache:*")
    assert lf.collect_schema() == pl.Schema({"_key": pl.String, "value": pl.String})
    assert command_calls(r, "scan") == 0 and command_calls(r, "mget") == 0


@pytest.mark.parametrize(
    ("dtype", "raw", "expected"),
    [
        (pl.String(), "héllo wörld ✓, long enough to be stored out of line", "héllo wörld ✓, long enough to be stored out of line"),
        (pl.Boolean(), "true", True), (pl.Boolean(), "0", False), (pl.Boolean(), "yes", True),
        (pl.Int8(), "-128", -128), (pl.Int16(), "32767", 32767), (pl.Int32(), "-2147483648", -(2**31)),
        (pl.Int64(), "9223372036854775807", 2**63 - 1), (pl.UInt8(), "255", 255), (pl.UInt16(), "65535", 65535),
        (pl.UInt32(), "4294967295", 2**32 - 1), (pl.UInt64(), "18446744073709551615", 2**64 - 1),
        (pl.Float32(), "0.5", 0.5), (pl.Float64(), "-2.25e3", -2250.0),
        (pl.Decimal(10, 2), "12.34", Decimal("12.34")),
        (pl.Date(), "2024-02-29", date(2024, 2, 29)),
        (pl.Datetime("us"), "2024-03-04T05:06:07+02:00", datetime(2024, 3, 4, 3, 6, 7)),
        (pl.Datetime("ms"), "1709528767123", datetime(2024, 3, 4, 5, 6, 7, 123000)),
        (pl.Datetime("us", "UTC"), "2024-03-04T05:06:07Z", datetime(2024, 3, 4, 5, 6, 7, tzinfo=timezone.utc)),
        (pl.Time(), "23:59:59.5", time(23, 59, 59, 500000)),
    ],
)
def test_value_types(r: redis.Redis, url: str, dtype: pl.DataType, raw: str, expected: object) -> None:
    assert _read_one(r, url, raw, dtype) == expected


def test_counters_written_with_incr(r: redis.Redis, url: str) -> None:
    for i in range(50):
        r.incrby(f"n:{i}", i * 1000 - 7)  # stored int-encoded by Redis, read back as text
    df = pr.read_strings(url, "n:*", value_type=pl.Int64)
    assert dict(zip(df["_key"], df["value"])) == {f"n:{i}": i * 1000 - 7 for i in range(50)}


def test_categorical_and_enum(r: redis.Redis, url: str) -> None:
    _load(r, {"plan:1": "pro", "plan:2": "free", "plan:3": "pro"})
    cat = pr.read_strings(url, "plan:*", value_type=pl.Categorical).sort("_key")
    assert cat.schema["value"] == pl.Categorical()
    assert cat["value"].cast(pl.String).to_list() == ["pro", "free", "pro"]
    enum = pl.Enum(["free", "pro"])
    df = pr.read_strings(url, "plan:*", value_type=enum).sort("_key")
    assert df.schema["value"] == enum and df["value"].cast(pl.String).to_list() == ["pro", "free", "pro"]
    r.set("plan:4", "gold")
    with pytest.raises(pr.SchemaError, match="gold"):
        pr.read_strings(url, "plan:*", value_type=enum)


def test_binary_reads_any_bytes(r: redis.Redis, url: str) -> None:
    blobs = {"blob:all": bytes(range(256)), "blob:short": b"\xff\x00\xfe", "blob:empty": b"", "blob:text": b"plain"}
    _load(r, blobs)
    df = pr.read_strings(url, "blob:*", value_type=pl.Binary)
    assert df.schema["value"] == pl.Binary
    assert dict(zip(df["_key"], df["value"])) == {k: r.get(k) for k in blobs}


def test_invalid_utf8_as_string_names_the_key(r: redis.Redis, url: str) -> None:
    _load(r, {"u:good": "ok", "u:bad": b"\xc3\x28 not utf-8"})
    with pytest.raises(pr.SchemaError) as info:
        pr.read_strings(url, "u:*")
    assert "u:bad" in str(info.value) and "UTF-8" in str(info.value) and "Binary" in str(info.value)
    df = pr.read_strings(url, "u:*", ignore_errors=True).sort("_key")
    assert df.to_dicts() == [{"_key": "u:bad", "value": None}, {"_key": "u:good", "value": "ok"}]


@pytest.mark.parametrize(("dtype", "raw"), [(pl.Int64(), "12abc"), (pl.UInt8(), "256"), (pl.Float64(), "1.2.3"),
                                            (pl.Boolean(), "maybe"), (pl.Date(), "2023-02-29")])
def test_parse_errors_name_key_value_and_dtype(r: redis.Redis, url: str, dtype: pl.DataType, raw: str) -> None:
    with pytest.raises(pr.SchemaError) as info:
        _read_one(r, url, raw, dtype)
    message = str(info.value)
    assert "t:1" in message and raw in message and str(dtype) in message
    assert _read_one(r, url, raw, dtype, ignore_errors=True) is None


def test_ignore_errors_keeps_the_good_values(r: redis.Redis, url: str) -> None:
    values = {f"m:{i}": (str(i) if i % 7 else f"bad-{i}") for i in range(200)}
    _load(r, values)
    df = pr.read_strings(url, "m:*", value_type=pl.Int64, ignore_errors=True)
    expected = {k: (int(v) if v.isdigit() else None) for k, v in values.items()}
    assert dict(zip(df["_key"], df["value"])) == expected


def test_unsupported_value_type(url: str) -> None:
    with pytest.raises(pr.ConfigurationError, match="List"):
        pr.scan_strings(url, "x:*", value_type=pl.List(pl.Int64))


def test_other_types_matching_the_pattern_are_skipped(r: redis.Redis, url: str) -> None:
    _load(r, {f"k:{i}": str(i) for i in range(10)})
    r.hset("k:hash", "a", "1")
    r.rpush("k:list", "a")
    r.sadd("k:set", "a")
    r.zadd("k:zset", {"a": 1})
    r.xadd("k:stream", {"a": "1"})
    r.json().set("k:json", "$", {"a": 1})
    df = pr.read_strings(url, "k:*")
    assert sorted(df["_key"]) == sorted(f"k:{i}" for i in range(10))


def test_ttl_column(r: redis.Redis, url: str) -> None:
    _load(r, _cache(30))
    for i in range(0, 30, 3):
        r.expire(f"cache:{i}", 1000 + i)
    df = pr.read_strings(url, "cache:*", include_ttl=True)
    assert df.columns == ["_key", "value", "_ttl"]
    for key, ttl in zip(df["_key"], df["_ttl"]):
        oracle = r.ttl(key)
        assert oracle - 2 <= ttl <= oracle  # a TTL only decreases between our read and the oracle's
    assert df.filter(pl.col("_key") == "cache:1")["_ttl"].item() == -1


def test_memory_usage_matches_redis_py(r: redis.Redis, url: str) -> None:
    # int-encoded, embedded and raw strings take different amounts of memory.
    values = {"mem:int": "12345", "mem:short": "abc", "mem:mid": "m" * 60, "mem:big": "b" * 5000, "mem:empty": ""}
    _load(r, values)
    df = pr.read_strings(url, "mem:*", include_memory_usage=True, include_ttl=True)
    assert df.columns == ["_key", "value", "_ttl", "_memory"]
    assert dict(zip(df["_key"], df["_memory"])) == {k: r.memory_usage(k) for k in values}
    renamed = pr.read_strings(url, "mem:*", include_memory_usage=True, memory_column_name="bytes")
    assert dict(zip(renamed["_key"], renamed["bytes"])) == {k: r.memory_usage(k) for k in values}


def test_metadata_only_projection_sends_no_mget(r: redis.Redis, url: str) -> None:
    _load(r, _cache(300))
    r.expire("cache:7", 500)
    r.config_resetstat()
    lf = pr.scan_strings(url, "cache:*", include_ttl=True, include_memory_usage=True)
    df = lf.select("_key", "_ttl", "_memory").collect()
    assert df.height == 300
    assert command_calls(r, "mget") == 0
    assert command_calls(r, "ttl") == 300 and command_calls(r, "memory|usage") == 300
    assert dict(zip(df["_key"], df["_memory"])) == {k: r.memory_usage(k) for k in _cache(300)}
    assert df.filter(pl.col("_key") == "cache:7")["_ttl"].item() > 490


def test_key_only_projection_fetches_nothing(r: redis.Redis, url: str) -> None:
    _load(r, _cache(500))
    r.config_resetstat()
    df = pr.scan_strings(url, "cache:*", include_ttl=True).select("_key").collect()
    assert sorted(df["_key"]) == sorted(_cache(500))
    assert command_calls(r, "mget") + command_calls(r, "ttl") == 0
    assert pr.scan_strings(url, "cache:*").select(pl.len()).collect().item() == 500


def test_value_only_projection(r: redis.Redis, url: str) -> None:
    _load(r, _cache(100))
    df = pr.scan_strings(url, "cache:*").select("value").collect()
    assert df.columns == ["value"]
    assert sorted(df["value"]) == sorted(_cache(100).values())


def test_values_come_in_batched_mgets(r: redis.Redis, url: str) -> None:
    _load(r, _cache(5000))
    r.config_resetstat()
    assert pr.read_strings(url, "cache:*").height == 5000
    # One MGET covers many keys (16 until value sizes are known, then up to 1,000): far fewer
    # calls than keys, and no per-key GET.
    assert 1 <= command_calls(r, "mget") <= 5000 // 16
    assert command_calls(r, "get") == 0


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=st.integers(1, 30_000), count_hint=st.integers(5, 5000))
def test_every_mget_but_the_last_is_whole(r: redis.Redis, url: str, n: int, count_hint: int) -> None:
    """SCAN returns about count_hint keys per reply, rarely a multiple of the 1,000 keys an MGET
    takes. A reply's tail waits for the next reply's keys instead of costing the server an MGET
    of its own, so whatever the COUNT and however the replies interleave: one 16-key sample
    (value sizes are unknown until it is answered), then MGETs of 1,000 keys, then the rest.
    Sending tails on their own made about one extra MGET per SCAN reply at COUNT 1000."""
    r.flushdb()
    values = {f"k:{i}": str(i) for i in range(n)}
    _load(r, values)
    r.config_resetstat()
    df = pr.read_strings(url, "k:*", count_hint=count_hint)
    assert dict(zip(df["_key"], df["value"])) == values
    expected = 1 if n <= 16 else 1 + -(-(n - 16) // 1000)
    assert command_calls(r, "mget") == expected


def _mget_keys(command: str) -> int:
    """Keys of an MGET as SLOWLOG shows it: 31 arguments, then "... (N more arguments)"."""
    words = command.split(" ")
    more = re.fullmatch(r".*\.\.\. \((\d+) more arguments\)", command)
    return (30 + int(more.group(1))) if more else len(words) - 1


def test_a_value_read_scans_without_type(r: redis.Redis, url: str, slowlog) -> None:
    """MGET answers a key of another type with nil, so a read that fetches values needs no TYPE
    filter: SCAN then looks no key up, and every keyspace hit is one value fetched."""
    _load(r, _cache(3000))
    r.config_resetstat()
    r.slowlog_reset()
    df = pr.read_strings(url, "cache:*")
    assert dict(zip(df["_key"], df["value"])) == _cache(3000)
    scans = slowlog("SCAN")
    assert scans and all(" TYPE " not in scan for scan in scans)
    assert int(r.info("stats")["keyspace_hits"]) == 3000
    assert "adding TYPE string once" in pr.explain(pr.scan_strings(url, "cache:*"))


def _load_mixed(r: redis.Redis, n: int, other_share: float, seed: int) -> dict[str, str]:
    """n keys "m:<i>": strings, or with probability other_share a hash, set or list. Returns the
    strings."""
    rng = random.Random(seed)
    strings: dict[str, str] = {}
    pipe = r.pipeline(transaction=False)
    for i in range(n):
        key = f"m:{i}"
        if rng.random() < other_share:
            if i % 3 == 0:
                pipe.hset(key, "f", "v")
            elif i % 3 == 1:
                pipe.sadd(key, "m")
            else:
                pipe.rpush(key, "e")
        else:
            strings[key] = f"v{i}"
            pipe.set(key, strings[key])
    pipe.execute()
    return strings


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=st.integers(1, 20_000), other_share=st.floats(0, 1), count_hint=st.integers(100, 3000),
       seed=st.integers(0, 2**32))
@example(n=20_000, other_share=0.9, count_hint=500, seed=1)  # a pattern over mostly hashes
def test_other_types_give_no_rows_and_turn_the_type_filter_on(
        r: redis.Redis, url: str, slowlog, n: int, other_share: float, count_hint: int, seed: int) -> None:
    """Keys of other types under the pattern never become rows, with or without TYPE. Once one
    key in eight fetched proves to be of another type, SCAN adds TYPE string: the keys of other
    types fetched are at most about one in eight, or what was scanned before the switch (the
    sample, the pipeline window and SCAN's lead: a few replies' worth)."""
    r.flushdb()
    strings = _load_mixed(r, n, other_share, seed)
    r.slowlog_reset()
    df = pr.read_strings(url, "m:*", count_hint=count_hint)
    assert dict(zip(df["_key"], df["value"])) == strings
    fetched = sum(_mget_keys(command) for command in slowlog("MGET"))
    others_fetched = fetched - len(strings)
    assert others_fetched <= max(fetched // 8 + 16, 2000 + 6 * max(count_hint, 1000)), (fetched, len(strings))
    # Reads that fetch no value keep the server's TYPE filter: the key alone makes the row.
    assert sorted(pr.scan_strings(url, "m:*", count_hint=count_hint).select("_key").collect()["_key"]) == sorted(strings)
    ttl = pr.read_strings(url, "m:*", include_ttl=True, count_hint=count_hint)
    assert sorted(ttl["_key"]) == sorted(strings)


@pytest.mark.parametrize("n", [1, 10, 250])
def test_head_fetches_about_n_values(r: redis.Redis, url: str, n: int) -> None:
    _load(r, _cache(5000))
    r.config_resetstat()
    df = pr.scan_strings(url, "cache:*").head(n).collect()
    assert df.height == n
    hits = int(r.info("stats")["keyspace_hits"])
    scans = command_calls(r, "scan")
    mgets = command_calls(r, "mget")
    assert scans <= 2 and 1 <= mgets <= n // 16 + 2  # groups start at 16 keys
    # Every key the MGETs looked up is a hit, and nothing else looks keys up: a SCAN without
    # TYPE only walks the keyspace (the keys are all strings, so TYPE is never added).
    assert n <= hits <= n + 2


def test_head_with_other_types_under_the_pattern(r: redis.Redis, url: str) -> None:
    for i in range(300):
        r.hset(f"cache:h{i}", "a", "1")
    _load(r, _cache(300))
    for n in (1, 10, 299):
        df = pr.scan_strings(url, "cache:*").head(n).collect()
        assert df.height == n
        assert set(df["_key"]) <= set(_cache(300))


def test_row_index_and_names(r: redis.Redis, url: str) -> None:
    _load(r, _cache(40))
    df = pr.read_strings(
        url, "cache:*", include_key=False, include_row_index=True, row_index_column_name="n",
        row_index_offset=10, value_column_name="v",
    )
    assert df.columns == ["n", "v"]
    assert sorted(df["n"].to_list()) == list(range(10, 50))
    renamed = pr.read_strings(url, "cache:*", key_column_name="k").sort("k")
    assert_frame_equal(renamed, _oracle(r, "cache:*").rename({"_key": "k"}))


def test_column_name_collisions_are_rejected(url: str) -> None:
    with pytest.raises(pr.ConfigurationError, match="_key"):
        pr.scan_strings(url, "x:*", value_column_name="_key")
    with pytest.raises(pr.ConfigurationError, match="_ttl"):
        pr.scan_strings(url, "x:*", include_ttl=True, include_memory_usage=True, memory_column_name="_ttl")


def test_bad_sizes_are_rejected(url: str) -> None:
    with pytest.raises(pr.ConfigurationError, match="batch_size"):
        pr.scan_strings(url, batch_size=0)
    with pytest.raises(pr.ConfigurationError, match="count_hint"):
        pr.scan_strings(url, count_hint=0)
    with pytest.raises(pr.ConfigurationError, match="row_index_offset"):
        pr.scan_strings(url, include_row_index=True, row_index_offset=-1)


def test_empty_match_gives_empty_frame_with_schema(r: redis.Redis, url: str) -> None:
    df = pr.read_strings(url, "nothing:*", value_type=pl.Int64, include_ttl=True, include_memory_usage=True,
                         include_row_index=True)
    assert df.height == 0
    assert df.schema == pl.Schema(
        {"_index": pl.UInt32, "_key": pl.String, "value": pl.Int64, "_ttl": pl.Int64, "_memory": pl.Int64}
    )


@pytest.mark.parametrize(("batch_size", "count_hint"), [(1, 1), (7, 3), (1000, 100), (100_000, 5000)])
def test_batching_does_not_change_results(r: redis.Redis, url: str, batch_size: int, count_hint: int) -> None:
    _load(r, _cache(700))
    df = pr.read_strings(url, "cache:*", batch_size=batch_size, count_hint=count_hint).sort("_key")
    assert_frame_equal(df, _oracle(r, "cache:*"))


def test_filter_and_head(r: redis.Redis, url: str) -> None:
    _load(r, {f"num:{i}": str(i) for i in range(1000)})
    lf = pr.scan_strings(url, "num:*", value_type=pl.Int64)
    got = lf.filter(pl.col("value") % 3 == 0).select("_key").collect()
    assert sorted(got["_key"]) == sorted(f"num:{i}" for i in range(0, 1000, 3))
    some = lf.filter(pl.col("value") > 900).select("_key").head(5).collect()
    assert some.height == 5 and all(int(k.split(":")[1]) > 900 for k in some["_key"])


def test_collect_twice_and_engines(r: redis.Redis, url: str) -> None:
    _load(r, _cache(600))
    lf = pr.scan_strings(url, "cache:*", batch_size=64)
    expected = _oracle(r, "cache:*")
    for engine in ("streaming", "in-memory"):
        assert_frame_equal(lf.collect(engine=engine).sort("_key"), expected)
    assert_frame_equal(lf.collect().sort("_key"), expected)


def test_large_values(r: redis.Redis, url: str) -> None:
    big = {f"big:{i}": chr(ord("a") + i) * (3 * 1024 * 1024) for i in range(4)}
    _load(r, big)
    df = pr.read_strings(url, "big:*")
    assert dict(zip(df["_key"], df["value"])) == big


def test_large_values_get_small_mgets(r: redis.Redis, url: str) -> None:
    values = {f"big:{i}": f"{i:06d}" + "z" * (100 * 1024) for i in range(300)}
    _load(r, values)
    r.config_resetstat()
    df = pr.read_strings(url, "big:*", count_hint=20)
    assert dict(zip(df["_key"], df["value"])) == values
    # At most 16 keys per MGET before value sizes are known, about 10 (1 MiB of values) after.
    assert command_calls(r, "mget") >= 300 // 16


def test_keys_deleted_or_replaced_during_scan_never_become_rows(r: redis.Redis, url: str) -> None:
    values = {f"s:{i}": f"v{i}" for i in range(30_000)}
    _load(r, values)

    def churn(stop: threading.Event) -> None:
        # Deletes keys, and replaces others with hashes (MGET answers nil for both).
        client = redis.Redis.from_url(url)
        i = 0
        while not stop.is_set() and i < 30_000:
            pipe = client.pipeline(transaction=True)
            pipe.delete(*[f"s:{j}" for j in range(i, i + 50)])
            for j in range(i, i + 50, 2):
                pipe.hset(f"s:{j}", "was", "string")
            pipe.execute()
            i += 50

    with in_background(churn):
        plain = pr.read_strings(url, "s:*", count_hint=200)
        with_metadata = pr.read_strings(url, "s:*", include_ttl=True, include_memory_usage=True, count_hint=200)
    for df in (plain, with_metadata):
        assert df["value"].null_count() == 0
        assert df["_key"].n_unique() == df.height
        for key, value in zip(df["_key"], df["value"]):
            assert values[key] == value
    assert (with_metadata["_ttl"] == -1).all()
    assert (with_metadata["_memory"] > 0).all()


# The spec's "scan_strings" examples, run as written (with `redis` standing for the package).

def test_spec_example_cache_entries(r: redis.Redis, url: str) -> None:
    redis_ = pr
    _load(r, {"cache:home": "<html>home</html>", "cache:about": "<html>about</html>"})
    r.set("other:1", "x")
    lf = redis_.scan_strings(
        url,
        pattern="cache:*",
        value_type=pl.Utf8,
    )

    cache_entries = lf.collect()
    # Columns: _key (Utf8), value (Utf8)
    assert cache_entries.schema == pl.Schema({"_key": pl.Utf8, "value": pl.Utf8})
    assert_frame_equal(cache_entries.sort("_key"), _oracle(r, "cache:*"))


def test_spec_example_counters(r: redis.Redis, url: str) -> None:
    redis_ = pr
    views = {"home": [3, 4], "about": [10], "pricing": [1, 1, 5]}
    for page, increments in views.items():
        for n in increments:
            r.incrby(f"counter:page_views:{page}", n)
    lf = redis_.scan_strings(
        url,
        pattern="counter:page_views:*",
        value_type=pl.Int64,
    )

    total_views = lf.select(pl.col("value").sum()).collect()

    # Group by page (extract from key)
    page_stats = (
        lf.with_columns(
            pl.col("_key").str.extract(r"counter:page_views:(.+)", 1).alias("page")
        )
        .group_by("page")
        .agg(pl.col("value").sum().alias("total_views"))
        .collect()
    )
    assert total_views.item() == 24
    assert dict(zip(page_stats["page"], page_stats["total_views"])) == {"home": 7, "about": 10, "pricing": 7}


def _json_decode_infers_dtype() -> bool:
    dtype = inspect.signature(pl.col("x").str.json_decode).parameters["dtype"]
    return dtype.default is not inspect.Parameter.empty


def test_spec_example_sessions_json(r: redis.Redis, url: str) -> None:
    redis_ = pr
    _load(r, {
        "session:a": '{"user": "ann", "visits": 3, "admin": false}',
        "session:b": '{"user": "bob", "visits": 12, "admin": true}',
    })
    lf = redis_.scan_strings(
        url,
        pattern="session:*",
        value_type=pl.Utf8,
    )

    # Parse JSON values client-side
    if _json_decode_infers_dtype():
        sessions = (
            lf.with_columns(
                pl.col("value").str.json_decode().alias("data")
            )
            .unnest("data")
            .collect()
        )
    else:  # Polars 2 made json_decode's dtype mandatory: the same example with it spelled out
        data = pl.Struct({"user": pl.String, "visits": pl.Int64, "admin": pl.Boolean})
        sessions = lf.with_columns(pl.col("value").str.json_decode(data).alias("data")).unnest("data").collect()
    rows = {row["_key"]: (row["user"], row["visits"], row["admin"]) for row in sessions.to_dicts()}
    assert rows == {"session:a": ("ann", 3, False), "session:b": ("bob", 12, True)}


def test_spec_example_feature_flags(r: redis.Redis, url: str) -> None:
    redis_ = pr
    _load(r, {"feature:dark_mode": "true", "feature:beta": "false", "feature:search": "1", "feature:old_ui": "no"})
    lf = redis_.scan_strings(
        url,
        pattern="feature:*",
        value_type=pl.Boolean,
    )

    enabled_features = lf.filter(pl.col("value")).collect()
    assert sorted(enabled_features["_key"]) == ["feature:dark_mode", "feature:search"]
