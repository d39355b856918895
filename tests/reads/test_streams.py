"""scan_stream / read_stream and consumer-group reading against a real Redis Stack, checked with redis-py."""

from __future__ import annotations

import threading
from decimal import Decimal
from datetime import date, datetime, timedelta, timezone

import polars as pl
import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

import polars_redis as pr
from conftest import command_calls

SCHEMA = {"action": pl.String, "value": pl.Int64}


def _add(r: redis.Redis, key: str, entries: list[dict[str, str]], ids: list[str] | None = None) -> list[str]:
    pipe = r.pipeline(transaction=False)
    for i, fields in enumerate(entries):
        pipe.xadd(key, fields, id=ids[i] if ids else "*")
    return [i.decode() for i in pipe.execute()]


def _fill(r: redis.Redis, key: str, n: int) -> list[str]:
    ids: list[str] = []
    for start in range(0, n, 5000):
        ids += _add(r, key, [{"action": f"a{i % 3}", "value": str(i)} for i in range(start, min(n, start + 5000))])
    return ids


def _oracle(r: redis.Redis, key: str, fields: dict[str, type], start: str = "-", end: str = "+") -> pl.DataFrame:
    """The entries as redis-py reads them, typed by hand: what the frame must contain."""
    rows = []
    for entry_id, values in r.xrange(key, start, end):
        entry_id = entry_id.decode()
        row = {"_id": entry_id, "_ts": int(entry_id.split("-")[0])}
        for name in fields:
            raw = values.get(name.encode())
            row[name] = None if raw is None else raw.decode()
        rows.append(row)
    frame = pl.DataFrame(rows, schema={"_id": pl.String, "_ts": pl.Int64, **{f: pl.String for f in fields}}, orient="row")
    return frame.with_columns(pl.col(name).cast(dtype) for name, dtype in fields.items())


def test_read_matches_redis_py(r: redis.Redis, url: str) -> None:
    _add(r, "s", [{"action": "click", "value": "3"}, {"action": "view"}, {"value": "-7", "extra": "x"}])
    df = pr.read_stream(url, "s", SCHEMA)
    assert df.columns == ["_id", "_ts", "action", "value"]
    assert_frame_equal(df, _oracle(r, "s", SCHEMA))
    assert df["action"].to_list() == ["click", "view", None]
    assert df["value"].to_list() == [3, None, -7]


def test_field_types_use_the_hash_codecs(r: redis.Redis, url: str) -> None:
    _add(r, "typed", [
        {"i": "42", "f": "2.5", "b": "true", "d": "2024-03-01", "t": "2024-03-01T12:30:00", "dec": "12.34"},
        {"i": "-1", "f": "inf", "b": "0", "d": "1999-12-31", "t": "1999-12-31 23:59:59.5", "dec": "0.1"},
    ])
    schema = {"i": pl.Int32, "f": pl.Float64, "b": pl.Boolean, "d": pl.Date, "t": pl.Datetime("ms"),
              "dec": pl.Decimal(10, 2)}
    df = pr.read_stream(url, "typed", schema).drop("_id", "_ts")
    assert df.schema == pl.Schema(schema)
    assert df.to_dicts() == [
        {"i": 42, "f": 2.5, "b": True, "d": date(2024, 3, 1), "t": datetime(2024, 3, 1, 12, 30),
         "dec": Decimal("12.34")},
        {"i": -1, "f": float("inf"), "b": False, "d": date(1999, 12, 31),
         "t": datetime(1999, 12, 31, 23, 59, 59, 500000), "dec": Decimal("0.10")},
    ]


def test_id_and_timestamp_columns(r: redis.Redis, url: str) -> None:
    ids = _add(r, "s", [{"action": "a"}] * 3, ids=["1700000000000-0", "1700000000000-1", "1700000000123-0"])
    df = pr.read_stream(url, "s", {"action": pl.String})
    assert df["_id"].to_list() == ids
    assert df["_ts"].to_list() == [1700000000000, 1700000000000, 1700000000123]
    times = df.select(pl.from_epoch("_ts", time_unit="ms"))["_ts"].to_list()
    assert times[2] == datetime(2023, 11, 14, 22, 13, 20, 123000)

    renamed = pr.read_stream(url, "s", {"action": pl.String}, id_column_name="entry", timestamp_column_name="ms")
    assert renamed.columns == ["entry", "ms", "action"]
    bare = pr.read_stream(url, "s", {"action": pl.String}, include_id=False, include_timestamp=False)
    assert bare.columns == ["action"] and bare.height == 3


