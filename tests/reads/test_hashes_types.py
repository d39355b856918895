"""Every dtype a hash field can be read as, with expected values computed independently."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import polars as pl
import pytest
import redis

import polars_redis as pr


def _read_one(r: redis.Redis, url: str, raw: str | bytes, dtype: pl.DataType, **kwargs: object) -> object:
    r.delete("t:1")
    r.hset("t:1", "v", raw)
    df = pr.read_hashes(url, "t:*", {"v": dtype}, **kwargs)
    assert df.schema["v"] == dtype
    return df["v"][0]


BOOLEAN_TEXT = {
    "true": True, "TRUE": True, "True": True, "1": True, "yes": True, "Y": True, "t": True, "on": True,
    "false": False, "FALSE": False, "0": False, "no": False, "n": False, "F": False, "off": False,
}


@pytest.mark.parametrize(("raw", "expected"), BOOLEAN_TEXT.items())
def test_boolean(r: redis.Redis, url: str, raw: str, expected: bool) -> None:
    assert _read_one(r, url, raw, pl.Boolean()) is expected


INTEGER_CASES = [
    (pl.Int8, "-128", -128), (pl.Int8, "127", 127), (pl.Int16, "-32768", -32768), (pl.Int32, "2147483647", 2**31 - 1),
    (pl.Int64, "-9223372036854775808", -(2**63)), (pl.Int64, "9223372036854775807", 2**63 - 1),
    (pl.UInt8, "255", 255), (pl.UInt16, "65535", 65535), (pl.UInt32, "4294967295", 2**32 - 1),
    (pl.UInt64, "18446744073709551615", 2**64 - 1), (pl.Int64, "+42", 42), (pl.Int64, "-0", 0),
]


@pytest.mark.parametrize(("dtype", "raw", "expected"), INTEGER_CASES)
def test_integers(r: redis.Redis, url: str, dtype: type[pl.DataType], raw: str, expected: int) -> None:
    assert _read_one(r, url, raw, dtype()) == expected


@pytest.mark.parametrize(
    ("dtype", "raw"),
    [(pl.Int8, "128"), (pl.UInt8, "-1"), (pl.Int64, "9223372036854775808"), (pl.UInt64, "18446744073709551616"),
     (pl.Int32, "1.5"), (pl.Int64, "12abc"), (pl.Int64, " 1"), (pl.Int64, "")],
)
def test_integer_errors_name_key_field_value_and_dtype(r: redis.Redis, url: str, dtype: type[pl.DataType], raw: str) -> None:
    with pytest.raises(pr.SchemaError) as info:
        _read_one(r, url, raw, dtype())
    message = str(info.value)
    assert "t:1" in message and "'v'" in message and repr(raw)[1:-1] in message and str(dtype()) in message
    assert _read_one(r, url, raw, dtype(), ignore_errors=True) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1.5", 1.5), ("-2.25e3", -2250.0), ("1e308", 1e308), ("3", 3.0), ("inf", float("inf")), ("-inf", float("-inf")),
     ("5e-324", 5e-324), ("0.1", 0.1)],
)
def test_float64(r: redis.Redis, url: str, raw: str, expected: float) -> None:
    assert _read_one(r, url, raw, pl.Float64()) == expected


def test_float_nan_and_float32(r: redis.Redis, url: str) -> None:
    value = _read_one(r, url, "nan", pl.Float64())
    assert value != value
    assert _read_one(r, url, "0.5", pl.Float32()) == 0.5
    with pytest.raises(pr.SchemaError):
        _read_one(r, url, "1.2.3", pl.Float64())


@pytest.mark.parametrize(
    ("raw", "dtype", "expected"),
    [("12.34", pl.Decimal(10, 2), Decimal("12.34")), ("-0.5", pl.Decimal(5, 3), Decimal("-0.500")),
     ("7", pl.Decimal(10, 2), Decimal("7.00")), ("1.005", pl.Decimal(10, 2), Decimal("1.01")),
     ("-1.005", pl.Decimal(10, 2), Decimal("-1.01")),
     ("12345678901234567890.123456789012345678", pl.Decimal(38, 18), Decimal("12345678901234567890.123456789012345678"))],
)
def test_decimal(r: redis.Redis, url: str, raw: str, dtype: pl.Decimal, expected: Decimal) -> None:
    assert _read_one(r, url, raw, dtype) == expected


def test_decimal_too_wide_is_an_error(r: redis.Redis, url: str) -> None:
    with pytest.raises(pr.SchemaError, match="Decimal"):
        _read_one(r, url, "123456.7", pl.Decimal(5, 1))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("2024-02-29", date(2024, 2, 29)), ("1970-01-01", date(1970, 1, 1)), ("0001-01-01", date(1, 1, 1)),
     ("9999-12-31", date(9999, 12, 31)), ("19782", date(1970, 1, 1) + timedelta(days=19782)),
     ("-1", date(1969, 12, 31))],
)
def test_date(r: redis.Redis, url: str, raw: str, expected: date) -> None:
    assert _read_one(r, url, raw, pl.Date()) == expected


@pytest.mark.parametrize("raw", ["2023-02-29", "2024-13-01", "2024-1-01", "24-01-01", "tomorrow"])
def test_bad_dates(r: redis.Redis, url: str, raw: str) -> None:
    with pytest.raises(pr.SchemaError, match="Date"):
        _read_one(r, url, raw, pl.Date())


UTC = timezone.utc
DATETIME_CASES = [
    ("2024-03-04T05:06:07", datetime(2024, 3, 4, 5, 6, 7)),
    ("2024-03-04 05:06:07.123456", datetime(2024, 3, 4, 5, 6, 7, 123456)),
    ("2024-03-04T05:06:07Z", datetime(2024, 3, 4, 5, 6, 7)),
    # The offset is applied: 05:06 at +02:00 is 03:06 UTC.
    ("2024-03-04T05:06:07+02:00", datetime(2024, 3, 4, 3, 6, 7)),
    ("2024-03-04T05:06:07-05:30", datetime(2024, 3, 4, 10, 36, 7)),
    ("2024-03-04", datetime(2024, 3, 4)),
    # Epoch numbers: the unit follows the magnitude.
    ("1709528767", datetime(2024, 3, 4, 5, 6, 7)),
    ("1709528767123", datetime(2024, 3, 4, 5, 6, 7, 123000)),
    ("1709528767123456", datetime(2024, 3, 4, 5, 6, 7, 123456)),
    ("1709528767123456000", datetime(2024, 3, 4, 5, 6, 7, 123456)),
    ("-86400", datetime(1969, 12, 31)),
]


@pytest.mark.parametrize(("raw", "expected"), DATETIME_CASES)
def test_datetime_naive(r: redis.Redis, url: str, raw: str, expected: datetime) -> None:
    assert datetime(2024, 3, 4, 5, 6, 7, tzinfo=UTC).timestamp() == 1709528767  # the oracle's own check
    assert _read_one(r, url, raw, pl.Datetime("us")) == expected


@pytest.mark.parametrize("unit", ["ms", "us", "ns"])
def test_datetime_units(r: redis.Redis, url: str, unit: str) -> None:
    value = _read_one(r, url, "2024-03-04T05:06:07.123456789Z", pl.Datetime(unit))
    micro = {"ms": 123000, "us": 123456, "ns": 123456}[unit]
    assert value == datetime(2024, 3, 4, 5, 6, 7, micro)  # sub-unit digits are truncated


def test_datetime_nanoseconds_kept(r: redis.Redis, url: str) -> None:
    r.hset("t:1", "v", "2024-03-04T05:06:07.123456789Z")
    df = pr.read_hashes(url, "t:*", {"v": pl.Datetime("ns")})
    expected_ns = 1709528767 * 10**9 + 123456789
    assert df["v"].cast(pl.Int64)[0] == expected_ns


@pytest.mark.parametrize("zone", ["UTC", "Europe/Paris", "America/New_York"])
def test_datetime_with_time_zone(r: redis.Redis, url: str, zone: str) -> None:
    value = _read_one(r, url, "2024-07-01T12:00:00+02:00", pl.Datetime("us", zone))
    assert value == datetime(2024, 7, 1, 10, 0, tzinfo=UTC).astimezone(ZoneInfo(zone))


def test_bad_datetime(r: redis.Redis, url: str) -> None:
    with pytest.raises(pr.SchemaError, match="Datetime"):
        _read_one(r, url, "2024-03-04T25:00:00", pl.Datetime("us"))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("00:00:00", time(0, 0)), ("23:59:59.999999", time(23, 59, 59, 999999)), ("12:30", time(12, 30)),
     ("01:02:03.5", time(1, 2, 3, 500000))],
)
def test_time(r: redis.Redis, url: str, raw: str, expected: time) -> None:
    assert _read_one(r, url, raw, pl.Time()) == expected


def test_string_binary_and_invalid_utf8(r: redis.Redis, url: str) -> None:
    assert _read_one(r, url, "héllo wörld ✓ long enough to be out of line", pl.String()) == "héllo wörld ✓ long enough to be out of line"
    raw = b"\xff\xfe\x00binary"
    assert _read_one(r, url, raw, pl.Binary()) == raw
    with pytest.raises(pr.SchemaError, match="String"):
        _read_one(r, url, raw, pl.String())


def test_categorical_and_enum(r: redis.Redis, url: str) -> None:
    for i, city in enumerate(["Paris", "Oslo", "Paris", None]):
        if city is not None:
            r.hset(f"c:{i}", mapping={"city": city, "plan": "pro"})
        else:
            r.hset(f"c:{i}", mapping={"plan": "free"})
    schema = {"city": pl.Categorical(), "plan": pl.Enum(["free", "pro"])}
    df = pr.read_hashes(url, "c:*", schema).sort("_key")
    assert df.schema["city"] == pl.Categorical()
    assert df.schema["plan"] == pl.Enum(["free", "pro"])
    assert df["city"].cast(pl.String).to_list() == ["Paris", "Oslo", "Paris", None]
    assert df["plan"].cast(pl.String).to_list() == ["pro", "pro", "pro", "free"]
    r.hset("c:9", "plan", "gold")
    with pytest.raises(pr.SchemaError, match="gold"):
        pr.read_hashes(url, "c:*", schema)


def test_unsupported_dtype_is_a_clear_error(url: str) -> None:
    with pytest.raises(pr.ConfigurationError, match="List"):
        pr.scan_hashes(url, "x:*", {"v": pl.List(pl.Int64)})


def test_every_dtype_in_one_scan(r: redis.Redis, url: str) -> None:
    """A wide schema with nulls in every column, through both HGETALL and HMGET."""
    values = {
        "s": "text", "b": "yes", "i8": "-5", "u64": "18446744073709551615", "f32": "2.5", "f64": "-0.125",
        "dec": "3.14", "d": "2000-02-29", "dt": "2000-02-29T23:59:59.5+01:00", "t": "06:07:08",
        "cat": "x", "en": "b", "bin": "raw",
    }
    schema = {
        "s": pl.String, "b": pl.Boolean, "i8": pl.Int8, "u64": pl.UInt64, "f32": pl.Float32, "f64": pl.Float64,
        "dec": pl.Decimal(6, 2), "d": pl.Date, "dt": pl.Datetime("ms", "UTC"), "t": pl.Time,
        "cat": pl.Categorical, "en": pl.Enum(["a", "b"]), "bin": pl.Binary,
    }
    r.hset("w:1", mapping=values)
    r.hset("w:2", mapping={"s": "only"})
    df = pr.read_hashes(url, "w:*", schema).sort("_key")
    row = df.row(0, named=True)
    assert row == {
        "_key": "w:1", "s": "text", "b": True, "i8": -5, "u64": 2**64 - 1, "f32": 2.5, "f64": -0.125,
        "dec": Decimal("3.14"), "d": date(2000, 2, 29), "dt": datetime(2000, 2, 29, 22, 59, 59, 500000, tzinfo=UTC),
        "t": time(6, 7, 8), "cat": "x", "en": "b", "bin": b"raw",
    }
    assert sum(v is None for v in df.row(1, named=True).values()) == len(schema) - 1
    projected = pr.scan_hashes(url, "w:*", schema).select("dt", "dec", "en").collect().sort("dt", nulls_last=True)
    assert projected.row(0) == (row["dt"], row["dec"], row["en"])
