"""Filters pushed to RediSearch: the same rows with and without the index, for every operator and
field type, hostile literals included; the server really did less work; explain shows the query."""

from __future__ import annotations

import math
import re
import warnings

import polars as pl
import pytest
import redis

import polars_redis as pr
from conftest import command_calls, load_hashes, wait_indexed

SCHEMA = {
    "qty": pl.Int64, "price": pl.Float64, "big": pl.Int64, "category": pl.String, "name": pl.String,
    "flag": pl.Boolean, "opt": pl.String, "code": pl.String,
}
HOSTILE = ["a | @qty:{y}", "-", "*", 'quo"te', "{br}", "ünï cödé", "Mixed Case", "comma,sep", " spaced ", "x",
           "back\\slash", "(paren)", "$dollar", "~tilde", "@at", ""]
NAMES = ["Alice Smith", "the who", "Bob-Marley", "running fast", "ünïcode wörd", "Zoë O'Brien", "alice", "x y z",
         "Smithy Alison"]
FLAGS = ["true", "false", "1", "0", "yes", "no", "TRUE", "off"]
BIG = 2**60
# A LazyFrame's collect surfaces our error as is on Polars 2, wrapped in a ComputeError on 1.x.
LAZY_ERRORS = (pr.ConfigurationError, pl.exceptions.ComputeError)


def _rows() -> dict[str, dict[str, str]]:
    rows = {}
    for i in range(240):
        fields = {
            "price": repr(round(i * 0.37, 2)),
            "category": HOSTILE[i % len(HOSTILE)],
            "name": NAMES[i % len(NAMES)],
            "flag": FLAGS[i % len(FLAGS)],
            "code": f"c{i % 7}",
        }
        if i % 11:
            fields["qty"] = str(i % 100)
        if i % 3 == 0:
            fields["opt"] = f"o{i % 4}"
        if i % 40 == 0:
            fields["big"] = str(BIG + i)  # beyond 2**53: RediSearch keeps only a double
        elif i % 5 == 0:
            fields["big"] = str(i)
        rows[f"p:{i}"] = fields
    rows["other:1"] = {"qty": "5", "category": "x"}  # outside the index's prefix and the pattern
    return rows


def _bool(text: str) -> bool:
    return text.lower() in ("true", "1", "yes", "t", "y", "on")


def _oracle(client: redis.Redis) -> pl.DataFrame:
    """The frame built from redis-py's own reads, with the dtypes parsed here."""
    records = []
    for key in client.scan_iter(match="p:*"):
        raw = {k.decode(): v.decode() for k, v in client.hgetall(key).items()}
        records.append({
            "_key": key.decode(),
            "qty": int(raw["qty"]) if "qty" in raw else None,
            "price": float(raw["price"]),
            "big": int(raw["big"]) if "big" in raw else None,
            "category": raw["category"],
            "name": raw["name"],
            "flag": _bool(raw["flag"]),
            "opt": raw.get("opt"),
            "code": raw["code"],
        })
    return pl.DataFrame(records, schema={"_key": pl.String, **SCHEMA})


@pytest.fixture()
def indexed(r: redis.Redis, url: str) -> pl.DataFrame:
    load_hashes(r, _rows())
    r.execute_command(
        "FT.CREATE", "idx:p", "ON", "HASH", "PREFIX", "1", "p:", "SCHEMA",
        "qty", "NUMERIC", "price", "NUMERIC", "big", "NUMERIC", "category", "TAG", "name", "TEXT",
        "flag", "TAG", "opt", "TAG", "INDEXMISSING",
    )
    _wait_indexed(r, "idx:p")
    return _oracle(r)


def _wait_indexed(r: redis.Redis, index: str) -> None:
    wait_indexed(r, index)


def _collect(lf: pl.LazyFrame) -> pl.DataFrame:
    with warnings.catch_warnings():
        # A silent fallback to a full scan would hide a bug; a term refused (and said so) is fine.
        warnings.filterwarnings("ignore", "index .*: not pushed", pr.PushdownWarning)
        warnings.filterwarnings("error", ".*full scan", pr.PushdownWarning)
        return lf.collect().sort("_key")