def test_range_by_id_inclusive_and_exclusive(r: redis.Redis, url: str) -> None:
    ids = _add(r, "s", [{"value": str(i)} for i in range(10)], ids=[f"{1000 + i // 2}-{i % 2}" for i in range(10)])

    def read(**kwargs: str) -> list[str]:
        return pr.read_stream(url, "s", {"value": pl.Int64}, **kwargs)["_id"].to_list()

    assert read(start_id=ids[3], end_id=ids[7]) == ids[3:8]
    assert read(start_id="(" + ids[3], end_id="(" + ids[7]) == ids[4:7]
    assert read(start_id=ids[8]) == ids[8:]
    assert read(end_id=ids[1]) == ids[:2]
    # An ID without a sequence starts at <ms>-0 and ends at the millisecond's last entry.
    assert read(start_id="1002", end_id="1003") == [i for i in ids if i.split("-")[0] in ("1002", "1003")]
    assert read(start_id=ids[5], end_id=ids[4]) == []


def test_range_by_time(r: redis.Redis, url: str) -> None:
    base = 1_700_000_000_000
    ids = _add(r, "s", [{"value": str(i)} for i in range(6)],
               ids=[f"{base + ms}-{seq}" for ms, seq in [(0, 0), (500, 0), (1000, 0), (1000, 1), (2000, 0), (3000, 0)]])
    start = datetime.fromtimestamp((base + 1000) / 1000)  # naive: local time, = base + 1000 ms

    def read(**kwargs: object) -> list[str]:
        return pr.read_stream(url, "s", {"value": pl.Int64}, **kwargs)["_id"].to_list()

    assert read(start_time=start) == ids[2:]
    assert read(start_time=start.astimezone(timezone.utc)) == ids[2:]
    assert read(start_time=datetime(2023, 11, 14, 23, 13, 21, tzinfo=timezone(timedelta(hours=1)))) == ids[2:]
    assert read(start_time=base + 1000) == ids[2:]
    # Both bounds are inclusive of their whole millisecond.
    assert read(start_time=base + 500, end_time=start) == ids[1:4]
    assert read(end_time=start + timedelta(microseconds=999)) == ids[:4]
    assert read(start_time=base + 1001, end_time=base + 1999) == []
    with pytest.raises(pr.ConfigurationError, match="start_id or start_time"):
        pr.scan_stream(url, "s", {}, start_id="0", start_time=base)
    with pytest.raises(pr.ConfigurationError, match="end_time"):
        pr.scan_stream(url, "s", {}, end_time="yesterday")  # type: ignore[arg-type]


def test_paging_gives_every_entry_once_in_order(r: redis.Redis, url: str) -> None:
    ids = _fill(r, "big", 25_000)
    r.config_resetstat()
    df = pr.read_stream(url, "big", SCHEMA, page_size=100, batch_size=777)
    assert df["_id"].to_list() == ids
    assert df["value"].to_list() == list(range(25_000))
    # 250 full pages; after the first one, the range is split into time segments of about
    # min(4 pages, batch_size) = 400 entries (XREVRANGE finds the last ID, XLEN the size), each
    # ending with one short page: at most 25_000 / 400 + 1 of them.
    assert 251 <= command_calls(r, "xrange") <= 250 + 63 + 1
    assert command_calls(r, "xrevrange") == 1 and command_calls(r, "xlen") == 1
    r.config_resetstat()
    # With `count` the key is read strictly page after page: 250 full pages, then an empty one.
    assert pr.read_stream(url, "big", SCHEMA, page_size=100, count=30_000)["_id"].to_list() == ids
    assert command_calls(r, "xrange") == 251
    assert command_calls(r, "xrevrange") == 0


def test_a_narrow_range_of_a_long_stream_is_not_split_finely(r: redis.Redis, url: str) -> None:
    ids = _add(r, "s", [{"value": str(i)} for i in range(20_000)], ids=[f"{1000 + i}-0" for i in range(20_000)])
    r.config_resetstat()
    df = pr.read_stream(url, "s", {"value": pl.Int64}, start_id=ids[100], end_id=ids[2599])
    assert df["_id"].to_list() == ids[100:2600]
    # 2500 entries: the first page's density, not XLEN's 20 000, sizes the segments.
    assert command_calls(r, "xrange") <= 4


