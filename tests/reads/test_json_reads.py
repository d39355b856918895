"""JSON reads that mean what they say: JSONPaths checked when the scan is built, numbers in RedisJSON's
own exponent form read as Decimal, sub-documents as text in Categorical and Enum columns."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal, localcontext

import polars as pl
import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import polars_redis as pr

TOKENS = ["$", ".", "..", "a", "b_1", "*", "[", "]", "0", "12", "-", ":", ",", "'x'", '"y z"', "'", '"',
          " ", "é", "~", "\\", "(", ")"]


def server_accepts(r: redis.Redis, path: str) -> bool:
    """Whether RedisJSON parses `path` (JSON.GET on an existing document answers for any valid path)."""
    try:
        r.execute_command("JSON.GET", "doc", path)
    except redis.ResponseError:
        return False
    return True


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tail=st.lists(st.sampled_from(TOKENS), min_size=1, max_size=6))
def test_path_check_agrees_with_the_server(r: redis.Redis, tail: list[str]) -> None:
    r.execute_command("JSON.SET", "doc", "$", '{"a": {"b_1": [1, 2]}, "x": 1}')
    path = "$" + "".join(tail)
    ours = pr._core.json_path_error(path)
    assert (ours is None) == server_accepts(r, path), (path, ours)


def test_bad_path_fails_when_the_scan_is_built(r: redis.Redis, url: str) -> None:
    r.execute_command("JSON.SET", "d:1", "$", '{"a": 1}')
    r.execute_command("JSON.SET", "d:2", "$", '{"a": 2}')
    schema = {"a": pl.Int64, "bad": pl.Int64}
    for bad in ["$.a[", "$[?(@.a>1]", "$.a.", "$['x"]:
        with pytest.raises(pr.ConfigurationError, match=r"column 'bad'.*is not a valid JSONPath") as caught:
            pr.scan_json(url, "d:*", schema, paths={"bad": bad})
        assert repr(bad) in str(caught.value)
        with pytest.raises(pr.ConfigurationError, match="is not a valid JSONPath"):
            pr.read_json(url, "d:*", schema, paths={"bad": bad})
        with pytest.raises(pr.ConfigurationError, match="is not a valid JSONPath"):
            pr.search_json(url, "no-index", "*", schema, paths={"bad": bad})
    # Valid paths of every step kind still read.
    good = {"a": "$.a", "first": "$..a", "any": "$.*", "idx": "$['a']"}
    frame = pr.read_json(url, "d:*", {name: pl.Int64 for name in good}, paths=good).sort("a")
    assert frame.select(list(good)).rows() == [(1, 1, 1, 1), (2, 2, 2, 2)]


DECIMAL = pl.Decimal(38, 10)


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.floats(allow_nan=False, allow_infinity=False, min_value=-1e27, max_value=1e27))
def test_numbers_as_redisjson_writes_them_read_as_decimal(r: redis.Redis, url: str, value: float) -> None:
    r.execute_command("JSON.SET", "n:1", "$", json.dumps({"v": value}))
    written = r.execute_command("JSON.GET", "n:1", "$.v").decode()  # the server's own spelling: 1e-7, 1e20
    raw = json.loads(written)[0]
    with localcontext(prec=80):
        expected = Decimal(repr(raw)).quantize(Decimal("1e-10"), rounding=ROUND_HALF_UP)
    frame = pr.read_json(url, "n:*", {"v": DECIMAL})
    assert frame["v"].to_list() == [expected], written


def test_exponent_forms(r: redis.Redis, url: str) -> None:
    r.execute_command("JSON.SET", "n:1", "$", '{"v": 1e-7, "w": 1e20, "x": 1.5E+3, "y": -2.5e-11}')
    assert r.execute_command("JSON.GET", "n:1", "$.v").decode() == "[1e-7]"  # what RedisJSON writes
    frame = pr.read_json(url, "n:*", {"v": DECIMAL, "w": pl.Decimal(38, 2), "x": DECIMAL, "y": DECIMAL})
    assert frame.select("v", "w", "x", "y").row(0) == (Decimal("1E-7"), Decimal("1E+20"), Decimal("1500"), Decimal("-0.0000000000"))
    # Too large for the precision is a SchemaError naming the raw value, as for plain digits.
    with pytest.raises(pr.SchemaError, match=r"1e20"):
        pr.read_json(url, "n:*", {"w": pl.Decimal(20, 2)})


def test_categorical_and_enum_read_sub_documents_as_text(r: redis.Redis, url: str) -> None:
    r.execute_command("JSON.SET", "c:1", "$", '{"o": {"k": [1, 2]}, "l": [1, "x"], "e": [1]}')
    text_of = {name: json.dumps(value, separators=(",", ":")) for name, value in
               json.loads(r.execute_command("JSON.GET", "c:1", "$").decode())[0].items()}
    for dtype in (pl.String, pl.Categorical):
        frame = pr.read_json(url, "c:*", {"o": dtype, "l": dtype})
        assert frame.schema["o"] == dtype
        assert [json.loads(frame[c][0]) for c in ("o", "l")] == [json.loads(text_of["o"]), json.loads(text_of["l"])]
    enum = pl.Enum(["[1]", '{"k":[1,2]}'])
    frame = pr.read_json(url, "c:*", {"e": enum, "o": enum})
    assert frame.select("e", "o").row(0) == ("[1]", '{"k":[1,2]}')
    # Text outside the categories is still an error.
    with pytest.raises(pr.SchemaError, match="Enum"):
        pr.read_json(url, "c:*", {"l": enum})
