"""scan_set / scan_list / scan_zset against a real Redis Stack, checked with redis-py.

Expected frames come from redis-py's own reads (SMEMBERS, LRANGE, ZRANGE WITHSCORES, ZRANK) or
from the data the test loaded, never from our output.
"""

from __future__ import annotations

import threading
from datetime import date

import polars as pl
import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

import polars_redis as pr
from background import in_background
from conftest import command_calls

BIG = 25_000  # several pages for every reader (first page 1000, later pages 8192 / SSCAN 10000)


def _resp2(url: str) -> str:
    return url + ("&" if "?" in url else "?") + "protocol=2"


def _sets_oracle(r: redis.Redis, keys: list[str]) -> pl.DataFrame:
    rows = [(key, member.decode()) for key in keys for member in r.smembers(key)]
    return pl.DataFrame(rows, schema={"_key": pl.String, "member": pl.String}, orient="row").sort("_key", "member")


def _lists_oracle(r: redis.Redis, keys: list[str]) -> pl.DataFrame:
    rows = [(key, element.decode(), i) for key in keys for i, element in enumerate(r.lrange(key, 0, -1))]
    return pl.DataFrame(rows, schema={"_key": pl.String, "element": pl.String, "position": pl.Int64}, orient="row")


def _zsets_oracle(r: redis.Redis, keys: list[str], low: str = "-inf", high: str = "+inf",
                  count: int | None = None) -> pl.DataFrame:
    rows = []
    for key in keys:
        pairs = r.zrangebyscore(key, low, high, withscores=True, start=0 if count else None, num=count)
        rows += [(key, member.decode(), score, r.zrank(key, member)) for member, score in pairs]
    return pl.DataFrame(rows, schema={"_key": pl.String, "member": pl.String, "score": pl.Float64, "rank": pl.Int64},
                        orient="row")


def _load_collections(r: redis.Redis) -> None:
    """Small sets/lists/zsets in every encoding (intset, listpack, hashtable/skiplist) and big ones."""
    r.sadd("set:ints", *range(300))                                   # intset
    r.sadd("set:small", "a", "b", "c", "é", "x y")                    # listpack
    r.sadd("set:wide", *[f"member-{i}-" + "w" * 70 for i in range(200)])  # hashtable, one SSCAN page
    r.sadd("set:big", *[f"m{i}" for i in range(BIG)])
    r.rpush("list:small", "a", "b", "a", "a", "")                      # duplicates and an empty element kept
    r.rpush("list:exact", *[f"e{i}" for i in range(1000)])            # exactly one first page
    r.rpush("list:big", *[f"e{i % 777}" for i in range(BIG)])
    r.zadd("zset:small", {"a": 1.5, "b": -2, "c": 1.5, "d": float("inf"), "e": 0})
    r.zadd("zset:big", {f"p{i}": i % 1000 for i in range(BIG)})       # long runs of equal scores


def test_read_set_matches_smembers(r: redis.Redis, url: str) -> None:
    _load_collections(r)
    keys = ["set:ints", "set:small", "set:wide", "set:big"]
    df = pr.read_set(url, "set:*")
    assert df.schema == pl.Schema({"_key": pl.String, "member": pl.String})
    assert df.height == 300 + 5 + 200 + BIG
    assert_frame_equal(df.sort("_key", "member"), _sets_oracle(r, keys))


def test_read_list_matches_lrange(r: redis.Redis, url: str) -> None:
    _load_collections(r)
    keys = ["list:big", "list:exact", "list:small"]
    df = pr.read_list(url, "list:*")
    assert df.schema == pl.Schema({"_key": pl.String, "element": pl.String, "position": pl.Int64})
    # Within a key, rows come in list order; keys may interleave.
    assert_frame_equal(df.sort("_key", maintain_order=True), _lists_oracle(r, keys))
    assert df.filter(pl.col("_key") == "list:small")["element"].to_list() == ["a", "b", "a", "a", ""]