@pytest.mark.parametrize("page_size", [1, 7, 100, 5000])
def test_segments_of_a_skewed_stream_keep_every_entry_once(r: redis.Redis, url: str, page_size: int) -> None:
    # Dense bursts, single entries and gaps, including many entries in one millisecond.
    ms_values = [5] * 700 + list(range(6, 40)) + [1000 + i // 3 for i in range(900)] + [99_999] * 5 + [100_000]
    ids = _add(r, "s", [{"value": str(i)} for i in range(len(ms_values))], ids=[f"{ms}-*" for ms in ms_values])
    df = pr.read_stream(url, "s", {"value": pl.Int64}, page_size=page_size)
    assert df["_id"].to_list() == ids
    assert df["value"].to_list() == list(range(len(ids)))
    ranged = pr.read_stream(url, "s", {"value": pl.Int64}, start_id="(" + ids[3], end_id="(" + ids[-2], page_size=page_size)
    assert ranged["_id"].to_list() == ids[4:-2]


def test_count_caps_entries(r: redis.Redis, url: str) -> None:
    ids = _fill(r, "s", 50)
    assert pr.read_stream(url, "s", SCHEMA, count=7)["_id"].to_list() == ids[:7]
    assert pr.read_stream(url, "s", SCHEMA, count=23, page_size=5)["_id"].to_list() == ids[:23]
    assert pr.read_stream(url, "s", SCHEMA, count=0).height == 0
    assert pr.read_stream(url, "s", SCHEMA, count=500)["_id"].to_list() == ids


def test_head_reads_few_entries(r: redis.Redis, url: str) -> None:
    ids = _fill(r, "big", 25_000)
    r.config_resetstat()
    df = pr.scan_stream(url, "big", SCHEMA).head(5).collect()
    assert df["_id"].to_list() == ids[:5]
    assert command_calls(r, "xrange") == 1
    indexed = pr.scan_stream(url, "big", SCHEMA, include_row_index=True).head(5).collect()
    assert indexed["_index"].to_list() == [0, 1, 2, 3, 4]
    assert command_calls(r, "xrange") == 2
    assert pr.scan_stream(url, "big", SCHEMA).select(pl.len()).collect().item() == 25_000


def test_projection_converts_only_selected_fields(r: redis.Redis, url: str) -> None:
    _add(r, "s", [{"action": "a", "value": "not a number"}, {"action": "b", "value": "2"}])
    lf = pr.scan_stream(url, "s", SCHEMA)
    assert lf.select("action").collect()["action"].to_list() == ["a", "b"]
    assert lf.select("_id").collect().height == 2
    assert lf.select("_ts", "action").collect().columns == ["_ts", "action"]
    with pytest.raises(pr.SchemaError, match=r"'value'.*stream 's'.*'not a number'"):
        pr.read_stream(url, "s", SCHEMA)
    assert pr.read_stream(url, "s", SCHEMA, ignore_errors=True)["value"].to_list() == [None, 2]


def test_filter_and_group_by(r: redis.Redis, url: str) -> None:
    _fill(r, "s", 300)
    lf = pr.scan_stream(url, "s", SCHEMA)
    got = lf.filter(pl.col("value") >= 250).group_by("action").len().sort("action")
    expected = _oracle(r, "s", SCHEMA).filter(pl.col("value") >= 250).group_by("action").len().sort("action")
    assert_frame_equal(got.collect(), expected)


def test_list_of_keys(r: redis.Redis, url: str) -> None:
    keys = ["s:b", "s:missing", "s:a", "s:c"]
    for n, key in zip([1200, 0, 5, 40], keys):
        _fill(r, key, n)
    df = pr.read_stream(url, keys, SCHEMA, page_size=64, batch_size=100)
    assert df.columns == ["_key", "_id", "_ts", "action", "value"]
    expected = pl.concat([_oracle(r, key, SCHEMA).select(pl.lit(key).alias("_key"), pl.all()) for key in keys])
    assert_frame_equal(df, expected)
    # count applies to each key; n_rows to the whole output, in key order.
    capped = pr.read_stream(url, keys, SCHEMA, count=10, key_column_name="stream")
    assert capped.group_by("stream", maintain_order=True).len().rows() == [("s:b", 10), ("s:a", 5), ("s:c", 10)]
    assert_frame_equal(pr.scan_stream(url, keys, SCHEMA, page_size=64).head(1203).collect(), expected.head(1203))


def test_missing_key_is_an_empty_frame_with_the_schema(r: redis.Redis, url: str) -> None:
    df = pr.read_stream(url, "nothing", SCHEMA, include_row_index=True)
    assert df.height == 0
    assert df.schema == pl.Schema({"_index": pl.UInt32, "_id": pl.String, "_ts": pl.Int64, "action": pl.String,
                                   "value": pl.Int64})


def test_key_of_another_type_is_an_error_naming_it(r: redis.Redis, url: str) -> None:
    r.hset("a-hash", mapping={"x": "1"})
    with pytest.raises(pr.ResponseError, match="XRANGE 'a-hash'.*WRONGTYPE"):
        pr.read_stream(url, "a-hash", SCHEMA)
    _fill(r, "ok", 3)
    with pytest.raises(pr.ResponseError, match="'a-hash'"):
        pr.read_stream(url, ["ok", "a-hash"], SCHEMA)


def test_invalid_id_is_a_response_error(r: redis.Redis, url: str) -> None:
    _fill(r, "s", 3)
    with pytest.raises(pr.ResponseError, match="XRANGE 's' 'banana'"):
        pr.read_stream(url, "s", SCHEMA, start_id="banana")


def test_row_index_and_resp2(r: redis.Redis, url: str) -> None:
    _fill(r, "s", 30)
    df = pr.read_stream(url, "s", SCHEMA, include_row_index=True, row_index_offset=10)
    assert df.columns[0] == "_index" and df["_index"].to_list() == list(range(10, 40))
    filtered = pr.scan_stream(url, "s", SCHEMA, include_row_index=True).filter(pl.col("value") % 10 == 0).collect()
    assert filtered["_index"].to_list() == [0, 10, 20]
    resp2 = pr.read_stream(url + "?protocol=2", "s", SCHEMA)
    assert_frame_equal(resp2, _oracle(r, "s", SCHEMA))
    with pytest.raises(pr.ConfigurationError, match="_id"):
        pr.scan_stream(url, "s", {"_id": pl.String})


def test_spec_example_redis_streams_support(r: redis.Redis, url: str) -> None:
    """The example under "Redis Streams Support", as written."""
    redis_ = pr
    now_ms = int(datetime.now(timezone.utc).timestamp() * 1000)
    old = _add(r, "events:user:123", [{"action": "login", "value": "1"}] * 2, ids=[f"{now_ms - 7_200_000}-*"] * 2)
    assert len(old) == 2
    _add(r, "events:user:123", [{"action": a, "value": "1"} for a in ["click", "view", "click", "buy", "click"]])

    lf = redis_.scan_stream(
        url,
        key="events:user:123",
        schema={"action": pl.Utf8, "value": pl.Int64},
        start_time=datetime.now() - timedelta(hours=1),
    )

    events_per_action = lf.group_by("action").len().collect()
    assert sorted(events_per_action.rows()) == [("buy", 1), ("click", 3), ("view", 1)]


def test_spec_use_case_event_log_analysis(r: redis.Redis, url: str) -> None:
    """Use case #3, "Event Log Analysis (Streams)", as written."""
    redis_ = pr
    now_ms = int(datetime.now(timezone.utc).timestamp() * 1000)
    _add(r, "events:user:12345", [{"action": "view", "page": "/old", "duration_ms": "999"}],
         ids=[f"{now_ms - 3 * 3_600_000}-*"])
    recent = [("view", "/home", 100), ("view", "/cart", 300), ("click", "/cart", 20), ("buy", "/pay", 1000)]
    _add(r, "events:user:12345", [{"action": a, "page": p, "duration_ms": str(d)} for a, p, d in recent])

    # Last hour of user activity events
    lf = redis_.scan_stream(
        url,
        key="events:user:12345",
        schema={"action": pl.Utf8, "page": pl.Utf8, "duration_ms": pl.Int64},
        start_time=datetime.now() - timedelta(hours=1),
    )

    session_analysis = (
        lf.group_by("action")
        .agg([
            pl.len().alias("count"),
            pl.col("duration_ms").mean().alias("avg_duration"),
        ])
        .collect()
    )
    assert sorted(session_analysis.rows()) == [("buy", 1, 1000.0), ("click", 1, 20.0), ("view", 2, 200.0)]


ENTRIES = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=50),  # milliseconds after the previous entry's (0: same)
        st.dictionaries(st.sampled_from(["s", "n", "other"]),
                        st.one_of(st.text(max_size=20), st.integers(-(2**63), 2**63 - 1).map(str)), min_size=1),
    ),
    max_size=150,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entries=ENTRIES, page_size=st.integers(1, 9), start=st.integers(0, 160), length=st.integers(0, 160),
       gap_zero=st.booleans())
