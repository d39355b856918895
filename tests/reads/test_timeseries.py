"""scan_timeseries / scan_timeseries_multi against RedisTimeSeries, checked with redis-py's TS client."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone

import polars as pl
import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

import polars_redis as pr
from conftest import command_calls

AGGREGATIONS = ["avg", "sum", "min", "max", "range", "count", "first", "last",
                "std.p", "std.s", "var.p", "var.s", "twa"]
PROTOCOLS = ["", "?protocol=2"]  # RESP3 (doubles, map replies) and RESP2 (text, arrays)


def load(r: redis.Redis, key: str, samples: list[tuple[int, float]], labels: dict[str, str] | None = None) -> None:
    r.ts().create(key, labels=labels or {}, duplicate_policy="last")
    for i in range(0, len(samples), 10_000):
        pipe = r.pipeline(transaction=False)
        pipe.ts().madd([(key, ts, value) for ts, value in samples[i:i + 10_000]])
        pipe.execute()


def frame(samples: list[tuple[int, float]] | list[list[float]]) -> pl.DataFrame:
    return pl.DataFrame({"_ts": [int(s[0]) for s in samples], "value": [float(s[1]) for s in samples]},
                        schema={"_ts": pl.Int64, "value": pl.Float64})


def oracle_multi(r: redis.Redis, key_column: bool = True, labels: list[str] | None = None, **kwargs) -> pl.DataFrame:
    """TS.MRANGE through redis-py (RESP2), flattened to the frame scan_timeseries_multi must return."""
    rows = []
    for entry in r.ts().mrange(**kwargs):
        (name, (series_labels, samples)), = entry.items()
        for ts, value in samples:
            row = {"_ts": int(ts), "value": float(value)}
            if key_column:
                row["_key"] = name
            for label in labels or []:
                row[label] = series_labels.get(label)
            rows.append(row)
    schema = {"_ts": pl.Int64, "value": pl.Float64} | ({"_key": pl.String} if key_column else {})
    schema |= {label: pl.String for label in labels or []}
    return pl.DataFrame(rows, schema=schema, orient="row")


def irregular(n: int, seed: int = 7, start: int = 1_700_000_000_000) -> list[tuple[int, float]]:
    """Irregularly spaced samples with exactly representable values (so RESP2 text and RESP3
    doubles agree bit for bit)."""
    rng = random.Random(seed)
    out, ts = [], start
    for _ in range(n):
        ts += rng.randint(1, 900)
        out.append((ts, rng.randint(-40_000, 40_000) / 8))
    return out


@pytest.fixture()
def slowlog(r: redis.Redis) -> Iterator[None]:
    """The commands the server ran during the test, with their arguments (SLOWLOG at 0 us)."""
    old = r.config_get("slowlog-log-slower-than")["slowlog-log-slower-than"]
    old_len = r.config_get("slowlog-max-len")["slowlog-max-len"]
    r.config_set("slowlog-max-len", 10_000)
    r.config_set("slowlog-log-slower-than", 0)
    r.slowlog_reset()
    yield
    r.config_set("slowlog-log-slower-than", old)
    r.config_set("slowlog-max-len", old_len)


def logged(r: redis.Redis, command: str) -> list[list[str]]:
    """Arguments of each `command` the slowlog recorded, oldest first."""
    out = []
    for entry in reversed(r.slowlog_get(10_000)):
        text = entry["command"]
        args = (text.decode() if isinstance(text, bytes) else text).split()
        if args and args[0].upper() == command:
            out.append(args)
    return out


# --- single series ------------------------------------------------------------------------------


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_raw_range_matches_oracle(r: redis.Redis, url: str, protocol: str) -> None:
    samples = irregular(2_000)
    load(r, "ts:raw", samples)
    df = pr.read_timeseries(url + protocol, "ts:raw")
    assert df.schema == pl.Schema({"_ts": pl.Int64, "value": pl.Float64})
    assert_frame_equal(df, frame(r.ts().range("ts:raw", "-", "+")))
    assert_frame_equal(df, frame(samples))


@pytest.mark.parametrize("protocol", [2, 3])
def test_arbitrary_doubles_match_oracle_of_the_same_protocol(r: redis.Redis, url: str, protocol: int) -> None:
    rng = random.Random(3)
    values = [rng.uniform(-1e6, 1e6) for _ in range(300)] + [1e300, -1e-300, 0.1, -1 / 3, 0.0, 5e-324]
    load(r, "ts:doubles", [(i + 1, v) for i, v in enumerate(values)])
    oracle = redis.Redis.from_url(url, protocol=protocol)
    expected = frame(oracle.ts().range("ts:doubles", "-", "+"))
    df = pr.read_timeseries(url + ("?protocol=2" if protocol == 2 else ""), "ts:doubles")
    assert_frame_equal(df, expected)
    if protocol == 3:  # RESP3 doubles carry the exact value that was added
        assert df["value"].to_list() == values
    oracle.close()


@pytest.mark.parametrize("aggregation", AGGREGATIONS)
@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_each_aggregation_matches_oracle(r: redis.Redis, url: str, aggregation: str, protocol: str) -> None:
    load(r, "ts:agg", irregular(3_000))
    df = pr.read_timeseries(url + protocol, "ts:agg", aggregation=aggregation, bucket_size_ms=5_000)
    expected = frame(r.ts().range("ts:agg", "-", "+", aggregation_type=aggregation, bucket_size_msec=5_000))
    assert df.height == expected.height > 100
    assert_frame_equal(df, expected, check_exact=False, rel_tol=1e-12)


def test_aggregation_name_is_case_insensitive(r: redis.Redis, url: str) -> None:
    load(r, "ts:agg", irregular(500))
    df = pr.read_timeseries(url, "ts:agg", aggregation="AVG", bucket_size_ms=10_000)
    assert_frame_equal(df, frame(r.ts().range("ts:agg", "-", "+", aggregation_type="avg", bucket_size_msec=10_000)))


@pytest.mark.parametrize("align", ["start", "end", "-", "+", 1_700_000_000_333])
def test_bucket_alignment_matches_oracle(r: redis.Redis, url: str, align) -> None:
    samples = irregular(2_000)
    load(r, "ts:align", samples)
    start, end = samples[10][0] + 17, samples[-10][0] - 5
    df = pr.read_timeseries(url, "ts:align", start=start, end=end, aggregation="sum", bucket_size_ms=7_000, align=align)
    expected = frame(r.ts().range("ts:align", start, end, aggregation_type="sum", bucket_size_msec=7_000, align=align))
    assert_frame_equal(df, expected)
    reference = {"start": start, "-": start, "end": end, "+": end}.get(align, align)
    assert all((ts - reference) % 7_000 == 0 for ts in df["_ts"])


def test_filter_by_value_matches_oracle(r: redis.Redis, url: str) -> None:
    samples = irregular(2_000)
    load(r, "ts:fbv", samples)
    df = pr.read_timeseries(url, "ts:fbv", filter_by_value=(-100, 250.5))
    assert_frame_equal(df, frame([s for s in samples if -100 <= s[1] <= 250.5]))
    aggregated = pr.read_timeseries(url, "ts:fbv", filter_by_value=(0, 1e9), aggregation="count", bucket_size_ms=60_000)
    expected = r.ts().range("ts:fbv", "-", "+", filter_by_min_value=0, filter_by_max_value=1e9,
                            aggregation_type="count", bucket_size_msec=60_000)
    assert_frame_equal(aggregated, frame(expected))


def test_time_bounds_in_every_form(r: redis.Redis, url: str) -> None:
    samples = irregular(3_000, start=1_700_000_000_000)
    load(r, "ts:bounds", samples)
    lo, hi = 1_700_000_200_000, 1_700_000_900_123
    expected = frame([s for s in samples if lo <= s[0] <= hi])
    assert expected.height > 100
    assert_frame_equal(frame(r.ts().range("ts:bounds", lo, hi)), expected)
    lo_dt = datetime(2023, 11, 14, 22, 16, 40, tzinfo=timezone.utc)  # 1_700_000_200_000 ms
    hi_dt = datetime(2023, 11, 14, 22, 28, 20, 123_000, tzinfo=timezone.utc)
    assert int(lo_dt.timestamp() * 1000) == lo
    forms = [
        (lo, hi),
        (lo_dt, hi_dt),
        (lo_dt.astimezone(timezone(timedelta(hours=5, minutes=30))), hi_dt),
        # Naive values and ISO text without an offset are local time (tests/reads/test_time_bounds.py).
        (lo_dt.astimezone().replace(tzinfo=None), hi_dt.astimezone().replace(tzinfo=None).isoformat()),
        ("2023-11-14T22:16:40Z", "2023-11-14T22:28:20.123Z"),
        ("2023-11-15T00:16:40+02:00", "2023-11-14 22:28:20.123+00:00"),
    ]
    for start, end in forms:
        assert_frame_equal(pr.read_timeseries(url, "ts:bounds", start=start, end=end), expected)
    # Open ends and a date (local midnight: 2023-11-16 is after every sample in any zone).
    assert_frame_equal(pr.read_timeseries(url, "ts:bounds", start="-", end=hi), frame([s for s in samples if s[0] <= hi]))
    assert_frame_equal(pr.read_timeseries(url, "ts:bounds", start=lo, end="+"), frame([s for s in samples if s[0] >= lo]))
    assert pr.read_timeseries(url, "ts:bounds", start=date(2023, 11, 16)).height == 0
    assert_frame_equal(pr.read_timeseries(url, "ts:bounds", end=date(2023, 11, 16)), frame(samples))


def test_count_and_head_ask_the_server_for_that_many(r: redis.Redis, url: str, slowlog: None) -> None:
    samples = irregular(5_000)
    load(r, "ts:count", samples)
    r.slowlog_reset()
    assert_frame_equal(pr.read_timeseries(url, "ts:count", count=17), frame(samples[:17]))
    assert_frame_equal(pr.scan_timeseries(url, "ts:count").head(9).collect(), frame(samples[:9]))
    assert_frame_equal(pr.scan_timeseries(url, "ts:count", count=4).head(9).collect(), frame(samples[:4]))
    ranges = logged(r, "TS.RANGE")
    assert [args[args.index("COUNT") + 1] for args in ranges] == ["17", "9", "4"]
    # A predicate is applied client-side over the whole range, then limited.
    df = pr.scan_timeseries(url, "ts:count").filter(pl.col("value") > 0).head(5).collect()
    assert_frame_equal(df, frame([s for s in samples if s[1] > 0][:5]))


def test_paging_over_250k_points(r: redis.Redis, url: str, slowlog: None) -> None:
    samples = [(1_000_000 + i, (i % 1000) / 4) for i in range(250_000)]
    load(r, "ts:big", samples)
    r.slowlog_reset()
    df = pr.read_timeseries(url, "ts:big")
    assert_frame_equal(df, frame(r.ts().range("ts:big", "-", "+")))
    assert df.height == 250_000
    # A whole range is read in pipelined slices of about a quarter page, each capped at a page,
    # that tile the range from the user's "-" to "+".
    slices = logged(r, "TS.RANGE")[:-1]  # the last one is the oracle's
    assert len(slices) == 11 and all(s[s.index("COUNT") + 1] == "100000" for s in slices)
    assert slices[0][2] == "-" and slices[-1][3] == "+"
    assert all(int(a[3]) + 1 == int(b[2]) for a, b in zip(slices, slices[1:]))
    # With a count, page after page of at most 100,000, each after the last sample read.
    r.slowlog_reset()
    assert_frame_equal(pr.read_timeseries(url, "ts:big", count=240_000), frame(samples[:240_000]))
    pages = logged(r, "TS.RANGE")
    assert [(p[2], p[p.index("COUNT") + 1]) for p in pages] == [("-", "100000"), ("1100000", "100000"), ("1200000", "40000")]
    # Aggregated: 125,000 two-millisecond buckets in two pages, the second starting at a bucket.
    r.slowlog_reset()
    for aggregation in ("sum", "twa", "first"):
        agg = pr.read_timeseries(url, "ts:big", aggregation=aggregation, bucket_size_ms=2)
        expected = frame(r.ts().range("ts:big", "-", "+", aggregation_type=aggregation, bucket_size_msec=2))
        assert agg.height == 125_000
        assert_frame_equal(agg, expected)
    assert [p[2] for p in logged(r, "TS.RANGE")[:2]] == ["-", str(1_000_000 + 200_000)]


def test_dense_slice_is_continued_in_order(r: redis.Redis, url: str, slowlog: None) -> None:
    # 230,000 samples in the first 0.2 s, then 1,000 over ~3 hours: the even-density estimate puts
    # all of the burst in the first slice, which must be continued page by page before the rest.
    burst = [(i, (i % 977) / 8) for i in range(230_000)]
    sparse = [(1_000_000 + i * 10_000, i / 4) for i in range(1_000)]
    load(r, "ts:burst", burst + sparse)
    r.slowlog_reset()
    df = pr.read_timeseries(url, "ts:burst")
    assert_frame_equal(df, frame(burst + sparse))
    ranges = logged(r, "TS.RANGE")
    # Ten slices of ceil(10,990,001 / 10) ms, four asked at once; the first one is continued at
    # 100,000 and 200,000 and the three asked after it are asked again.
    froms = [a[2] for a in ranges]
    assert froms[:4] == ["-", "1099001", "2198002", "3297003"]
    assert froms[4:9] == ["100000", "1099001", "2198002", "3297003", "200000"]
    within = pr.read_timeseries(url, "ts:burst", start=50_000, end=5_000_000, filter_by_value=(10, 100))
    assert_frame_equal(within, frame([s for s in burst + sparse if 50_000 <= s[0] <= 5_000_000 and 10 <= s[1] <= 100]))


def test_aggregated_paging_with_irregular_samples(r: redis.Redis, url: str) -> None:
    # TWA interpolates across bucket edges: a page boundary must not change any bucket.
    load(r, "ts:irregular", irregular(250_000, seed=5))
    for aggregation in ("twa", "avg", "last"):
        df = pr.read_timeseries(url, "ts:irregular", aggregation=aggregation, bucket_size_ms=300)
        expected = frame(r.ts().range("ts:irregular", "-", "+", aggregation_type=aggregation, bucket_size_msec=300))
        assert df.height == expected.height > 200_000
        assert_frame_equal(df, expected)


def test_projection_and_column_options(r: redis.Redis, url: str) -> None:
    samples = irregular(1_000)
    load(r, "ts:proj", samples)
    lf = pr.scan_timeseries(url, "ts:proj")
    assert lf.select("value").collect()["value"].to_list() == [s[1] for s in samples]
    assert lf.select("_ts").collect()["_ts"].to_list() == [s[0] for s in samples]
    assert lf.select(pl.len()).collect().item() == 1_000
    df = pr.read_timeseries(url, "ts:proj", timestamp_column_name="t", value_column_name="temp")
    assert df.columns == ["t", "temp"]
    no_ts = pr.read_timeseries(url, "ts:proj", include_timestamp=False)
    assert no_ts.schema == pl.Schema({"value": pl.Float64})
    assert no_ts["value"].to_list() == [s[1] for s in samples]
    with_time = lf.with_columns(pl.from_epoch("_ts", time_unit="ms").alias("time")).collect()
    assert with_time["time"][0] == datetime.fromtimestamp(samples[0][0] / 1000, timezone.utc).replace(tzinfo=None)


def test_empty_range_has_the_columns(r: redis.Redis, url: str) -> None:
    load(r, "ts:empty", [(5, 1.0)])
    df = pr.read_timeseries(url, "ts:empty", start=10, end=20)
    assert df.schema == pl.Schema({"_ts": pl.Int64, "value": pl.Float64}) and df.height == 0
    r.ts().create("ts:none")
    assert pr.read_timeseries(url, "ts:none").height == 0


def test_missing_key_and_wrong_type_are_clear_errors(r: redis.Redis, url: str) -> None:
    with pytest.raises(pr.ResponseError, match=r"TS\.INFO 'sensor:nope' failed: .*the key does not exist"):
        pr.read_timeseries(url, "sensor:nope")
    r.set("plain", "x")
    with pytest.raises(pr.ResponseError, match="WRONGTYPE"):
        pr.read_timeseries(url, "plain")


@pytest.mark.parametrize(("kwargs", "message"), [
    (dict(aggregation="avg"), "needs bucket_size_ms"),
    (dict(bucket_size_ms=1000), "bucket_size_ms is given without aggregation"),
    (dict(aggregation="median", bucket_size_ms=1000), "unknown aggregation 'median'"),
    (dict(aggregation="avg", bucket_size_ms=0), "bucket_size_ms must be a positive int"),
    (dict(align="start"), "align is given without aggregation"),
    (dict(aggregation="avg", bucket_size_ms=10, align="start"), "needs an explicit start"),
    (dict(aggregation="avg", bucket_size_ms=10, align="end"), "needs an explicit end"),
    (dict(aggregation="avg", bucket_size_ms=10, align="middle", start=0), "align"),
    (dict(start="yesterday"), "start must be"),
    (dict(start="+"), "start must be"),
    (dict(end=-5), "end must be >= 0"),
    (dict(start=datetime(1960, 1, 1)), "before 1970"),
    (dict(start=100, end=10), "after end"),
    (dict(count=0), "count must be a positive int"),
    (dict(filter_by_value=(5, 1)), "min <= max"),
    (dict(filter_by_value=5), "filter_by_value must be a \\(min, max\\) pair"),
    (dict(timestamp_column_name="value"), "used twice"),
])
def test_invalid_arguments(url: str, kwargs: dict, message: str) -> None:
    with pytest.raises(pr.ConfigurationError, match=message):
        pr.scan_timeseries(url, "ts:any", **kwargs)


# --- many series --------------------------------------------------------------------------------


def load_fleet(r: redis.Redis, points: int = 500) -> None:
    """Six sensors in two facilities and two countries."""
    rng = random.Random(11)
    for i in range(6):
        labels = {"type": "temperature" if i < 4 else "humidity", "facility": f"f{i % 2}",
                  "country": "us" if i % 3 else "de", "sensor": str(i)}
        if i == 5:
            labels["extra"] = "yes"
        load(r, f"fleet:{i}", [(1_000_000 + j * 1000 + i, rng.randint(0, 4000) / 16) for j in range(points)], labels)
    r.ts().create("fleet:empty", labels={"type": "temperature", "facility": "f9", "country": "us", "sensor": "9"})


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_multi_raw_with_labels_matches_oracle(r: redis.Redis, url: str, protocol: str) -> None:
    load_fleet(r)
    df = pr.read_timeseries_multi(url + protocol, ["type=temperature"], with_labels=True)
    labels = ["type", "facility", "country", "sensor"]
    assert df.columns == ["_ts", "value", "_key", *labels]
    expected = oracle_multi(r, labels=labels, from_time="-", to_time="+", filters=["type=temperature"], with_labels=True)
    assert expected.height == 2_000
    assert_frame_equal(df, expected)
    # Labels only some series have become null elsewhere; order of first appearance.
    everything = pr.read_timeseries_multi(url + protocol, ["type=(temperature,humidity)"], with_labels=True)
    assert everything.columns == ["_ts", "value", "_key", *labels, "extra"]
    assert everything.group_by("_key").agg(pl.col("extra").first()).sort("_key")["extra"].to_list() == \
        [None, None, None, None, None, "yes"]


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_multi_filters_and_selected_labels(r: redis.Redis, url: str, protocol: str) -> None:
    load_fleet(r)
    df = pr.read_timeseries_multi(url + protocol, ["type=temperature", "country=us"],
                                  selected_labels=["facility", "missing"], start=1_100_000, end=1_200_000)
    expected = oracle_multi(r, labels=["facility", "missing"], from_time=1_100_000, to_time=1_200_000,
                            filters=["type=temperature", "country=us"], select_labels=["facility", "missing"])
    assert df.columns == ["_ts", "value", "_key", "facility", "missing"]
    assert_frame_equal(df, expected)
    assert set(df["_key"]) == {"fleet:1", "fleet:2"} and df["missing"].null_count() == df.height
    plain = pr.read_timeseries_multi(url + protocol, ["facility=(f0,f9)"], include_key=False)
    assert plain.columns == ["_ts", "value"]
    assert_frame_equal(plain, oracle_multi(r, key_column=False, from_time="-", to_time="+", filters=["facility=(f0,f9)"]))
    assert pr.read_timeseries_multi(url, ["type=nothing"]).shape == (0, 3)


@pytest.mark.parametrize("reducer", ["avg", "sum", "min", "max", "range", "count", "std.p", "std.s", "var.p", "var.s"])
def test_group_by_reducer_matches_oracle(r: redis.Redis, url: str, reducer: str) -> None:
    load_fleet(r, points=300)
    df = pr.read_timeseries_multi(url, ["type=temperature"], aggregation="max", bucket_size_ms=10_000,
                                  group_by="facility", reducer=reducer)
    expected = oracle_multi(r, from_time="-", to_time="+", filters=["type=temperature"], aggregation_type="max",
                            bucket_size_msec=10_000, groupby="facility", reduce=reducer)
    expected = expected.with_columns(pl.col("_key").str.strip_prefix("facility=").alias("facility"))
    assert df.columns == ["_ts", "value", "_key", "facility"]
    assert set(df["_key"]) == {"facility=f0", "facility=f1", "facility=f9"} - {"facility=f9"}
    assert_frame_equal(df, expected, check_exact=False, rel_tol=1e-12)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_group_by_with_labels(r: redis.Redis, url: str, protocol: str) -> None:
    load_fleet(r, points=50)
    df = pr.read_timeseries_multi(url + protocol, ["country=us"], group_by="type", reducer="sum", with_labels=True)
    expected = oracle_multi(r, labels=["type"], from_time="-", to_time="+", filters=["country=us"],
                            groupby="type", reduce="sum", with_labels=True)
    assert df.columns == ["_ts", "value", "_key", "type"]
    assert_frame_equal(df, expected)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_multi_paging_over_240k_points(r: redis.Redis, url: str, slowlog: None, protocol: str) -> None:
    for i in range(4):
        load(r, f"big:{i}", [(10_000 + j * 2 + i % 2, (j % 500) / 2) for j in range(60_000)],
             {"kind": "big", "half": str(i % 2)})
    r.slowlog_reset()
    df = pr.read_timeseries_multi(url + protocol, ["kind=big"], with_labels=True)
    assert_frame_equal(df, oracle_multi(r, labels=["kind", "half"], from_time="-", to_time="+",
                                        filters=["kind=big"], with_labels=True))
    assert df.height == 240_000
    # Each series got a quarter of a page in the first reply, the rest in pages of its own.
    mrange = logged(r, "TS.MRANGE")[0]
    assert mrange[mrange.index("COUNT") + 1] == "25000"
    # big:0's 25,000th sample is at 10_000 + 2 * 24_999 = 59_998; big:1's one millisecond later.
    assert [p[1:3] for p in logged(r, "TS.RANGE")[:2]] == [["big:0", "59999"], ["big:1", "60000"]]
    grouped = pr.read_timeseries_multi(url + protocol, ["kind=big"], group_by="half", reducer="max")
    expected = oracle_multi(r, from_time="-", to_time="+", filters=["kind=big"], groupby="half", reduce="max")
    assert_frame_equal(grouped.drop("half"), expected)
    assert grouped.height == 120_000
    assert pr.scan_timeseries_multi(url + protocol, ["kind=big"]).head(30_000).collect().height == 30_000


def test_multi_projection_head_and_aggregation_options(r: redis.Redis, url: str) -> None:
    load_fleet(r)
    lf = pr.scan_timeseries_multi(url, ["type=temperature"], with_labels=True, filter_by_value=(50, 200),
                                  aggregation="count", bucket_size_ms=20_000, align=500)
    expected = oracle_multi(r, labels=["sensor"], from_time="-", to_time="+", filters=["type=temperature"],
                            with_labels=True, filter_by_min_value=50, filter_by_max_value=200,
                            aggregation_type="count", bucket_size_msec=20_000, align=500)
    assert_frame_equal(lf.select("_ts", "value", "_key", "sensor").collect(), expected)
    assert_frame_equal(lf.select("sensor").head(7).collect(), expected.select("sensor").head(7))
    assert lf.select(pl.len()).collect().item() == expected.height


@pytest.mark.parametrize(("args", "kwargs", "message"), [
    ("type=x", {}, "filters must be a non-empty list"),
    ([], {}, "filters must be a non-empty list"),
    (["type=x"], dict(group_by="facility"), "group_by and reducer go together"),
    (["type=x"], dict(reducer="avg"), "group_by and reducer go together"),
    (["type=x"], dict(group_by="facility", reducer="median"), "unknown reducer"),
    (["type=x"], dict(with_labels=True, selected_labels=["a"]), "exclude each other"),
    (["type=x"], dict(selected_labels="a"), "selected_labels must be a list"),
    (["type=x"], dict(selected_labels=["value"]), "used twice"),
    (["type=x"], dict(aggregation="avg"), "needs bucket_size_ms"),
])
def test_multi_invalid_arguments(url: str, args, kwargs: dict, message: str) -> None:
    with pytest.raises(pr.ConfigurationError, match=message):
        pr.scan_timeseries_multi(url, args, **kwargs)


def test_multi_server_rejects_filters_without_matcher(r: redis.Redis, url: str) -> None:
    load_fleet(r, points=5)
    with pytest.raises(pr.ResponseError, match="TS.QUERYINDEX failed: .*matcher"):
        pr.read_timeseries_multi(url, ["type!=x"])
    with pytest.raises(pr.ResponseError, match="TS.MGET failed: .*matcher"):  # with_labels asks for names first
        pr.read_timeseries_multi(url, ["type!=x"], with_labels=True)


# --- the spec's examples, as written -------------------------------------------------------------


def naive_utc_ms(value: datetime) -> int:
    return int(value.replace(tzinfo=timezone.utc).timestamp() * 1000)


def load_recent(r: redis.Redis, key: str, labels: dict[str, str], step_ms: int, seed: int) -> None:
    """Samples for the last 23 hours and 25-30 hours ago: a window of 'the last 24 hours' opened
    at any moment of the test includes exactly the first part."""
    now = naive_utc_ms(datetime.now())
    rng = random.Random(seed)
    old = range(now - 30 * 3_600_000, now - 25 * 3_600_000, step_ms)
    recent = range(now - 23 * 3_600_000, now, step_ms)
    load(r, key, [(ts, rng.randint(0, 3200) / 8) for ts in [*old, *recent]], labels)


def test_spec_aggregation_pushdown_example(r: redis.Redis, url: str) -> None:
    load_recent(r, "sensor:temp:1", {"type": "temperature"}, step_ms=1000, seed=1)
    import polars_redis as redis  # the spec's name for the module

    # Downsample 1-second data to 1-minute averages
    lf = redis.scan_timeseries(
        url,
        key="sensor:temp:1",
        start=datetime.now() - timedelta(hours=24),
        aggregation="avg",
        bucket_size_ms=60_000,  # 1 minute
    )

    # Returns pre-aggregated data - minimal network transfer
    hourly_temps = lf.collect()

    start = naive_utc_ms(datetime.now() - timedelta(hours=24))
    expected = frame(r.ts().range("sensor:temp:1", start, "+", aggregation_type="avg", bucket_size_msec=60_000))
    assert 23 * 60 <= expected.height <= 23 * 60 + 1
    assert_frame_equal(hourly_temps, expected)


def test_spec_multi_sensor_groupby_example(r: redis.Redis, url: str) -> None:
    for i, (location, country) in enumerate([("nyc", "us"), ("nyc", "us"), ("sf", "us"), ("berlin", "de")]):
        load_recent(r, f"temp:{i}", {"type": "temperature", "country": country, "location": location, "unit": "c"},
                    step_ms=60_000, seed=i)
    import polars_redis as redis

    # Get max temperature per location, aggregated hourly
    lf = redis.scan_timeseries_multi(
        url,
        filters=["type=temperature", "country=us"],
        aggregation="max",
        bucket_size_ms=3600_000,  # 1 hour
        group_by="location",
        reducer="max",
        selected_labels=["location", "unit"],
    )

    result = lf.collect()
    # Columns: _ts, value, _key, location, unit
    assert result.columns == ["_ts", "value", "_key", "location", "unit"]
    expected = oracle_multi(r, labels=["location", "unit"], from_time="-", to_time="+",
                            filters=["type=temperature", "country=us"], aggregation_type="max",
                            bucket_size_msec=3_600_000, groupby="location", reduce="max",
                            select_labels=["location", "unit"])
    assert_frame_equal(result, expected)
    assert set(result["location"]) == {"nyc", "sf"}
    # A grouped series carries only its group label: the server reports no unit for it.
    assert result["unit"].null_count() == result.height


def test_spec_iot_dashboard_example(r: redis.Redis, url: str) -> None:
    for i, kind in enumerate(["temperature", "humidity", "pressure"]):
        load_recent(r, f"building_a:{kind}", {"facility": "building_a", "sensor_type": kind}, step_ms=30_000, seed=i)
    load_recent(r, "building_b:temperature", {"facility": "building_b", "sensor_type": "temperature"},
                step_ms=30_000, seed=9)
    import polars_redis as redis

    # Last 24 hours of sensor readings, 5-minute averages
    sensors = redis.scan_timeseries_multi(
        url,
        filters=["facility=building_a"],
        start=datetime.now() - timedelta(hours=24),
        aggregation="avg",
        bucket_size_ms=300_000,  # 5 minutes
        with_labels=True,
    )

    # Pivot by sensor type for dashboard
    dashboard_data = (
        sensors
        .with_columns(pl.from_epoch("_ts", time_unit="ms").alias("time"))
        .collect()
    )

    start = naive_utc_ms(datetime.now() - timedelta(hours=24))
    expected = oracle_multi(r, labels=["facility", "sensor_type"], from_time=start, to_time="+",
                            filters=["facility=building_a"], aggregation_type="avg", bucket_size_msec=300_000,
                            with_labels=True)
    expected = expected.with_columns(pl.from_epoch("_ts", time_unit="ms").alias("time"))
    assert dashboard_data.columns == ["_ts", "value", "_key", "facility", "sensor_type", "time"]
    assert_frame_equal(dashboard_data, expected)
    assert dashboard_data.height == 3 * expected.filter(pl.col("_key") == "building_a:humidity").height > 3 * 270


def test_spec_use_case_real_time_dashboard(r: redis.Redis, url: str) -> None:
    for i, facility in enumerate(["plant_1", "plant_1", "plant_2", "plant_3"]):
        load_recent(r, f"us:{i}", {"region": "us", "type": "temperature", "facility": facility}, step_ms=5_000, seed=i)
    load_recent(r, "eu:0", {"region": "eu", "type": "temperature", "facility": "plant_1"}, step_ms=5_000, seed=7)
    import polars_redis as redis

    # 5-minute averages for last 24 hours, all US sensors
    lf = redis.scan_timeseries_multi(
        url,
        filters=["region=us", "type=temperature"],
        start=datetime.now() - timedelta(hours=24),
        aggregation="avg",
        bucket_size_ms=300_000,  # 5 min
        group_by="facility",
        reducer="avg",
    )

    # Polars does the pivot/reshape
    dashboard = (
        lf.with_columns(pl.from_epoch("_ts", time_unit="ms").alias("time"))
        .collect()
        .pivot(on="facility", index="time", values="value")
    )

    # Expected, by hand from redis-py's grouped TS.MRANGE: one column per facility.
    start = naive_utc_ms(datetime.now() - timedelta(hours=24))
    by_time: dict[int, dict[str, float]] = {}
    for entry in r.ts().mrange(start, "+", ["region=us", "type=temperature"], aggregation_type="avg",
                               bucket_size_msec=300_000, groupby="facility", reduce="avg"):
        (name, (_, samples)), = entry.items()
        for ts, value in samples:
            by_time.setdefault(int(ts), {})[name.removeprefix("facility=")] = float(value)
    assert dashboard.columns == ["time", "plant_1", "plant_2", "plant_3"]
    assert dashboard.height == len(by_time) >= 23 * 12
    expected_times = [datetime.fromtimestamp(ts / 1000, timezone.utc).replace(tzinfo=None) for ts in by_time]
    assert dashboard["time"].to_list() == expected_times
    for facility in ["plant_1", "plant_2", "plant_3"]:
        assert dashboard[facility].to_list() == [row.get(facility) for row in by_time.values()]


# --- property: what redis-py added is what comes back --------------------------------------------

SERIES = st.dictionaries(
    st.integers(0, 2**47), st.floats(allow_nan=False, allow_infinity=False, width=64), min_size=0, max_size=60,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(series=SERIES, bounds=st.tuples(st.integers(0, 2**47), st.integers(0, 2**47)))
def test_added_samples_read_back_exactly(r: redis.Redis, url: str, series: dict[int, float], bounds) -> None:
    r.flushall()
    samples = sorted(series.items())
    r.ts().create("p", duplicate_policy="last")
    if samples:  # (RedisTimeSeries refuses NaN and infinities)
        assert r.ts().madd([("p", ts, value) for ts, value in samples]) == [ts for ts, _ in samples]
    assert_frame_equal(pr.read_timeseries(url, "p"), frame(samples))  # RESP3 doubles are exact
    lo, hi = min(bounds), max(bounds)
    window = [s for s in samples if lo <= s[0] <= hi]
    for protocol in PROTOCOLS:
        assert_frame_equal(pr.read_timeseries(url + protocol, "p", start=lo, end=hi), frame(window))
