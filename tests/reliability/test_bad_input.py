"""Bad input, each with a clear message (the cases not covered by the reader-specific suites): a
100 MB value, empty matches, schema fields no key has, unsupported dtypes, invalid arguments,
non-UTF-8 bytes read as String or Binary."""

from __future__ import annotations

import polars as pl
import pytest
import redis

import polars_redis as pr


def test_a_100_mb_value_reads_whole(url: str, r: redis.Redis) -> None:
    value = b"0123456789abcdef" * (100 * 2**20 // 16)
    r.set("huge", value)
    text = pr.read_strings(url, "huge")
    assert text["value"].str.len_bytes().to_list() == [len(value)]
    raw = pr.read_strings(url, "huge", value_type=pl.Binary)
    assert raw["value"][0] == value
    r.hset("hugehash", mapping={"blob": value, "n": "1"})
    df = pr.read_hashes(url, "hugehash", {"blob": pl.Binary, "n": pl.Int64})
    assert df["blob"][0] == value and df["n"][0] == 1


@pytest.mark.parametrize(
    ("reader", "columns"),
    [
        (lambda url: pr.read_hashes(url, "nothing:*", {"a": pl.Int64}), {"_key": pl.String, "a": pl.Int64}),
        (lambda url: pr.read_json(url, "nothing:*", {"a": pl.Int64}), {"_key": pl.String, "a": pl.Int64}),
        (lambda url: pr.read_strings(url, "nothing:*", value_type=pl.Float64), {"_key": pl.String, "value": pl.Float64}),
        (lambda url: pr.read_set(url, "nothing:*"), {"_key": pl.String, "member": pl.String}),
        (lambda url: pr.read_zset(url, "nothing:*"), {"_key": pl.String, "member": pl.String, "score": pl.Float64}),
    ],
)
def test_an_empty_match_is_an_empty_frame_with_the_schema(url: str, r: redis.Redis, reader, columns) -> None:
    df = reader(url)
    assert df.height == 0
    assert dict(df.schema) == columns


def test_schema_fields_no_key_has_are_null(url: str, r: redis.Redis) -> None:
    r.hset("h:1", mapping={"a": "1"})
    df = pr.read_hashes(url, "h:*", {"a": pl.Int64, "ghost": pl.Float64, "phantom": pl.Date})
    assert df.row(0) == ("h:1", 1, None, None)


def test_unsupported_dtypes_are_named(url: str) -> None:
    with pytest.raises(pr.ConfigurationError, match="Object"):
        pr.scan_hashes(url, "h:*", {"a": pl.Object})
    with pytest.raises(pr.ConfigurationError, match="List"):
        pr.scan_hashes(url, "h:*", {"a": pl.List(pl.Int64)})  # hashes hold flat strings only


def test_invalid_arguments_are_named(url: str) -> None:
    frame = pl.DataFrame({"_key": ["k"], "a": [1]})
    with pytest.raises(pr.ConfigurationError, match="ttl"):
        pr.write_hashes(frame, url, ttl=-5)
    with pytest.raises(pr.ConfigurationError, match="bucket_size_ms"):
        pr.scan_timeseries(url, "ts", aggregation="avg")
    with pytest.raises(pr.ConfigurationError, match="batch_size"):
        pr.scan_hashes(url, "h:*", {"a": pl.Int64}, batch_size=0)
    with pytest.raises(pr.ConfigurationError, match="if_exists"):
        pr.write_hashes(frame, url, if_exists="overwrite")


def test_non_utf8_bytes_are_an_error_as_string_and_fine_as_binary(url: str, r: redis.Redis) -> None:
    r.hset("bin:1", mapping={"v": b"\xff\xfe ok"})
    with pytest.raises(pr.SchemaError, match=r"'v' of hash 'bin:1' as String: raw value '\\xff"):
        pr.read_hashes(url, "bin:*", {"v": pl.String})
    assert pr.read_hashes(url, "bin:*", {"v": pl.String}, ignore_errors=True)["v"].to_list() == [None]
    assert pr.read_hashes(url, "bin:*", {"v": pl.Binary})["v"].to_list() == [b"\xff\xfe ok"]