def test_round_trip_of_any_entries_and_range(r: redis.Redis, url: str, entries: list, page_size: int, start: int,
                                             length: int, gap_zero: bool) -> None:
    r.delete("prop")
    ms, ids = 1_000, []
    for step, fields in entries:
        ms += 0 if gap_zero and step % 2 else step
        ids.append(f"{ms}-*")
    ids = _add(r, "prop", [f for _, f in entries], ids=ids) if entries else []
    lo = ids[start] if start < len(ids) else "-"
    hi = ids[min(start + length, len(ids) - 1)] if ids else "+"
    df = pr.read_stream(url, "prop", {"s": pl.String}, start_id=lo, end_id=hi, page_size=page_size)
    assert_frame_equal(df, _oracle(r, "prop", {"s": pl.String}, lo, hi))


# Consumer groups ---------------------------------------------------------------------------------


def test_create_group_makes_the_stream_and_is_idempotent(r: redis.Redis, url: str) -> None:
    df = pr.read_stream_group(url, "jobs", "g", "c1", SCHEMA, create_group=True)
    assert df.height == 0 and df.columns == ["_id", "_ts", "action", "value"]
    assert r.type("jobs") == b"stream"
    assert [g["name"] for g in r.xinfo_groups("jobs")] == [b"g"]
    ids = _fill(r, "jobs", 3)
    first = pr.read_stream_group(url, "jobs", "g", "c1", SCHEMA, count=1, create_group=True)
    assert first["_id"].to_list() == ids[:1]
    # Creating again changed nothing: the group still remembers what it delivered.
    assert r.xinfo_groups("jobs")[0]["last-delivered-id"].decode() == ids[0]
    assert pr.create_stream_group(url, "jobs", "g") is False
    assert pr.create_stream_group(url, "jobs", "h", start_id="0") is True
    assert pr.read_stream_group(url, "jobs", "h", "c1", SCHEMA)["_id"].to_list() == ids