def test_read_zset_matches_zrange_withscores(r: redis.Redis, url: str) -> None:
    _load_collections(r)
    df = pr.read_zset(url, "zset:*", include_rank=True)
    assert df.schema == pl.Schema(
        {"_key": pl.String, "member": pl.String, "score": pl.Float64, "rank": pl.Int64}
    )
    # Rows of one key come in ZRANGE order (ascending score, ties by member), so this also checks order.
    assert_frame_equal(df.sort("_key", maintain_order=True), _zsets_oracle(r, ["zset:big", "zset:small"]))
    small = df.filter(pl.col("_key") == "zset:small")
    assert small["member"].to_list() == ["b", "e", "a", "c", "d"]
    assert small["score"].to_list() == [-2.0, 0.0, 1.5, 1.5, float("inf")]
    assert small["rank"].to_list() == [0, 1, 2, 3, 4]


@pytest.mark.parametrize(
    ("low", "high"),
    [(10, 20), ("(10", 20), (10, "(20"), ("(10", "(20"), ("-inf", "(3"), ("(998", "+inf"), (25.5, 25.5),
     (-5.0, float("inf")), (20, 10)],
)
def test_score_bounds_match_zrangebyscore(r: redis.Redis, url: str, low: object, high: object) -> None:
    _load_collections(r)
    df = pr.read_zset(url, "zset:*", min_score=low, max_score=high, include_rank=True)
    text = [str(b) if not isinstance(b, float) or b not in (float("inf"), float("-inf")) else
            ("+inf" if b > 0 else "-inf") for b in (low, high)]
    expected = _zsets_oracle(r, ["zset:big", "zset:small"], text[0], text[1])
    assert_frame_equal(df.sort("_key", maintain_order=True), expected)


def test_large_bounded_zset_without_rank(r: redis.Redis, url: str) -> None:
    """Pages after the first need the rank of the first member in range (ZCOUNT) when the first
    page did not ask for it."""
    _load_collections(r)
    df = pr.read_zset(url, "zset:big", min_score="(100", max_score=900)
    expected = _zsets_oracle(r, ["zset:big"], "(100", "900").drop("rank")
    assert df.height == BIG * 800 // 1000
    assert_frame_equal(df, expected)


@pytest.mark.parametrize("count", [1, 3, 1000, 1500, 9000])
def test_count_caps_members_per_key(r: redis.Redis, url: str, count: int) -> None:
    _load_collections(r)
    df = pr.read_zset(url, "zset:*", min_score=5, count=count, include_rank=True)
    expected = _zsets_oracle(r, ["zset:big", "zset:small"], "5", "+inf", count)
    assert_frame_equal(df.sort("_key", maintain_order=True), expected)
    unbounded = pr.read_zset(url, "zset:big", count=count)
    assert_frame_equal(unbounded, _zsets_oracle(r, ["zset:big"], count=count).drop("rank"))
    assert pr.scan_zset(url, "zset:*", min_score=5, count=count).select(pl.len()).collect().item() == expected.height


@pytest.mark.parametrize("protocol_2", [False, True], ids=["resp3", "resp2"])
def test_resp2_and_resp3_give_identical_frames(r: redis.Redis, url: str, protocol_2: bool) -> None:
    _load_collections(r)
    other = _resp2(url) if protocol_2 else url
    for reader, kwargs in [(pr.read_set, {}), (pr.read_list, {}),
                           (pr.read_zset, {"include_rank": True}), (pr.read_zset, {"min_score": "(7", "count": 2000})]:
        ours = reader(url, "*", **kwargs).sort(pl.all())
        theirs = reader(other, "*", **kwargs).sort(pl.all())
        assert_frame_equal(ours, theirs)
    # Scores cross RESP2 as text ("inf", "1.5") and RESP3 as doubles: both parse to the same floats.
    scores = pr.read_zset(_resp2(url), "zset:small")["score"].to_list()
    assert scores == [s for _, s in r.zrange("zset:small", 0, -1, withscores=True)]


