"""Tier-1 pushdown, no index needed: key filters fetch exactly the named keys or narrow SCAN MATCH;
key-template parts become typed columns and narrow the pattern. Results never change."""

from __future__ import annotations

import polars as pl
import pytest
import redis

import polars_redis as pr
from conftest import command_calls, load_hashes

SCHEMA = {"n": pl.Int64, "tag": pl.String}


@pytest.fixture()
def keys(r: redis.Redis) -> dict[str, dict[str, str]]:
    rows = {f"k:{i}": {"n": str(i), "tag": "even" if i % 2 == 0 else "odd"} for i in range(300)}
    rows |= {"g*:1": {"n": "1", "tag": "glob"}, "g?:2": {"n": "2", "tag": "glob"}, "gx:3": {"n": "3", "tag": "glob"},
             "g[a]:4": {"n": "4", "tag": "glob"}}
    load_hashes(r, rows)
    r.set("k:string", "not a hash")
    r.config_resetstat()
    return rows


def _expected(rows: dict[str, dict[str, str]], wanted: list[str]) -> pl.DataFrame:
    return pl.DataFrame(
        [{"_key": k, "n": int(rows[k]["n"]), "tag": rows[k]["tag"]} for k in sorted(wanted)],
        schema={"_key": pl.String, **SCHEMA},
    )


def test_key_equality_fetches_one_key_without_scan(url: str, r: redis.Redis, keys: dict) -> None:
    df = pr.scan_hashes(url, "k:*", SCHEMA).filter(pl.col("_key") == "k:42").collect()
    assert df.equals(_expected(keys, ["k:42"]))
    assert command_calls(r, "SCAN") == 0
    assert command_calls(r, "HGETALL") + command_calls(r, "HMGET") == 1


def test_key_is_in_skips_missing_wrong_type_and_duplicates(url: str, r: redis.Redis, keys: dict) -> None:
    wanted = ["k:7", "k:missing", "k:string", "k:7", "k:250", "other:1"]
    df = pr.scan_hashes(url, "k:*", SCHEMA).filter(pl.col("_key").is_in(wanted)).sort("_key").collect()
    assert df.equals(_expected(keys, ["k:250", "k:7"]))
    assert command_calls(r, "SCAN") == 0
    # k:missing and k:string are seen to be no hashes before any field is fetched; other:1 is
    # outside the pattern and never asked for.
    assert command_calls(r, "HGETALL") + command_calls(r, "HMGET") == 2


def test_key_or_of_equalities(url: str, r: redis.Redis, keys: dict) -> None:
    predicate = (pl.col("_key") == "k:1") | (pl.col("_key") == "k:2")
    df = pr.scan_hashes(url, "k:*", SCHEMA).filter(predicate).sort("_key").collect()
    assert df.equals(_expected(keys, ["k:1", "k:2"]))
    assert command_calls(r, "SCAN") == 0


def test_key_outside_the_pattern_is_not_returned(url: str, r: redis.Redis, keys: dict) -> None:
    df = pr.scan_hashes(url, "k:1*", SCHEMA).filter(pl.col("_key") == "k:2").collect()
    assert df.height == 0
    assert df.columns == ["_key", "n", "tag"]


def test_starts_with_narrows_scan_match(url: str, r: redis.Redis, keys: dict) -> None:
    lf = pr.scan_hashes(url, "k:*", SCHEMA).filter(pl.col("_key").str.starts_with("k:1"))
    assert "MATCH 'k:1*'" in pr.explain(lf)
    df = lf.sort("_key").collect()
    wanted = [k for k in keys if k.startswith("k:1")]
    assert df.equals(_expected(keys, wanted))
    # Only the keys under the narrower pattern were fetched.
    assert command_calls(r, "HGETALL") + command_calls(r, "HMGET") == len(wanted)


def test_starts_with_escapes_glob_characters(url: str, keys: dict) -> None:
    for prefix, wanted in (("g*", ["g*:1"]), ("g?", ["g?:2"]), ("g[a]", ["g[a]:4"])):
        lf = pr.scan_hashes(url, "*", SCHEMA).filter(pl.col("_key").str.starts_with(prefix))
        assert lf.collect()["_key"].to_list() == wanted, prefix


def test_starts_with_incompatible_with_pattern_reads_nothing(url: str, r: redis.Redis, keys: dict) -> None:
    df = pr.scan_hashes(url, "k:*", SCHEMA).filter(pl.col("_key").str.starts_with("zzz")).collect()
    assert df.height == 0
    assert command_calls(r, "SCAN") == 0


def test_starts_with_on_a_complex_pattern_keeps_the_pattern(url: str, keys: dict) -> None:
    lf = pr.scan_hashes(url, "k:*0", SCHEMA).filter(pl.col("_key").str.starts_with("k:1"))
    wanted = [k for k in keys if k.startswith("k:1") and k.endswith("0")]
    assert lf.sort("_key").collect().equals(_expected(keys, wanted))