def test_start_id_of_a_created_group(r: redis.Redis, url: str) -> None:
    ids = _fill(r, "jobs", 5)
    assert pr.read_stream_group(url, "jobs", "new-only", "c", SCHEMA, create_group=True).height == 0
    whole = pr.read_stream_group(url, "jobs", "all", "c", SCHEMA, create_group=True, start_id="0")
    assert_frame_equal(whole, _oracle(r, "jobs", SCHEMA))
    assert whole["_id"].to_list() == ids


def test_missing_group_error_says_how_to_create_it(r: redis.Redis, url: str) -> None:
    _fill(r, "jobs", 2)
    with pytest.raises(pr.ResponseError, match="NOGROUP.*create_group=True"):
        pr.read_stream_group(url, "jobs", "nope", "c", SCHEMA)


def test_two_consumers_never_lose_or_duplicate_entries(r: redis.Redis, url: str) -> None:
    ids = _fill(r, "jobs", 1000)
    pr.create_stream_group(url, "jobs", "g", start_id="0")
    seen: dict[str, list[str]] = {"A": [], "B": []}
    while True:
        got = 0
        for consumer in ("A", "B"):
            df = pr.read_stream_group(url, "jobs", "g", consumer, SCHEMA, count=137, page_size=50)
            seen[consumer] += df["_id"].to_list()
            assert pr.ack_stream(url, "jobs", "g", df["_id"]) == df.height
            got += df.height
        if got == 0:
            break
    assert set(seen["A"]).isdisjoint(seen["B"])
    assert sorted(seen["A"] + seen["B"], key=lambda i: tuple(map(int, i.split("-")))) == ids
    assert len(seen["A"]) > 0 and len(seen["B"]) > 0
    assert r.xpending("jobs", "g")["pending"] == 0


