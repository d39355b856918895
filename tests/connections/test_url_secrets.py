"""A password in the URL (user info or redis-py's ?password=) logs in, and never shows: not in
exceptions, reprs, explain() output or CLI error lines, whatever characters it holds."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import polars as pl
import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import polars_redis as pr
from debian_redis import DebianRedis
from polars_redis import _core
from polars_redis.__main__ import main

PASSWORD = "s3cret pw&=@/?#%"


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DebianRedis]:
    instance = DebianRedis(tmp_path_factory.mktemp("auth"), "--requirepass", PASSWORD)
    instance.wait_until_listening(instance.port)
    yield instance
    instance.stop()


def test_query_password_logs_in_like_redis_py(guarded: DebianRedis) -> None:
    oracle = redis.Redis.from_url(f"redis://127.0.0.1:{guarded.port}/0?password={quote(PASSWORD, safe='')}")
    oracle.hset("q:1", mapping={"v": "1"})
    url = f"redis://127.0.0.1:{guarded.port}/0?password={quote(PASSWORD, safe='')}"
    df = pr.read_hashes(url, "q:*", {"v": pl.Int64})
    assert df["v"].to_list() == [int(oracle.hget("q:1", "v"))]
    with pytest.raises(pr.AuthenticationError) as info:
        pr.read_hashes(f"redis://127.0.0.1:{guarded.port}/0?password=wrong-{quote(PASSWORD, safe='')}", "q:*",
                       {"v": pl.Int64})
    assert PASSWORD not in str(info.value) and quote(PASSWORD, safe="") not in str(info.value)
    with pytest.raises(pr.ConfigurationError, match="given both before '@' and as"):
        pr.scan_hashes(f"redis://:x@127.0.0.1:{guarded.port}/0?password=y", "q:*", {"v": pl.Int64})


def _forms(password: str) -> list[str]:
    return [password, quote(password, safe=""), quote(password)]


def _leaks(text: str, password: str) -> bool:
    return any(form and form in text for form in _forms(password))


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow,
                                                                                      HealthCheck.function_scoped_fixture])
@given(password=st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=10, max_size=30),
       encode=st.booleans(),
       tail=st.sampled_from(["", "&db=notadb", "&unknown=1", "&password=again", "&socket_timeout=-1",
                             "&protocol=9", "#frag"]))
def test_random_query_passwords_never_show(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           password: str, encode: bool, tail: str) -> None:
    shown = quote(password, safe="") if encode else password
    url = f"redis://127.0.0.1:1/0?password={shown}{tail}"
    texts = [_core.redact_url(url)]
    try:
        client = pr.connect(url)
    except pr.RedisError as exc:
        texts.append(str(exc))
    else:
        texts.append(repr(client))
        lf = pr.scan_hashes(client, "k:*", {"v": pl.String})
        texts.append(pr.explain(lf.filter(pl.col("v") == "x")))
        try:
            lf.collect()
        except (pr.RedisError, pl.exceptions.ComputeError) as exc:  # nothing listens on port 1
            texts.append(str(exc))
        client.close()
    main(["infer", url, "--connect-timeout", "1"])
    texts.append(capsys.readouterr().err)
    for text in texts:
        assert not _leaks(text, password), text


@settings(max_examples=40, deadline=None, derandomize=True)
@given(password=st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=10, max_size=30),
       tail=st.sampled_from(["", "?db=x", "?password=y", "?unknown=1", ":99999", "/x"]))
def test_random_user_info_passwords_never_show(password: str, tail: str) -> None:
    url = f"redis://user:{quote(password, safe='')}@127.0.0.1:1/0{tail}"
    texts = [_core.redact_url(url), _core.redact_url(f"redis://user:{password}@127.0.0.1:1{tail}")]
    for candidate in (url, f"redis://user:{password}@127.0.0.1:1{tail}"):
        try:
            _core.validate_url(candidate)
        except pr.RedisError as exc:
            texts.append(str(exc))
    for text in texts:
        assert not _leaks(text, password), text


def test_cli_url_with_undecodable_bytes_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    # What Python makes of non-UTF-8 bytes in argv (surrogate escapes).
    assert main(["infer", "redis://:s3cr\udcffetpw@127.0.0.1:1/0"]) == 1
    err = capsys.readouterr().err
    assert err == "polars-redis: error: the URL is not valid UTF-8; percent-encode other bytes (%FF)\n"