PREDICATES = {
    "qty ==": pl.col("qty") == 5,
    "qty !=": pl.col("qty") != 5,
    "qty <": pl.col("qty") < 10,
    "qty <=": pl.col("qty") <= 10,
    "qty >": pl.col("qty") > 90,
    "qty >=": pl.col("qty") >= 90,
    "qty between both": pl.col("qty").is_between(10, 20),
    "qty between left": pl.col("qty").is_between(10, 20, closed="left"),
    "qty between right": pl.col("qty").is_between(10, 20, closed="right"),
    "qty between none": pl.col("qty").is_between(10, 20, closed="none"),
    "qty is_in": pl.col("qty").is_in([1, 2, 3, 77]),
    "qty is_null": pl.col("qty").is_null(),
    "qty is_not_null": pl.col("qty").is_not_null(),
    "not qty >": ~(pl.col("qty") > 50),
    "not is_in": ~pl.col("qty").is_in([1, 2, 3]),
    "price float": pl.col("price") > 50.5,
    "price tiny": pl.col("price") < 1e-3,
    "big beyond 2**53": pl.col("big") > BIG + 40,
    "big == beyond 2**53": pl.col("big") == BIG + 80,
    "big < beyond 2**53": pl.col("big") < BIG + 80,
    "category starts_with": pl.col("category").str.starts_with("Mi"),
    "category ends_with": pl.col("category").str.ends_with("ase"),
    "category contains": pl.col("category").str.contains("ixed", literal=True),
    "category contains sep": pl.col("category").str.contains("ma,se", literal=True),
    "category starts short": pl.col("category").str.starts_with("M"),
    "category !=": pl.col("category") != "x",
    "not category ==": ~(pl.col("category") == "x"),
    "category is_in hostile": pl.col("category").is_in(HOSTILE[:8]),
    "name ==": pl.col("name") == "Alice Smith",
    "name == stopword": pl.col("name") == "the who",
    "name == punct": pl.col("name") == "Bob-Marley",
    "name == unicode": pl.col("name") == "Zoë O'Brien",
    "name starts_with": pl.col("name").str.starts_with("Ali"),
    "name starts_with two words": pl.col("name").str.starts_with("Alice Sm"),
    "name ends_with": pl.col("name").str.ends_with("arley"),
    "name contains": pl.col("name").str.contains("lic", literal=True),
    "name contains words": pl.col("name").str.contains("ning fa", literal=True),
    "name contains short": pl.col("name").str.contains("a", literal=True),
    "name regex": pl.col("name").str.contains("^Al.*h$"),
    "name is_in": pl.col("name").is_in(["alice", "x y z"]),
    "flag": pl.col("flag"),
    "flag false": pl.col("flag") == False,  # noqa: E712
    "not flag": ~pl.col("flag"),
    "opt is_null": pl.col("opt").is_null(),
    "opt is_not_null": pl.col("opt").is_not_null(),
    "opt ==": pl.col("opt") == "o3",
    "and": (pl.col("qty") > 10) & (pl.col("category") == "x"),
    "or": (pl.col("qty") < 5) | (pl.col("category") == "Mixed Case"),
    "or with untranslatable": (pl.col("qty") < 5) | (pl.col("code") == "c1"),
    "and with untranslatable": (pl.col("qty") > 10) & (pl.col("code").str.len_chars() == 2),
    "unindexed only": pl.col("code") == "c3",
    "key and field": (pl.col("_key").str.starts_with("p:1")) & (pl.col("qty") < 50),
    "nothing matches": pl.col("qty") > 1000,
    "not (a and b)": ~((pl.col("qty") > 10) & (pl.col("qty") < 20)),
    "nested or-and": ((pl.col("qty") < 3) & (pl.col("flag"))) | (pl.col("price") > 80),
}
HOSTILE_PREDICATES = {f"category == {value!r}": pl.col("category") == value for value in HOSTILE} | {
    "injection": pl.col("category") == "x} | @qty:[0 100] | @category:{",
    "injection text": pl.col("name") == "alice) | (@qty:[0 100]",
}


