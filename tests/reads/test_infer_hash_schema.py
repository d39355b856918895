"""infer_hash_schema against real hashes: every rule of the inference, and scans that never fail."""

from __future__ import annotations

import polars as pl
import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import polars_redis as pr
from conftest import command_calls, load_hashes


def test_types_are_inferred_from_every_sampled_value(r: redis.Redis, url: str) -> None:
    load_hashes(r, {
        "u:1": {"id": "1", "score": "1.5", "flag": "true", "born": "2000-01-02", "seen": "2024-01-02T03:04:05", "name": "a", "mixed": "1"},
        "u:2": {"id": "-7", "score": "2", "flag": "no", "born": "1999-12-31", "seen": "2024-01-02 03:04:05.25", "name": "b", "mixed": "x"},
        "u:3": {"id": "30", "score": "-0.25", "flag": "1", "born": "2020-02-29", "seen": "2024-01-02T03:04:05", "name": "c", "mixed": "2.5"},
    })
    schema = pr.infer_hash_schema(url, "u:*")
    assert schema == {
        "id": pl.Int64, "score": pl.Float64, "flag": pl.Boolean, "born": pl.Date,
        "seen": pl.Datetime("us"), "name": pl.String, "mixed": pl.String,
    }
    # The inferred schema reads the sampled keys without error, values intact.
    df = pr.read_hashes(url, "u:*", schema).sort("_key")
    assert df["id"].to_list() == [1, -7, 30]
    assert df["flag"].to_list() == [True, False, True]


def test_zero_one_columns_are_integers_and_offsets_give_utc(r: redis.Redis, url: str) -> None:
    load_hashes(r, {"k:1": {"bit": "0", "at": "2024-01-01T00:00:00Z"}, "k:2": {"bit": "1", "at": "2024-01-01T00:00:00+02:00"}})
    assert pr.infer_hash_schema(url, "k:*") == {"bit": pl.Int64, "at": pl.Datetime("us", "UTC")}


def test_missing_fields_do_not_block_inference(r: redis.Redis, url: str) -> None:
    load_hashes(r, {"m:1": {"a": "1"}, "m:2": {"b": "x"}, "m:3": {"a": "2", "b": "y"}})
    schema = pr.infer_hash_schema(url, "m:*")
    assert schema == {"a": pl.Int64, "b": pl.String} or schema == {"b": pl.String, "a": pl.Int64}


def test_type_inference_off_gives_strings(r: redis.Redis, url: str) -> None:
    load_hashes(r, {"s:1": {"a": "1", "b": "true"}})
    assert pr.infer_hash_schema(url, "s:*", type_inference=False) == {"a": pl.String, "b": pl.String}


def test_sample_size_limits_the_keys_read(r: redis.Redis, url: str) -> None:
    load_hashes(r, {f"p:{i}": {"v": str(i)} for i in range(500)})
    r.config_resetstat()
    assert pr.infer_hash_schema(url, "p:*", sample_size=20) == {"v": pl.Int64}
    assert command_calls(r, "hgetall") == 20


def test_nothing_matches(r: redis.Redis, url: str) -> None:
    assert pr.infer_hash_schema(url, "none:*") == {}
    with pytest.raises(pr.ConfigurationError):
        pr.infer_hash_schema(url, "none:*", sample_size=0)


def test_read_hashes_without_schema_infers(r: redis.Redis, url: str) -> None:
    load_hashes(r, {"x:1": {"n": "5", "s": "a"}, "x:2": {"n": "6", "s": "b"}})
    df = pr.read_hashes(url, "x:*").sort("_key")
    assert df.schema == pl.Schema({"_key": pl.String, "n": pl.Int64, "s": pl.String})
    assert df["n"].to_list() == [5, 6]


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.one_of(st.binary(max_size=8), st.text(max_size=8).map(str.encode)), min_size=1, max_size=4),
       type_inference=st.booleans())
def test_an_inferred_schema_is_never_rejected_by_its_scan(
    r: redis.Redis, url: str, values: list[bytes], type_inference: bool
) -> None:
    # Non-UTF-8 values make the field Binary, since a String column rejects them.
    r.flushall()
    for i, value in enumerate(values):
        r.hset(f"h:{i}", mapping={"v": value, "s": "text"})
    schema = pr.infer_hash_schema(url, "h:*", type_inference=type_inference)
    utf8 = all(_is_utf8(v) for v in values)
    if not utf8:
        assert schema["v"] == pl.Binary
    assert schema["s"] == pl.String
    frame = pr.read_hashes(url, "h:*", schema).sort("_key")
    assert frame.height == len(values)
    if schema["v"] == pl.Binary:
        assert frame["v"].to_list() == values
    elif schema["v"] == pl.String:
        assert frame["v"].to_list() == [v.decode() for v in values]


def _is_utf8(value: bytes) -> bool:
    try:
        value.decode()
    except UnicodeDecodeError:
        return False
    return True


def test_a_non_utf8_field_name_names_the_key_and_field(r: redis.Redis, url: str) -> None:
    r.hset("h:1", mapping={"ok": "1"})
    r.hset("h:2", mapping={b"bad\xff": "1"})
    for type_inference in (True, False):
        with pytest.raises(pr.SchemaError, match=r"hash 'h:2': field name 'bad\\xff' is not valid UTF-8"):
            pr.infer_hash_schema(url, "h:*", type_inference=type_inference)
    with pytest.raises(pr.SchemaError, match=r"'h:2'.*'bad\\xff'"):
        pr.read_hashes(url, "h:*")