def test_typed_members(r: redis.Redis, url: str) -> None:
    r.sadd("ints", 3, -7, 12)
    r.rpush("floats", "1.5", "2", "-0.25")
    r.zadd("days", {"2024-01-02": 2, "2023-12-31": 1})
    ints = pr.read_set(url, "ints", member_type=pl.Int64)
    assert ints.schema["member"] == pl.Int64
    assert sorted(ints["member"]) == sorted(int(m) for m in r.smembers("ints"))
    floats = pr.read_list(url, "floats", element_type=pl.Float64)
    assert floats["element"].to_list() == [float(v) for v in r.lrange("floats", 0, -1)]
    days = pr.read_zset(url, "days", member_type=pl.Date)
    assert days["member"].to_list() == [date(2023, 12, 31), date(2024, 1, 2)]
    categories = pr.read_set(url, "ints", member_type=pl.Categorical)
    assert categories.schema["member"] == pl.Categorical


def test_member_parse_errors_name_member_key_and_dtype(r: redis.Redis, url: str) -> None:
    r.sadd("s", "1", "two")
    r.rpush("l", "1", "x")
    r.zadd("z", {"1": 1, "oops": 2})
    with pytest.raises(pr.SchemaError, match=r"member 'two' of set 's' as Int64"):
        pr.read_set(url, "s", member_type=pl.Int64)
    with pytest.raises(pr.SchemaError, match=r"element 'x' of list 'l' as Int32"):
        pr.read_list(url, "l", element_type=pl.Int32)
    with pytest.raises(pr.SchemaError, match=r"member 'oops' of sorted set 'z' as Float64"):
        pr.read_zset(url, "z", member_type=pl.Float64)
    assert sorted(pr.read_set(url, "s", member_type=pl.Int64, ignore_errors=True)["member"].to_list(),
                  key=lambda v: (v is None, v)) == [1, None]
    assert pr.read_list(url, "l", element_type=pl.Int32, ignore_errors=True)["element"].to_list() == [1, None]
    assert pr.read_zset(url, "z", member_type=pl.Float64, ignore_errors=True)["member"].to_list() == [1.0, None]
    with pytest.raises(pr.ConfigurationError, match="List"):
        pr.scan_set(url, member_type=pl.List(pl.Int64))


def test_other_types_are_skipped(r: redis.Redis, url: str) -> None:
    r.sadd("k:set", "a")
    r.rpush("k:list", "b")
    r.zadd("k:zset", {"c": 1})
    r.hset("k:hash", "f", "v")
    r.set("k:string", "s")
    r.json().set("k:json", "$", {"a": 1})
    r.xadd("k:stream", {"f": "v"})
    assert pr.read_set(url, "k:*").rows() == [("k:set", "a")]
    assert pr.read_list(url, "k:*").rows() == [("k:list", "b", 0)]
    assert pr.read_zset(url, "k:*").rows() == [("k:zset", "c", 1.0)]
    for scan in (pr.scan_set, pr.scan_list, pr.scan_zset):
        assert scan(url, "k:*").select(pl.len()).collect().item() == 1
        assert scan(url, "k:*").select("_key").collect().height == 1


def test_key_only_projection_reads_cardinality_not_members(r: redis.Redis, url: str) -> None:
    _load_collections(r)
    r.config_resetstat()
    sets = pr.scan_set(url, "set:*").select("_key").collect()
    lists = pr.scan_list(url, "list:*").select("_key").collect()
    zsets = pr.scan_zset(url, "zset:*", max_score="(500").select("_key").collect()
    for command in ("sscan", "smembers", "lrange", "zrange", "zrangebyscore"):
        assert command_calls(r, command) == 0, command
    assert command_calls(r, "scard") == 4 and command_calls(r, "llen") == 3 and command_calls(r, "zcount") == 2
    expected_sets = {k: r.scard(k) for k in ("set:ints", "set:small", "set:wide", "set:big")}
    assert sets.group_by("_key").len().rows() and dict(sets.group_by("_key").len().rows()) == expected_sets
    assert dict(lists.group_by("_key").len().rows()) == {k: r.llen(k) for k in ("list:small", "list:exact", "list:big")}
    assert dict(zsets.group_by("_key").len().rows()) == {k: r.zcount(k, "-inf", "(500") for k in ("zset:small", "zset:big")}
    total = sum(expected_sets.values())
    assert pr.scan_set(url, "set:*").select(pl.len()).collect().item() == total
    assert pr.scan_set(url, "set:*", include_key=False).select(pl.len()).collect().item() == total


