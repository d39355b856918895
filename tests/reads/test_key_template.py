"""key_template parts match any character of the key, newline included, checked against Python's re."""

from __future__ import annotations

import re

import polars as pl
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import polars_redis as pr

# Any character a UTF-8 key can hold (surrogates cannot be encoded); regex and glob syntax included.
CHARS = st.characters(exclude_categories=["Cs"])
SPECIAL = st.sampled_from(list("\n\r\t\x00 #&~-.*?+[](){}|^$\\:/'\"é€😀"))
TEXT = st.text(st.one_of(CHARS, SPECIAL), min_size=1, max_size=6)


def oracle(literals: list[str], names: list[str], key: str) -> dict[str, str | None]:
    """The parts as Python's re reads the key: every part but the last as short as it can be."""
    pattern = "".join(
        re.escape(literals[i]) + f"(?P<{name}>.+{'?' if i < len(names) - 1 else ''})" for i, name in enumerate(names)
    ) + re.escape(literals[-1])
    match = re.fullmatch(pattern, key, re.DOTALL)
    return {name: match.group(name) if match else None for name in names}


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    literals=st.lists(TEXT.filter(lambda t: "{" not in t and "}" not in t), min_size=3, max_size=3),
    rows=st.lists(st.tuples(TEXT, TEXT), min_size=1, max_size=5),
)
def test_parts_match_any_character(r: redis.Redis, url: str, literals: list[str], rows: list[tuple[str, str]]) -> None:
    r.flushall()
    template = f"{literals[0]}{{a}}{literals[1]}{{b}}{literals[2]}"
    keys = {f"{literals[0]}{a}{literals[1]}{b}{literals[2]}" for a, b in rows}
    for key in keys:
        r.hset(key, "v", "1")
    frame = pr.read_hashes(url, schema={"v": pl.Int64}, key_template=template)
    assert sorted(frame["_key"].to_list()) == sorted(keys)
    for row in frame.iter_rows(named=True):
        assert {"a": row["a"], "b": row["b"]} == oracle(literals, ["a", "b"], row["_key"])
    # A row whose first part holds no earlier start of the literal after it splits back into
    # exactly its parts (the last part takes the rest, whatever it holds).
    for a, b in rows:
        if (a + literals[1]).find(literals[1]) == len(a):
            key = f"{literals[0]}{a}{literals[1]}{b}{literals[2]}"
            got = frame.filter(pl.col("_key") == key).select("a", "b").row(0)
            assert got == (a, b)


def test_newline_in_a_part(r: redis.Redis, url: str) -> None:
    r.hset("order:eu\nwest:7", "v", "1")
    r.hset("order:us:line\n2\n", "v", "2")
    frame = pr.read_hashes(url, schema={"v": pl.Int64}, key_template="order:{region}:{id}").sort("v")
    assert frame["region"].to_list() == ["eu\nwest", "us"]
    assert frame["id"].to_list() == ["7", "line\n2\n"]