def test_key_pushdown_for_strings_and_sets(url: str, r: redis.Redis) -> None:
    r.mset({f"s:{i}": str(i) for i in range(50)})
    r.sadd("set:a", "x", "y")
    r.sadd("set:b", "z")
    df = pr.scan_strings(url, "s:*", value_type=pl.Int64).filter(pl.col("_key").is_in(["s:3", "s:9"])).sort("_key")
    assert df.collect()["value"].to_list() == [3, 9]
    members = pr.scan_set(url, "set:*").filter(pl.col("_key") == "set:a").collect()
    assert sorted(members["member"].to_list()) == ["x", "y"]
    assert command_calls(r, "SCAN") == 0


def test_key_pushdown_and_other_terms_together(url: str, keys: dict) -> None:
    predicate = pl.col("_key").is_in(["k:1", "k:2", "k:3"]) & (pl.col("tag") == "odd")
    df = pr.scan_hashes(url, "k:*", SCHEMA).filter(predicate).sort("_key").collect()
    assert df.equals(_expected(keys, ["k:1", "k:3"]))


# --- key_template -----------------------------------------------------------------------------------


@pytest.fixture()
def orders(r: redis.Redis) -> dict[str, dict[str, str]]:
    rows = {f"order:{region}:{i}": {"amount": str(i * 10)} for i in range(40) for region in ("eu", "us", "ap")
            if (i + len(region)) % 3 == 0}
    rows["order:eu:7:x"] = {"amount": "1"}  # the last part takes the rest
    load_hashes(r, rows)
    r.config_resetstat()
    return rows


def test_key_template_adds_typed_columns(url: str, orders: dict) -> None:
    lf = pr.scan_hashes(url, schema={"amount": pl.Int64}, key_template="order:{region}:{id}",
                        key_template_schema={"id": pl.String})
    df = lf.sort("_key").collect()
    assert df.columns == ["_key", "region", "id", "amount"]
    expected = sorted((k, k.split(":", 2)[1], k.split(":", 2)[2]) for k in orders)
    assert list(zip(df["_key"], df["region"], df["id"])) == expected


def test_key_template_equality_narrows_the_scan(url: str, r: redis.Redis, orders: dict) -> None:
    lf = pr.scan_hashes(url, schema={"amount": pl.Int64}, key_template="order:{region}:{id}").filter(
        pl.col("region") == "eu")
    assert "MATCH 'order:eu:*'" in pr.explain(lf)
    df = lf.collect()
    wanted = sorted(k for k in orders if k.startswith("order:eu:"))
    assert sorted(df["_key"]) == wanted
    assert command_calls(r, "HGETALL") + command_calls(r, "HMGET") == len(wanted)


def test_key_template_integer_part_and_parse_errors(url: str, r: redis.Redis, orders: dict) -> None:
    lf = pr.scan_hashes(url, "order:us:*", {"amount": pl.Int64}, key_template="order:{region}:{id}",
                        key_template_schema={"id": pl.Int64})
    df = lf.filter(pl.col("id") < 10).sort("id").collect()
    assert df["id"].to_list() == sorted(int(k.split(":")[2]) for k in orders if k.startswith("order:us:")
                                        and int(k.split(":")[2]) < 10)
    with pytest.raises(pr.SchemaError, match=r"order:eu:7:x.*'id'.*'7:x'.*Int64"):
        pr.read_hashes(url, "order:eu:*", {"amount": pl.Int64}, key_template="order:{region}:{id}",
                       key_template_schema={"id": pl.Int64})
    lenient = pr.read_hashes(url, "order:eu:*", {"amount": pl.Int64}, key_template="order:{region}:{id}",
                             key_template_schema={"id": pl.Int64}, ignore_errors=True)
    assert lenient.filter(pl.col("_key") == "order:eu:7:x")["id"].to_list() == [None]


def test_key_template_keys_that_do_not_fit_get_null_parts(url: str, r: redis.Redis) -> None:
    load_hashes(r, {"order:eu:1": {"amount": "5"}, "order:odd": {"amount": "6"}})
    df = pr.read_hashes(url, "order:*", {"amount": pl.Int64}, key_template="order:{region}:{id}").sort("_key")
    assert df["region"].to_list() == ["eu", None]


def test_key_template_is_validated(url: str) -> None:
    with pytest.raises(pr.ConfigurationError, match="no \\{part\\}"):
        pr.scan_hashes(url, key_template="order:static")
    with pytest.raises(pr.ConfigurationError, match="separated"):
        pr.scan_hashes(url, key_template="order:{a}{b}")
    with pytest.raises(pr.ConfigurationError, match="include_key"):
        pr.scan_hashes(url, key_template="order:{a}", include_key=False)
    with pytest.raises(pr.ConfigurationError, match="not parts"):
        pr.scan_hashes(url, key_template="order:{a}", key_template_schema={"b": pl.Int64})


def test_python_udf_term_is_applied_on_the_client_only(url: str, r: redis.Redis, keys: dict) -> None:
    udf = pl.col("n").map_elements(lambda n: n % 3 == 0, return_dtype=pl.Boolean)
    predicate = pl.col("_key").is_in(["k:3", "k:4", "k:6"]) & udf
    df = pr.scan_hashes(url, "k:*", SCHEMA).filter(predicate).sort("_key").collect()
    assert df.equals(_expected(keys, ["k:3", "k:6"]))
    assert command_calls(r, "SCAN") == 0  # the UDF term does not stop the key term being pushed