@pytest.mark.parametrize("name", list(PREDICATES) + list(HOSTILE_PREDICATES))
def test_same_rows_with_and_without_the_index(url: str, indexed: pl.DataFrame, name: str) -> None:
    predicate = {**PREDICATES, **HOSTILE_PREDICATES}[name]
    expected = indexed.filter(predicate).sort("_key")
    with_index = _collect(pr.scan_hashes(url, "p:*", SCHEMA, search_index="idx:p").filter(predicate))
    without = _collect(pr.scan_hashes(url, "p:*", SCHEMA).filter(predicate))
    assert without.equals(expected), name
    assert with_index.equals(expected), name


def _query(url: str, predicate: pl.Expr) -> str | None:
    text = pr.explain(pr.scan_hashes(url, "p:*", SCHEMA, search_index="idx:p").filter(predicate))
    line = next((line for line in text.splitlines() if "FT.AGGREGATE" in line), None)
    return line


@pytest.mark.parametrize(
    ("predicate", "fragment"),
    [
        (pl.col("qty") > 90, "@qty:[(90 +inf]"),
        (pl.col("qty") <= 10, "@qty:[-inf 10]"),
        (pl.col("qty") == 5, "@qty:[5 5]"),
        (pl.col("qty").is_between(10, 20, closed="left"), "@qty:[10 (20]"),
        (pl.col("big") > BIG + 40, "@big:[1.152921504606847e+18 +inf]"),  # widened, inclusive
        (pl.col("category") == "a | @qty:{y}", r"@category:{a\ \|\ \@qty\:\{y\}}"),
        (pl.col("category") == "Mixed Case", r"@category:{Mixed\ Case}"),
        (pl.col("category").str.starts_with("Mi"), "@category:{Mi*}"),
        (pl.col("name") == "the who", "@name:who"),
        (pl.col("name").str.starts_with("Alice Sm"), "@name:(Alice Sm*)"),
        (pl.col("flag"), "@flag:{true | 1 | yes | t | y | on}"),
        (pl.col("opt").is_null(), "ismissing(@opt)"),
        (~(pl.col("qty") > 50), "@qty:[-inf 50]"),  # Polars itself rewrites the negation
        (~pl.col("qty").is_in([1, 2]), "-((@qty:[1 1]) | (@qty:[2 2]))"),
    ],
)
def test_translation_reaches_the_server(url: str, indexed: pl.DataFrame, predicate: pl.Expr, fragment: str) -> None:
    line = _query(url, predicate)
    assert line is not None and fragment in line, line


@pytest.mark.parametrize(
    ("predicate", "reason"),
    [
        (pl.col("category") != "x", "TAG attributes answer =="),  # case-folded, split: not negatable
        (~(pl.col("name") == "alice"), "TEXT attributes answer =="),  # Polars turns ~(==) into !=
        (pl.col("code") == "c1", None),  # not an index attribute
        (pl.col("name").str.contains("a", literal=True), "no word of 'a'"),  # a stop-word, too short
        ((pl.col("qty") < 5) | (pl.col("code") == "c1"), None),  # one OR branch cannot be pushed
        (pl.col("category") == "", "empty tags are indexed only with INDEXEMPTY"),
        (pl.col("category") == "comma,sep", "holds the attribute's separator"),
        (pl.col("category") == " spaced ", "starts or ends with white space"),
        (pl.col("category").str.ends_with("ase"), "cuts tags at 4096 bytes"),
        (pl.col("name").str.contains("lic", literal=True), "no word of 'lic'"),  # no infix: words are cut
        (pl.col("big") != BIG, "beyond \\+/-2\\^53"),
    ],
)
def test_untranslatable_filters_are_not_pushed(url: str, indexed: pl.DataFrame, predicate: pl.Expr,
                                               reason: str | None) -> None:
    lf = pr.scan_hashes(url, "p:*", SCHEMA, search_index="idx:p").filter(predicate)
    if reason is None:  # nothing to do with the index: no warning
        with warnings.catch_warnings():
            warnings.simplefilter("error", pr.PushdownWarning)
            text = pr.explain(lf)
    else:  # a term over an indexed attribute that is refused says why, in a warning and in explain
        with pytest.warns(pr.PushdownWarning, match=reason):
            text = pr.explain(lf)
        assert re.search("not pushed: .*" + reason, text), text
    assert "FT.AGGREGATE" not in text


