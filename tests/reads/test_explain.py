"""explain: the commands a collect would send, derived from the real plan, with nothing sent."""

from __future__ import annotations

import shlex

import polars as pl
import pytest
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
    assert "  keys:   SCAN <cursor> MATCH 'user:*' COUNT 500 TYPE hash" in lines
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


def test_explain_of_a_snapshot_stream_read_names_the_snapshot(url: str) -> None:
    # A snapshot read sends no XRANGE: the entries come from the RDB of a full resync.
    text = pr.explain(pr.scan_stream(url, "events", {"kind": pl.String}, snapshot=True))
    assert "PSYNC ? -1" in text and "XRANGE" not in text, text


# What explain() prints for a scan is rendered by the core from the encoders the scan runs. The
# oracle here is the server's own record of what it received (SLOWLOG with every command logged):
# each command explain lists, with placeholders (<key>, <cursor>, <from>, ...) standing for real
# values, must be one the server saw during the real collect.
_DESCRIBED_CASES = [
    lambda url: pr.scan_hashes(url, "h:*", {"name": pl.String, "age": pl.Int64}),
    lambda url: pr.scan_hashes(url, "h:*", {"name": pl.String, "age": pl.Int64}).select("age"),
    lambda url: pr.scan_hashes(url, "h:*", {"name": pl.String}, include_ttl=True, include_memory_usage=True,
                               count_hint=7),
    lambda url: pr.scan_hashes(url, "h:*", {"name": pl.String}).filter(pl.col("_key").is_in(["h:1", "h:2"])),
    lambda url: pr.scan_json(url, "j:*", {"name": pl.String, "age": pl.Int64}),
    lambda url: pr.scan_json(url, "j:*", {"name": pl.String, "age": pl.Int64}).select("age"),
    lambda url: pr.scan_strings(url, "s:*", include_ttl=True),
    lambda url: pr.scan_set(url, "set:*"),
    lambda url: pr.scan_set(url, "set:*").select(pl.len()),
    lambda url: pr.scan_list(url, "list:*"),
    lambda url: pr.scan_zset(url, "z:*", include_rank=True, min_score=1.5),
    lambda url: pr.scan_zset(url, "z:*"),
    lambda url: pr.scan_stream(url, "st:1", {"f": pl.String}),
    lambda url: pr.scan_stream(url, ["st:1", "st:2"], {"f": pl.String}, count=1, start_id="1-1"),
    lambda url: pr.scan_timeseries(url, "ts:1"),
    lambda url: pr.scan_timeseries(url, "ts:1", aggregation="avg", bucket_size_ms=10, filter_by_value=(0, 9)),
    lambda url: pr.scan_timeseries(url, "ts:1", count=2),
    lambda url: pr.scan_timeseries_multi(url, ["sensor=a"], with_labels=True),
    lambda url: pr.scan_timeseries_multi(url, ["sensor=a"], group_by="sensor", reducer="sum"),
]


def _load_one_of_each(r: redis.Redis) -> None:
    for i in range(3):
        r.hset(f"h:{i}", mapping={"name": f"n {i}", "age": str(i)})
        r.execute_command("JSON.SET", f"j:{i}", "$", f'{{"name": "n{i}", "age": {i}}}')
        r.set(f"s:{i}", f"v{i}")
        r.sadd(f"set:{i}", "a", "b")
        r.rpush(f"list:{i}", "a", "b")
        r.zadd(f"z:{i}", {"a": 1, "b": 2, "c": 3})
        r.xadd(f"st:{i}", {"f": f"v{i}"}, id=f"1-{i + 1}")
        r.ts().add(f"ts:{i}", 1000 + i, float(i), labels={"sensor": "a"})
        r.ts().add(f"ts:{i}", 1010 + i, float(i + 1))


@pytest.mark.parametrize("case", range(len(_DESCRIBED_CASES)))
def test_explained_commands_are_the_commands_sent(url: str, r: redis.Redis, case: int) -> None:
    build = _DESCRIBED_CASES[case]
    _load_one_of_each(r)
    lf = build(url)
    described = [line.split(":", 1)[1].strip() for line in pr.explain(lf).splitlines()
                 if line.startswith(("  keys:", "  fetch:"))]
    old = r.config_get("slowlog-log-slower-than")["slowlog-log-slower-than"]
    r.config_set("slowlog-max-len", 100_000)
    r.config_set("slowlog-log-slower-than", 0)
    r.slowlog_reset()
    try:
        lf.collect()
        sent = [entry["command"].decode().split(" ") for entry in r.slowlog_get(100_000)]
    finally:
        r.config_set("slowlog-log-slower-than", old)
    checked = 0
    for line in described:
        if " named key(s)" in line or not line[:1].isupper():
            continue  # prose: the key list's TYPE checks, paging notes
        for command in line.replace("; then ", "; ").split("; "):
            words = shlex.split(command)
            assert any(_sent_as(words, args) for args in sent), f"{command!r} was never sent; sent: {sent}"
            checked += 1
    assert checked >= 1


def _sent_as(words: list[str], args: list[str]) -> bool:
    """Whether `args` (a command the server logged) is the described `words`: placeholders stand for
    any value, and "..." (MGET <key> <key> ...) for any number of further keys."""
    head, tail = (words[:words.index("...")], words[words.index("...") + 1:]) if "..." in words else (words, [])
    if len(args) < len(head) + len(tail) or ("..." not in words and len(args) != len(words)):
        return False
    pairs = list(zip(head, args)) + list(zip(tail, args[len(args) - len(tail):]))
    return all((word.startswith("<") and word.endswith(">")) or word == arg for word, arg in pairs)
