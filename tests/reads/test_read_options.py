"""The API as Polars users expect it: n_rows, schema_overrides and the row index spelled as Polars
spells them on every reader, read_* signatures that mirror their scan_* exactly (so a misspelt
keyword is a TypeError naming it), clear errors for malformed schemas, and explain() on a
DataFrame. Every value is checked against what redis-py loaded."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import polars_redis as pr
from conftest import wait_indexed

ROWS = 6
# A read_* without a lazy twin: reading moves a consumer group forward, so it is eager only.
EAGER_ONLY = {"read_stream_group"}
# Parameters only the eager reader has.
READ_EXTRAS = {"read_frame": {"columns"}}


def _pairs() -> list[tuple[str, str]]:
    reads = [n for n in pr.__all__ if n.startswith("read_") and n not in EAGER_ONLY]
    pairs = []
    for read in reads:
        scan = read.replace("read_", "scan_", 1)
        if read == "read_search_hashes":
            scan = "search_hashes"
        pairs.append((read, scan))
    return pairs


PAIRS = _pairs()
READS = [n for n in pr.__all__ if n.startswith("read_")]
# scan_partitions plans partitions rather than reading; like scan_rdb it forwards the options of
# the scan kind it is given (tests/cluster/test_distributed.py checks those).
LAZY = [n for n in pr.__all__ if n.startswith(("scan_", "search_")) and n != "scan_partitions"]


def test_every_read_has_a_scan_twin_or_is_eager_only() -> None:
    assert all(scan in pr.__all__ for _, scan in PAIRS)
    assert {read for read, _ in PAIRS} | EAGER_ONLY == set(READS)


@pytest.mark.parametrize("read,scan", PAIRS, ids=[p[0] for p in PAIRS])
def test_read_signature_is_its_scan_signature(read: str, scan: str) -> None:
    read_params = dict(inspect.signature(getattr(pr, read)).parameters)
    scan_params = dict(inspect.signature(getattr(pr, scan)).parameters)
    extras = READ_EXTRAS.get(read, set())
    assert set(read_params) - set(scan_params) == extras
    assert [n for n in read_params if n not in extras] == list(scan_params)
    for name, param in scan_params.items():
        mirrored = read_params[name]
        same = (mirrored.kind, mirrored.default, mirrored.annotation) == (param.kind, param.default, param.annotation)
        assert same, name


@pytest.mark.parametrize("name", READS + LAZY)
def test_public_readers_share_polars_options_and_hide_private_ones(name: str) -> None:
    params = inspect.signature(getattr(pr, name)).parameters
    assert [p for p in params if p.startswith("_")] == []
    assert {"n_rows", "schema_overrides"} <= set(params)
    if "row_index_offset" in params:
        assert "row_index_name" in params
    kinds = {p.kind for p in params.values()}
    # scan_rdb's options depend on key_type, so it (and read_rdb) forward the rest to that scan.
    assert inspect.Parameter.VAR_KEYWORD not in kinds or name in ("scan_rdb", "read_rdb")


@pytest.mark.parametrize("name", READS + LAZY)
def test_a_misspelt_keyword_is_a_type_error_naming_it(name: str) -> None:
    func = getattr(pr, name)
    if name in ("scan_rdb", "read_rdb"):  # its forwarded options are checked by the scan it picks
        return
    with pytest.raises(TypeError, match="n_row"):
        func("redis://localhost:1", "k", n_row=1)


def _load(r: redis.Redis) -> None:
    for i in range(ROWS):
        r.hset(f"h:{i}", mapping={"v": str(i), "name": f"n{i}"})
        r.json().set(f"j:{i}", "$", {"v": i})
        r.set(f"s:{i}", str(i))
        r.sadd(f"t:{i}", str(i))
        r.rpush(f"l:{i}", str(i))
        r.zadd(f"z:{i}", {str(i): float(i)})
        r.xadd("stream", {"v": str(i)}, id=f"{i + 1}-0")
    r.ts().create("ts")
    for i in range(ROWS):
        r.ts().add("ts", 1000 * (i + 1), float(i))


# Each reader over the ROWS values 0..ROWS-1, and the column holding them.
READERS: dict[str, tuple[Callable[..., pl.LazyFrame], str]] = {
    "hashes": (lambda url, **kw: pr.scan_hashes(url, "h:*", {"v": pl.Int64}, **kw), "v"),
    "json": (lambda url, **kw: pr.scan_json(url, "j:*", {"v": pl.Int64}, **kw), "v"),
    "strings": (lambda url, **kw: pr.scan_strings(url, "s:*", value_type=pl.Int64, **kw), "value"),
    "set": (lambda url, **kw: pr.scan_set(url, "t:*", member_type=pl.Int64, **kw), "member"),
    "list": (lambda url, **kw: pr.scan_list(url, "l:*", element_type=pl.Int64, **kw), "element"),
    "zset": (lambda url, **kw: pr.scan_zset(url, "z:*", member_type=pl.Int64, **kw), "member"),
    "stream": (lambda url, **kw: pr.scan_stream(url, "stream", {"v": pl.Int64}, **kw), "v"),
    "timeseries": (lambda url, **kw: pr.scan_timeseries(url, "ts", **kw), "value"),
}
ROW_INDEXED = [name for name in READERS if name != "timeseries"]


@pytest.fixture()
def loaded(r: redis.Redis, url: str) -> str:
    _load(r)
    return url


@pytest.mark.parametrize("reader", list(READERS))
def test_n_rows_limits_rows_to_a_subset_of_the_data(reader: str, loaded: str, r: redis.Redis) -> None:
    scan, column = READERS[reader]
    everything = scan(loaded).collect()
    assert sorted(int(v) for v in everything[column]) == list(range(ROWS))  # what redis-py loaded
    for n in (0, 1, ROWS - 2, ROWS, ROWS + 3):
        df = scan(loaded, n_rows=n).collect()
        assert df.height == min(n, ROWS) and df.schema == everything.schema
        assert set(df[column].to_list()) <= set(range(ROWS))
    for bad in (-1, True, 2.5, "3"):
        with pytest.raises(pr.ConfigurationError, match="n_rows"):
            scan(loaded, n_rows=bad)


@pytest.mark.parametrize("reader", ROW_INDEXED)
def test_row_index_as_polars_spells_it(reader: str, loaded: str) -> None:
    scan, column = READERS[reader]
    polars_way = scan(loaded, row_index_name="idx", row_index_offset=5).collect()
    spec_way = scan(loaded, include_row_index=True, row_index_column_name="idx", row_index_offset=5).collect()
    assert polars_way.columns[0] == "idx" and polars_way.schema["idx"] == pl.UInt32
    assert sorted(polars_way["idx"].to_list()) == list(range(5, 5 + ROWS))
    # Same frame either way (SCAN may return keys in another order on each run).
    assert polars_way.schema == spec_way.schema and sorted(polars_way["idx"]) == sorted(spec_way["idx"])
    assert sorted(polars_way.drop("idx").rows()) == sorted(spec_way.drop("idx").rows())
    assert scan(loaded, row_index_name="idx", row_index_column_name="idx").collect().columns[0] == "idx"
    assert scan(loaded, include_row_index=True).collect().columns[0] == "_index"
    assert "_index" not in scan(loaded).collect().columns
    with pytest.raises(pr.ConfigurationError, match="row_index_name='a'.*row_index_column_name='b'"):
        scan(loaded, row_index_name="a", row_index_column_name="b")
    with pytest.raises(pr.ConfigurationError, match="include_row_index=False.*row_index_name"):
        scan(loaded, row_index_name="a", include_row_index=False)


def test_schema_overrides_parse_fields_of_given_and_inferred_schemas(loaded: str, r: redis.Redis) -> None:
    given = pr.scan_hashes(loaded, "h:*", {"v": pl.String, "name": pl.String}, schema_overrides={"v": pl.Int16})
    df = given.collect()
    assert df.schema["v"] == pl.Int16 and df.schema["name"] == pl.String
    assert sorted(df["v"].to_list()) == sorted(int(r.hget(f"h:{i}", "v")) for i in range(ROWS))
    inferred = pr.read_hashes(loaded, "h:*", schema_overrides={"v": pl.Float32})
    assert inferred.schema["v"] == pl.Float32 and inferred.schema["name"] == pl.String
    # Parsed, not cast: a value that is no number is a SchemaError naming it, or null when ignored.
    with pytest.raises(pr.SchemaError, match="n0|n1|n2|n3|n4|n5"):
        pr.read_hashes(loaded, "h:*", {"name": pl.String}, schema_overrides={"name": pl.Int64})
    nulls = pr.read_hashes(loaded, "h:*", {"name": pl.String}, schema_overrides={"name": pl.Int64},
                           ignore_errors=True)
    assert nulls["name"].null_count() == ROWS
    json_df = pr.read_json(loaded, "j:*", schema_overrides={"v": pl.String})
    assert sorted(json_df["v"].to_list()) == sorted(str(r.json().get(f"j:{i}", "$.v")[0]) for i in range(ROWS))


def test_schema_overrides_on_value_and_fixed_columns(loaded: str, r: redis.Redis) -> None:
    strings = pr.read_strings(loaded, "s:*", schema_overrides={"value": pl.UInt8, "_key": pl.Categorical})
    assert strings.schema["value"] == pl.UInt8 and strings.schema["_key"] == pl.Categorical
    assert dict(strings.select(pl.col("_key").cast(pl.String), "value").rows()) == {
        k.decode(): int(r.get(k)) for k in r.keys("s:*")}
    members = pr.read_set(loaded, "t:*", schema_overrides={"member": pl.Int32})
    assert members.schema["member"] == pl.Int32
    elements = pr.read_list(loaded, "l:*", schema_overrides={"element": pl.Int8})
    assert elements.schema["element"] == pl.Int8
    zset = pr.read_zset(loaded, "z:*", schema_overrides={"member": pl.Int64, "score": pl.Float32})
    assert zset.schema["score"] == pl.Float32
    assert sorted(zset.select("member", "score").rows()) == [(i, float(i)) for i in range(ROWS)]
    stream = pr.read_stream(loaded, "stream", {"v": pl.String}, schema_overrides={"v": pl.Int64,
                                                                                  "_ts": pl.Datetime("ms")})
    entries = r.xrange("stream")
    assert stream["v"].to_list() == [int(fields[b"v"]) for _, fields in entries]
    milliseconds = [int(entry_id.split(b"-")[0]) for entry_id, _ in entries]
    assert stream["_ts"].to_list() == [datetime.fromtimestamp(ms / 1000, timezone.utc).replace(tzinfo=None)
                                       for ms in milliseconds]
    series = pr.read_timeseries(loaded, "ts", schema_overrides={"_ts": pl.Datetime("ms"), "value": pl.Float32})
    assert series.schema == pl.Schema({"_ts": pl.Datetime("ms"), "value": pl.Float32})
    assert series.select(pl.col("_ts").dt.epoch("ms"), "value").rows() == [
        (ts, value) for ts, value in r.ts().range("ts", "-", "+")]


@pytest.mark.parametrize("reader", list(READERS))
def test_schema_overrides_naming_no_column_is_an_error(reader: str, loaded: str) -> None:
    scan, _ = READERS[reader]
    with pytest.raises(pr.ConfigurationError, match=r"schema_overrides names column\(s\) \['nope'\]"):
        scan(loaded, schema_overrides={"nope": pl.Int64})
    with pytest.raises(pr.ConfigurationError, match="schema_overrides must map column names"):
        scan(loaded, schema_overrides=[pl.Int64])


def test_no_public_function_takes_a_private_parameter() -> None:
    private = {name: [p for p in inspect.signature(getattr(pr, name)).parameters if p.startswith("_")]
               for name in pr.__all__ if inspect.isfunction(getattr(pr, name))}
    assert {name: params for name, params in private.items() if params} == {}


def test_search_and_rdb_readers_take_the_same_options(loaded: str, r: redis.Redis) -> None:
    r.execute_command("FT.CREATE", "idx:opts", "ON", "HASH", "PREFIX", "1", "h:", "SCHEMA", "v", "NUMERIC")
    wait_indexed(r, "idx:opts")
    found = pr.read_search_hashes(loaded, "idx:opts", "@v:[2 +inf]", n_rows=2, schema_overrides={"v": pl.Int8})
    assert found.height == 2 and found.schema["v"] == pl.Int8
    assert set(found["v"].to_list()) <= {int(r.hget(f"h:{i}", "v")) for i in range(2, ROWS)}
    r.save()
    dump = Path(r.config_get("dir")["dir"]) / r.config_get("dbfilename")["dbfilename"]
    full = pr.read_rdb(dump, "s:*", key_type="string", row_index_name="n", row_index_offset=3,
                       schema_overrides={"value": pl.Int64})
    assert sorted(full["n"].to_list()) == list(range(3, 3 + ROWS))
    assert dict(full.select("_key", "value").rows()) == {k.decode(): int(r.get(k)) for k in r.keys("s:*")}
    assert pr.scan_rdb(dump, "h:*", {"v": pl.Int64}, n_rows=4).collect().height == 4
    with pytest.raises(TypeError, match="value_typo"):
        pr.read_rdb(dump, "s:*", key_type="string", value_typo=pl.Int64)


def test_frames_take_n_rows_and_schema_overrides(url: str, r: redis.Redis) -> None:
    frame = pl.DataFrame({"a": list(range(10)), "b": [str(i) for i in range(10)]})
    pr.write_frame(frame, url, "frame:opts")
    assert pr.read_frame(url, "frame:opts", n_rows=3).equals(frame.head(3))
    assert pr.scan_frame(url, "frame:opts", n_rows=3).collect().equals(frame.head(3))
    cast = pr.read_frame(url, "frame:opts", schema_overrides={"b": pl.Int64}, columns=["b"])
    assert cast["b"].to_list() == list(range(10))
    with pytest.raises(pr.ConfigurationError, match="'c'"):
        pr.scan_frame(url, "frame:opts", schema_overrides={"c": pl.Int64})


def test_read_stream_group_n_rows_caps_delivery(url: str, r: redis.Redis) -> None:
    for i in range(ROWS):
        r.xadd("group-stream", {"v": str(i)}, id=f"{i + 1}-0")
    first = pr.read_stream_group(url, "group-stream", "g", "c", {"v": pl.String}, create_group=True, start_id="0",
                                 n_rows=2, schema_overrides={"v": pl.Int64})
    assert first["v"].to_list() == [0, 1]
    assert r.xpending("group-stream", "g")["pending"] == 2  # only what was returned was delivered
    assert pr.read_stream_group(url, "group-stream", "g", "c", {"v": pl.Int64}, n_rows=0).height == 0
    assert r.xpending("group-stream", "g")["pending"] == 2
    rest = pr.read_stream_group(url, "group-stream", "g", "c", {"v": pl.Int64})
    assert rest["v"].to_list() == list(range(2, ROWS))


MALFORMED: list[tuple[Any, str]] = [
    ([pl.String, pl.Int64], "holding the dtype String"),
    (["name", "age"], "holding the name 'name'"),
    ("name", "got str 'name'"),
    (pl.Int64, "got"),
    (42, "got int 42"),
    ({"name": "String"}, "'String' is not a Polars dtype"),
    ({"name": int}, "is not a Polars dtype"),
    ({1: pl.String}, "column names must be strings, got int 1"),
    ([("a", pl.String), ("a", pl.Int64)], "column 'a' appears twice"),
    ([("a", pl.String, 1)], "holding the tuple"),
]


@pytest.mark.parametrize("schema,message", MALFORMED, ids=[repr(m[0]) for m in MALFORMED])
def test_malformed_schema_is_a_clear_error(schema: Any, message: str, url: str) -> None:
    for build in (lambda: pr.scan_hashes(url, "h:*", schema), lambda: pr.scan_json(url, "j:*", schema),
                  lambda: pr.scan_stream(url, "stream", schema)):
        with pytest.raises(pr.ConfigurationError) as error:
            build()
        assert isinstance(error.value, ValueError) and message in str(error.value)
        assert str(error.value).startswith("schema")


DTYPES = st.sampled_from([pl.String, pl.Int64, pl.Float64(), pl.Boolean, pl.Date])
NAMES = st.one_of(st.text(alphabet="abc", max_size=2), st.integers(0, 2))
JUNK = st.one_of(st.integers(), st.text(max_size=3), st.none(), DTYPES)
SCHEMAS = st.one_of(
    st.dictionaries(NAMES, st.one_of(DTYPES, JUNK), max_size=4),
    st.lists(st.one_of(st.tuples(NAMES, st.one_of(DTYPES, JUNK)), JUNK, st.tuples(NAMES)), max_size=4),
    st.integers(), st.text(max_size=3), DTYPES,
)


def _well_formed(schema: Any) -> bool:
    """The rule: a mapping, or a list of (name, dtype) pairs, of unique string names to dtypes."""
    if isinstance(schema, dict):
        items = list(schema.items())
    elif isinstance(schema, list) and all(isinstance(i, tuple) and len(i) == 2 for i in schema):
        items = schema
    else:
        return False
    names = [name for name, _ in items]
    dtypes_ok = all(isinstance(d, pl.DataType) or (isinstance(d, type) and issubclass(d, pl.DataType))
                    for _, d in items)
    return dtypes_ok and all(isinstance(n, str) for n in names) and len(set(names)) == len(names)


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(schema=SCHEMAS)
def test_any_schema_is_accepted_or_refused_by_the_rule(url: str, schema: Any) -> None:
    try:
        lf = pr.scan_hashes(url, "nothing:*", schema)
    except pr.ConfigurationError as error:
        assert not _well_formed(schema) and str(error).startswith("schema"), (schema, error)
    else:
        assert _well_formed(schema), schema
        assert lf.collect_schema().names() == ["_key", *[n for n, _ in (schema.items() if isinstance(schema, dict)
                                                                          else schema)]]


def test_explain_says_what_it_takes(url: str, r: redis.Redis) -> None:
    r.hset("h:0", "v", "1")
    df = pr.read_hashes(url, "h:*", {"v": pl.Int64})
    with pytest.raises(TypeError, match="LazyFrame of a polars-redis scan, got a polars.*DataFrame.*scan_"):
        pr.explain(df)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="got a builtins.str"):
        pr.explain("scan_hashes")  # type: ignore[arg-type]
    assert "HGETALL" in pr.explain(pr.scan_hashes(url, "h:*", {"v": pl.Int64}))