def test_a_selective_filter_fetches_only_matching_keys(url: str, r: redis.Redis, indexed: pl.DataFrame) -> None:
    r.config_resetstat()
    df = _collect(pr.scan_hashes(url, "p:*", SCHEMA, search_index="idx:p").filter(pl.col("qty") == 5))
    assert df.height == indexed.filter(pl.col("qty") == 5).height > 0
    assert command_calls(r, "SCAN") == 0
    assert command_calls(r, "FT.AGGREGATE") == 1
    assert command_calls(r, "HGETALL") + command_calls(r, "HMGET") == df.height


def test_index_prefix_must_cover_the_pattern(url: str, indexed: pl.DataFrame) -> None:
    lf = pr.scan_hashes(url, "*", SCHEMA, search_index="idx:p").filter(pl.col("qty") == 5)
    with pytest.raises(LAZY_ERRORS, match="p:"):
        lf.collect()


def test_pattern_narrower_than_the_prefix_is_honoured(url: str, indexed: pl.DataFrame) -> None:
    predicate = pl.col("qty") < 30
    df = _collect(pr.scan_hashes(url, "p:1*", SCHEMA, search_index="idx:p").filter(predicate))
    expected = indexed.filter(predicate & pl.col("_key").str.starts_with("p:1")).sort("_key")
    assert df.equals(expected)


def test_missing_index_is_a_clear_error(url: str, indexed: pl.DataFrame) -> None:
    lf = pr.scan_hashes(url, "p:*", SCHEMA, search_index="idx:nope").filter(pl.col("qty") == 5)
    with pytest.raises(LAZY_ERRORS, match="idx:nope"):
        lf.collect()


def test_index_with_failures_is_not_trusted(url: str, r: redis.Redis, indexed: pl.DataFrame) -> None:
    r.hset("p:bad", mapping={"qty": "not a number", "price": "1", "category": "x", "name": "n", "flag": "true",
                             "code": "c"})
    _wait_indexed(r, "idx:p")
    lf = pr.scan_hashes(url, "p:*", SCHEMA, search_index="idx:p", ignore_errors=True).filter(pl.col("qty").is_null())
    with pytest.warns(pr.PushdownWarning, match="failed to index"):
        df = lf.collect()
    assert "p:bad" in df["_key"].to_list()  # the key the index lacks is still found


def test_prefix_expansion_limit_falls_back_to_a_full_scan(url: str, r: redis.Redis) -> None:
    load_hashes(r, {f"w:{i}": {"word": f"ab{i:04d}"} for i in range(300)})
    r.execute_command("FT.CREATE", "idx:w", "ON", "HASH", "PREFIX", "1", "w:", "SCHEMA", "word", "TAG")
    _wait_indexed(r, "idx:w")
    lf = pr.scan_hashes(url, "w:*", {"word": pl.String}, search_index="idx:w").filter(
        pl.col("word").str.starts_with("ab"))
    with pytest.warns(pr.PushdownWarning, match="full scan"):
        df = lf.collect()
    assert df.height == 300  # MAXPREFIXEXPANSIONS (200) would have cut this to 200


def test_head_after_filter_stops_and_closes_the_cursor(url: str, r: redis.Redis, indexed: pl.DataFrame) -> None:
    df = pr.scan_hashes(url, "p:*", SCHEMA, search_index="idx:p", count_hint=10).filter(
        pl.col("qty") >= 0).head(7).collect()
    assert df.height == 7
    assert all(q is not None and q >= 0 for q in df["qty"])
    cursors = r.ft("idx:p").info()["cursor_stats"]
    index_total = cursors[cursors.index(b"index_total") + 1] if isinstance(cursors, list) else cursors["index_total"]
    assert int(index_total) == 0