def test_projection_of_one_column_each(r: redis.Redis, url: str) -> None:
    _load_collections(r)
    scores = pr.scan_zset(url, "zset:big").select("score").collect()["score"]
    assert scores.to_list() == [s for _, s in r.zrange("zset:big", 0, -1, withscores=True)]
    positions = pr.scan_list(url, "list:big").select("position").collect()["position"]
    assert positions.to_list() == list(range(BIG))
    ranks = pr.scan_zset(url, "zset:big", min_score=500, include_rank=True).select("rank").collect()["rank"]
    assert ranks.to_list() == list(range(r.zcount("zset:big", "-inf", "(500"), BIG))


def test_head_reads_only_the_first_pages(r: redis.Redis, url: str) -> None:
    _load_collections(r)
    r.config_resetstat()
    head = pr.scan_list(url, "list:big").head(10).collect()
    assert_frame_equal(head, _lists_oracle(r, ["list:big"]).head(10))
    assert command_calls(r, "lrange") == 1 + 1  # ours: the first page only; plus the oracle's one
    r.config_resetstat()
    assert pr.scan_zset(url, "zset:big").head(2500).collect().height == 2500
    assert command_calls(r, "zrange") <= 1 + 4  # the first page and at most one window of pages
    assert pr.scan_set(url, "set:big").head(5).collect().height == 5
    assert pr.scan_set(url, "set:*").select("_key").head(7).collect().height == 7


def test_filter_and_row_index(r: redis.Redis, url: str) -> None:
    _load_collections(r)
    df = pr.read_list(url, "list:big", include_row_index=True, row_index_offset=5)
    assert df["_index"].to_list() == list(range(5, 5 + BIG))
    hits = pr.scan_list(url, "list:*").filter(pl.col("element") == "e7").select("_key", "position").collect()
    expected = _lists_oracle(r, ["list:big", "list:exact", "list:small"]).filter(pl.col("element") == "e7")
    assert_frame_equal(hits.sort(pl.all()), expected.select("_key", "position").sort(pl.all()))


def test_column_names(r: redis.Redis, url: str) -> None:
    r.zadd("z", {"a": 1})
    r.rpush("l", "x")
    r.sadd("s", "y")
    df = pr.read_zset(url, "z", key_column_name="board", member_column_name="player", score_column_name="pts",
                      include_rank=True, rank_column_name="pos")
    assert df.rows(named=True) == [{"board": "z", "player": "a", "pts": 1.0, "pos": 0}]
    assert pr.read_list(url, "l", include_position=False, element_column_name="v").rows(named=True) == [
        {"_key": "l", "v": "x"}]
    assert pr.read_set(url, "s", include_key=False, member_column_name="tag").rows() == [("y",)]
    with pytest.raises(pr.ConfigurationError, match="used twice"):
        pr.scan_zset(url, member_column_name="score")


def test_invalid_options(url: str) -> None:
    for bad in ("five", "((5", "5)", "", "nan"):
        with pytest.raises(pr.ConfigurationError, match="min_score"):
            pr.scan_zset(url, min_score=bad)
    with pytest.raises(pr.ConfigurationError, match="max_score"):
        pr.scan_zset(url, max_score=float("nan"))
    with pytest.raises(pr.ConfigurationError, match="count"):
        pr.scan_zset(url, count=0)
    with pytest.raises(pr.ConfigurationError, match="batch_size"):
        pr.scan_set(url, batch_size=0)


def test_empty_match_gives_empty_frame_with_schema(r: redis.Redis, url: str) -> None:
    r.sadd("s", "a")
    r.delete("s")  # an emptied collection no longer exists in Redis
    assert pr.read_set(url, "s").schema == pl.Schema({"_key": pl.String, "member": pl.String})
    assert pr.read_set(url, "s").height == 0
    assert pr.read_list(url, "nothing:*", include_row_index=True).schema == pl.Schema(
        {"_index": pl.UInt32, "_key": pl.String, "element": pl.String, "position": pl.Int64})
    assert pr.read_zset(url, "nothing:*").height == 0