def test_concurrent_consumers_split_the_stream(r: redis.Redis, url: str) -> None:
    ids = _fill(r, "jobs", 3000)
    pr.create_stream_group(url, "jobs", "g", start_id="0")
    results: dict[str, list[str]] = {}

    def work(consumer: str) -> None:
        taken: list[str] = []
        while True:
            df = pr.read_stream_group(url, "jobs", "g", consumer, SCHEMA, count=100, page_size=10)
            if df.height == 0:
                break
            taken += df["_id"].to_list()
        results[consumer] = taken

    threads = [threading.Thread(target=work, args=(name,)) for name in ("A", "B")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(results["A"]).isdisjoint(results["B"])
    assert sorted(results["A"] + results["B"], key=lambda i: tuple(map(int, i.split("-")))) == ids
    pending = {c["name"].decode(): c["pending"] for c in r.xinfo_consumers("jobs", "g")}
    assert pending == {"A": len(results["A"]), "B": len(results["B"])}


def test_unacknowledged_entries_are_re_read_as_pending(r: redis.Redis, url: str) -> None:
    ids = _fill(r, "jobs", 20)
    pr.create_stream_group(url, "jobs", "g", start_id="0")
    delivered = pr.read_stream_group(url, "jobs", "g", "worker", SCHEMA, count=10)
    assert delivered["_id"].to_list() == ids[:10]
    assert pr.ack_stream(url, "jobs", "g", delivered["_id"].head(4).to_list()) == 4
    assert pr.ack_stream(url, "jobs", "g", delivered["_id"].head(4)) == 0  # already acknowledged

    # "Crash": the worker restarts and re-reads what it was given but never acknowledged.
    pending = pr.read_stream_group(url, "jobs", "g", "worker", SCHEMA, pending=True, page_size=4)
    assert_frame_equal(pending, _oracle(r, "jobs", SCHEMA).filter(pl.col("_id").is_in(ids[4:10])))
    oracle_pending = [p["message_id"].decode() for p in r.xpending_range("jobs", "g", "-", "+", 100, "worker")]
    assert pending["_id"].to_list() == oracle_pending
    # Re-reading pending entries delivers nothing new, and another consumer has none pending.
    assert r.xinfo_groups("jobs")[0]["last-delivered-id"].decode() == ids[9]
    assert pr.read_stream_group(url, "jobs", "g", "other", SCHEMA, pending=True).height == 0
    # The rest of the stream is still delivered once.
    assert pr.read_stream_group(url, "jobs", "g", "worker", SCHEMA)["_id"].to_list() == ids[10:]
    assert pr.ack_stream(url, "jobs", "g", ids) == 16
    assert pr.read_stream_group(url, "jobs", "g", "worker", SCHEMA, pending=True).height == 0


def test_pending_entry_deleted_since_delivery_has_null_fields(r: redis.Redis, url: str) -> None:
    ids = _fill(r, "jobs", 3)
    pr.create_stream_group(url, "jobs", "g", start_id="0")
    pr.read_stream_group(url, "jobs", "g", "w", SCHEMA)
    r.xdel("jobs", ids[1])
    pending = pr.read_stream_group(url, "jobs", "g", "w", SCHEMA, pending=True)
    assert pending["_id"].to_list() == ids
    assert pending["action"].to_list() == ["a0", None, "a2"]
    resp2 = pr.read_stream_group(url + "?protocol=2", "jobs", "g", "w", SCHEMA, pending=True)
    assert_frame_equal(resp2, pending)


def test_group_reads_are_paged(r: redis.Redis, url: str) -> None:
    ids = _fill(r, "jobs", 2500)
    pr.create_stream_group(url, "jobs", "g", start_id="0")
    r.config_resetstat()
    df = pr.read_stream_group(url, "jobs", "g", "w", SCHEMA, page_size=100)
    assert df["_id"].to_list() == ids
    assert df["value"].to_list() == list(range(2500))
    assert command_calls(r, "xreadgroup") == 26  # 25 full pages and one that comes back empty
    assert r.xpending("jobs", "g")["pending"] == 2500


def test_block_waits_for_a_new_entry(r: redis.Redis, url: str) -> None:
    pr.create_stream_group(url, "jobs", "g")
    timer = threading.Timer(0.3, lambda: redis.Redis.from_url(url).xadd("jobs", {"action": "late", "value": "1"}))
    timer.start()
    try:
        df = pr.read_stream_group(url, "jobs", "g", "w", SCHEMA, block_ms=20_000)
    finally:
        timer.join()
    assert df["action"].to_list() == ["late"]
    assert pr.read_stream_group(url, "jobs", "g", "w", SCHEMA, block_ms=50).height == 0


def test_ack_validation_and_wrong_type(r: redis.Redis, url: str) -> None:
    with pytest.raises(pr.ConfigurationError, match="ids"):
        pr.ack_stream(url, "jobs", "g", "1-0")
    assert pr.ack_stream(url, "jobs", "g", []) == 0
    r.set("text", "x")
    with pytest.raises(pr.ResponseError, match="XACK 'text'.*WRONGTYPE"):
        pr.ack_stream(url, "text", "g", ["1-0"])
    with pytest.raises(pr.ResponseError, match="XGROUP CREATE 'text'"):
        pr.read_stream_group(url, "text", "g", "c", SCHEMA, create_group=True)