def test_json_index_pushdown(url: str, r: redis.Redis) -> None:
    docs = {f"j:{i}": {"name": f"n{i}", "address": {"city": ["Oslo", "Paris", "Rome"][i % 3]}, "age": i}
            for i in range(60)}
    for key, doc in docs.items():
        r.json().set(key, "$", doc)
    r.execute_command("FT.CREATE", "idx:j", "ON", "JSON", "PREFIX", "1", "j:", "SCHEMA",
                      "$.age", "AS", "age", "NUMERIC", "$.address.city", "AS", "city", "TAG")
    _wait_indexed(r, "idx:j")
    schema = {"name": pl.String, "age": pl.Int64, "city": pl.String}
    predicate = (pl.col("city") == "Paris") & (pl.col("age") > 20)
    lf = pr.scan_json(url, "j:*", schema, paths={"city": "$.address.city"}, search_index="idx:j").filter(predicate)
    assert "@city:{Paris}" in pr.explain(lf)
    df = _collect(lf)
    expected = sorted(k for k, d in docs.items() if d["address"]["city"] == "Paris" and d["age"] > 20)
    assert df["_key"].to_list() == expected
    assert df["age"].to_list() == [docs[k]["age"] for k in expected]


def test_spec_customer_analytics_example(url: str, r: redis.Redis) -> None:
    """The spec's "Customer Analytics (Hash + RediSearch)" use case, as written."""
    states = ["CA", "NY", "TX", "WA"]
    customers = {
        f"customer:{i}": {"name": f"Customer {i}", "lifetime_value": str(500.0 * (i % 40)),
                          "state": states[i % 4], "last_purchase": f"2024-0{1 + i % 9}-15"}
        for i in range(400)
    }
    load_hashes(r, customers)
    r.execute_command("FT.CREATE", "idx:customers", "ON", "HASH", "PREFIX", "1", "customer:", "SCHEMA",
                      "state", "TAG", "lifetime_value", "NUMERIC", "SORTABLE")
    _wait_indexed(r, "idx:customers")
    import polars_redis as redis_plugin  # the spec's examples call the module `redis`

    lf = redis_plugin.scan_hashes(
        url,
        pattern="customer:*",
        schema={
            "name": pl.Utf8,
            "lifetime_value": pl.Float64,
            "state": pl.Utf8,
            "last_purchase": pl.Utf8,
        },
        search_index="idx:customers",
    )
    ca_whales = (
        lf.filter(
            (pl.col("state") == "CA") &
            (pl.col("lifetime_value") > 10000)
        )
        .sort("lifetime_value", descending=True)
        .head(100)
        .collect()
    )
    expected = sorted(
        ((float(c["lifetime_value"]), k) for k, c in customers.items()
         if c["state"] == "CA" and float(c["lifetime_value"]) > 10000),
        reverse=True,
    )[:100]
    assert ca_whales["lifetime_value"].to_list() == [v for v, _ in expected]
    assert set(ca_whales["state"]) == {"CA"}
    assert math.isclose(ca_whales["lifetime_value"].min(), expected[-1][0])


def test_text_is_not_pushed_where_it_may_be_tokenized_as_chinese(url: str, r: redis.Redis) -> None:
    # The Chinese tokenizer does not split on every separator: "foo.bar" holds neither "foo" nor "bar".
    load_hashes(r, {"zh:1": {"tx": "foo.bar"}, "zh:2": {"tx": "12.5 kg"}, "zh:3": {"tx": "foo bar"}})
    r.execute_command("FT.CREATE", "idx:zh", "ON", "HASH", "PREFIX", "1", "zh:", "LANGUAGE", "chinese",
                      "SCHEMA", "tx", "TEXT")
    _wait_indexed(r, "idx:zh")
    for literal, key in (("foo.bar", "zh:1"), ("12.5 kg", "zh:2")):
        lf = pr.scan_hashes(url, "zh:*", {"tx": pl.String}, search_index="idx:zh").filter(pl.col("tx") == literal)
        with pytest.warns(pr.PushdownWarning, match="Chinese"):
            assert "FT.AGGREGATE" not in pr.explain(lf)
        assert _collect(lf)["_key"].to_list() == [key]