def test_set_growing_during_scan_has_no_duplicates(r: redis.Redis, url: str) -> None:
    """SSCAN may return a member twice when the set is resized between calls; every member present
    for the whole scan must appear exactly once."""
    original = [f"o{i}" for i in range(BIG)]
    r.sadd("grow", *original)

    def grow(stop: threading.Event) -> None:
        writer = redis.Redis.from_url(url)
        i = 0
        while not stop.is_set() and i < 400_000:
            writer.sadd("grow", *[f"n{j}" for j in range(i, i + 2000)])
            i += 2000
        writer.close()

    with in_background(grow):
        members = pr.scan_set(url, "grow", batch_size=100).collect()["member"]
    assert members.is_duplicated().sum() == 0
    assert set(original) <= set(members.to_list())


def test_spec_sorted_sets_example(r: redis.Redis, url: str) -> None:
    """The example under "Sorted Sets Support", as written."""
    redis_ = pr
    r.zadd("leaderboard:eu", {f"eu{i}": i for i in range(-5, 150)})
    r.zadd("leaderboard:us", {f"us{i}": i * 0.5 for i in range(150)})
    # Get top 100 users by score
    lf = redis_.scan_zset(
        url,
        pattern="leaderboard:*",
        min_score=0,
    )

    top_100 = lf.sort("score", descending=True).head(100).collect()
    everyone = [(k, m.decode(), s) for k in ("leaderboard:eu", "leaderboard:us")
                for m, s in r.zrangebyscore(k, 0, "+inf", withscores=True)]
    expected = sorted(everyone, key=lambda row: -row[2])[:100]
    assert top_100.height == 100
    assert top_100["score"].to_list() == [row[2] for row in expected]
    assert set(top_100.rows()) <= set(everyone)


def test_spec_leaderboard_export(r: redis.Redis, url: str) -> None:
    """Use case example 4, "Leaderboard Export (Sorted Set)", as written."""
    redis_ = pr
    players = {f"player{i}": (i * 7919) % 5000 - 100 for i in range(3000)}
    r.zadd("leaderboard:global", players)
    # Top 1000 players with their ranks
    lf = redis_.scan_zset(
        url,
        pattern="leaderboard:global",
        min_score=0,
    )

    top_players = (
        lf.sort("score", descending=True)
        .head(1000)
        .with_row_index("rank", offset=1)
        .collect()
    )
    ordered = r.zrevrangebyscore("leaderboard:global", "+inf", 0, withscores=True)
    assert top_players.columns == ["rank", "_key", "member", "score"]
    assert top_players["rank"].to_list() == list(range(1, 1001))
    assert top_players["score"].to_list() == [s for _, s in ordered[:1000]]
    assert set(top_players["member"]) <= {m.decode() for m, s in ordered}
    assert set(top_players["member"]) >= {m.decode() for m, s in ordered if s > ordered[999][1]}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    members=st.dictionaries(st.text(min_size=1, max_size=20),
                            st.floats(allow_nan=False, allow_infinity=True, width=64), min_size=1, max_size=40),
    elements=st.lists(st.text(max_size=20), min_size=1, max_size=40),
    bounds=st.tuples(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6), st.booleans(), st.booleans()),
)
def test_random_collections_read_back_as_redis_py_sees_them(
    r: redis.Redis, url: str, members: dict[str, float], elements: list[str],
    bounds: tuple[float, float, bool, bool],
) -> None:
    """Any text members, any scores (infinities included), any bounds: equal to redis-py's reads."""
    r.flushall()
    r.zadd("z", members)
    r.sadd("s", *members)
    r.rpush("l", *elements)
    low = ("(" if bounds[2] else "") + repr(bounds[0])
    high = ("(" if bounds[3] else "") + repr(bounds[1])
    assert_frame_equal(pr.read_zset(url, "z", min_score=low, max_score=high, include_rank=True),
                       _zsets_oracle(r, ["z"], low, high))
    assert_frame_equal(pr.read_zset(url, "z"), _zsets_oracle(r, ["z"]).drop("rank"))
    assert_frame_equal(pr.read_set(url, "s").sort("member"), _sets_oracle(r, ["s"]))
    assert_frame_equal(pr.read_list(url, "l"), _lists_oracle(r, ["l"]))
