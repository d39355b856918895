"""explain: the commands a collect would send, derived from the real plan, with nothing sent."""

from __future__ import annotations

import polars as pl
import redis

import polars_redis as pr
from conftest import command_calls, load_hashes


def test_explain_shows_scan_fetch_and_client_filter(url: str, r: redis.Redis) -> None:
    load_hashes(r, {f"user:{i}": {"name": f"n{i}", "age": str(i)} for i in range(10)})
    r.config_resetstat()
    lf = pr.scan_hashes(url, "user:*", {"name": pl.String, "age": pl.Int64, "city": pl.String}, include_ttl=True)
    text = pr.explain(lf.filter(pl.col("age") > 3).select("name"))
    lines = text.splitlines()
    assert lines[0] == "redis hashes"
    assert "  keys:   SCAN <cursor> MATCH 'user:*' COUNT 1000 TYPE hash" in lines
    assert "  fetch:  HMGET <key> name age" in lines  # projection: city and the TTL are not fetched
    assert any(line.startswith("  client filter:") and "age" in line for line in lines)
    # Nothing was read: explain is a dry run.
    for command in ("SCAN", "HMGET", "HGETALL", "TTL"):
        assert command_calls(r, command) == 0


def test_explain_full_fetch_ttl_and_limit(url: str) -> None:
    text = pr.explain(pr.scan_hashes(url, "u:*", {"a": pl.String}, include_ttl=True).head(5))
    assert "  fetch:  HGETALL <key>" in text.splitlines()
    assert "  fetch:  TTL <key>" in text.splitlines()
    assert "  limit:  stops after 5 rows" in text.splitlines()


def test_explain_never_shows_the_password(url: str) -> None:
    password = url.split(":")[2].split("@")[0]
    assert password
    lf = pr.scan_hashes(url, "user:*", {"name": pl.String}).filter(pl.col("_key") == "user:1")
    assert password not in pr.explain(lf)


def test_explain_of_a_join_lists_both_scans(url: str) -> None:
    left = pr.scan_hashes(url, "a:*", {"x": pl.String})
    right = pr.scan_strings(url, "b:*")
    text = pr.explain(left.join(right, on="_key"))
    assert "redis hashes" in text and "redis strings" in text
    assert "MATCH 'b:*'" in text and "MGET" in text


def test_explain_of_other_readers(url: str) -> None:
    text = pr.explain(pr.scan_stream(url, "events", {"kind": pl.String}))
    assert "XRANGE events" in text
