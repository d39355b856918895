"""if_exists has one default for Python and the command line; "replace" makes a hash exactly its
row (fields absent from the frame are dropped) and "append" merges as redis-py's HSET does. The
oracle is redis-py: the same rows written with ``hset`` give the merged hash."""

from __future__ import annotations

import inspect
from pathlib import Path

import polars as pl
import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import polars_redis as pr
from polars_redis.__main__ import main

WRITERS = [n for n in pr.__all__ if n.startswith(("write_", "sink_")) and
           "if_exists" in inspect.signature(getattr(pr, n)).parameters]


def test_every_writer_and_the_cli_share_one_default(r: redis.Redis, url: str, tmp_path: Path) -> None:
    assert len(WRITERS) >= 9
    defaults = {n: inspect.signature(getattr(pr, n)).parameters["if_exists"].default for n in WRITERS}
    assert set(defaults.values()) == {"replace"}, defaults
    # The command line without --if-exists does what Python does by default: replace.
    r.hset("cli:1", mapping={"name": "old", "extra": "dropped"})
    path = tmp_path / "in.parquet"
    pl.DataFrame({"_key": ["cli:1"], "name": ["new"]}).write_parquet(path)
    assert main(["import", str(path), url, "--quiet"]) == 0
    assert r.hgetall("cli:1") == {b"name": b"new"}


FIELDS = st.sampled_from(["a", "b", "c", "d"])
HASHES = st.dictionaries(FIELDS, st.text(alphabet="xyz019", min_size=1, max_size=3), min_size=1)


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(existing=HASHES, row=HASHES)
def test_append_merges_like_hset_and_replace_drops_absent_fields(
    r: redis.Redis, url: str, existing: dict[str, str], row: dict[str, str]
) -> None:
    columns = sorted(row)
    frame = pl.DataFrame({"_key": ["m:1"], **{c: [row[c]] for c in columns}})
    r.delete("m:1", "oracle:1")
    r.hset("oracle:1", mapping=existing)
    r.hset("oracle:1", mapping=row)  # what redis-py users expect a write to do
    for mode in ("append", "replace"):
        r.delete("m:1")
        r.hset("m:1", mapping=existing)
        assert pr.write_hashes(frame, url, if_exists=mode) == 1
        expected = r.hgetall("oracle:1") if mode == "append" else {k.encode(): v.encode() for k, v in row.items()}
        assert r.hgetall("m:1") == expected, mode


def test_sink_append_merges_too(r: redis.Redis, url: str) -> None:
    r.hset("k:1", mapping={"kept": "1", "name": "old"})
    lf = pl.LazyFrame({"_key": ["k:1"], "name": ["new"]})
    assert pr.sink_hashes(lf, url, if_exists="append") == 1
    assert r.hgetall("k:1") == {b"kept": b"1", b"name": b"new"}
    assert pr.sink_hashes(lf, url) == 1
    assert r.hgetall("k:1") == {b"name": b"new"}


@pytest.mark.parametrize("mode", ["merge", "upsert", None])
def test_an_unknown_mode_names_the_choices(url: str, mode: object) -> None:
    with pytest.raises(pr.ConfigurationError, match="'fail', 'replace' or 'append'"):
        pr.write_hashes(pl.DataFrame({"_key": ["x"], "v": [1]}), url, if_exists=mode)  # type: ignore[arg-type]
