"""Redis ACLs: a read-only user can scan and gets a clear permission error on write; a user limited
to a key prefix cannot read outside it; an unknown user is an authentication error. No message
ever shows a password."""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl
import pytest
import redis

import polars_redis as pr
from conftest import load_hashes
from polars_redis.server import RedisStackServer

SCHEMA = {"v": pl.Int64}
READER_PASSWORD = "r34d-0nly-s3cret"
TENANT_PASSWORD = "t3n4nt-s3cret"


def _host_port(stack: RedisStackServer) -> str:
    return stack.url.rsplit("@", 1)[1].split("/", 1)[0]


@pytest.fixture()
def users(r: redis.Redis, stack: RedisStackServer) -> Iterator[dict[str, str]]:
    load_hashes(r, {f"tenant:{i}": {"v": str(i)} for i in range(20)} | {f"other:{i}": {"v": str(i)} for i in range(5)})
    r.acl_setuser("reader", enabled=True, passwords=[f"+{READER_PASSWORD}"], keys=["*"],
                  commands=["+@read", "+@connection", "+scan", "+type", "+ttl", "+exists", "-@write"])
    r.acl_setuser("tenant", enabled=True, passwords=[f"+{TENANT_PASSWORD}"], keys=["tenant:*"],
                  commands=["+@all"])
    host = _host_port(stack)
    yield {"reader": f"redis://reader:{READER_PASSWORD}@{host}/0", "tenant": f"redis://tenant:{TENANT_PASSWORD}@{host}/0",
           "nobody": f"redis://nobody:{READER_PASSWORD}@{host}/0"}
    r.acl_deluser("reader", "tenant")


def test_read_only_user_scans_but_cannot_write(users: dict[str, str], r: redis.Redis) -> None:
    df = pr.read_hashes(users["reader"], "tenant:*", SCHEMA)
    assert sorted(df["v"].to_list()) == list(range(20))
    with pytest.raises(pr.ResponseError, match="NOPERM") as info:
        pr.write_hashes(pl.DataFrame({"_key": ["tenant:new"], "v": [1]}), users["reader"])
    assert READER_PASSWORD not in str(info.value)
    assert r.exists("tenant:new") == 0


def test_prefix_limited_user_reads_its_prefix_only(users: dict[str, str]) -> None:
    assert pr.read_hashes(users["tenant"], "tenant:*", SCHEMA).height == 20
    with pytest.raises(pr.ResponseError, match="NOPERM") as info:
        pr.read_hashes(users["tenant"], "*", SCHEMA)
    assert TENANT_PASSWORD not in str(info.value)
    with pytest.raises(pr.ResponseError, match="NOPERM"):
        pr.read_hashes(users["tenant"], "other:*", SCHEMA).height  # noqa: B018


def test_unknown_user_is_an_authentication_error(users: dict[str, str]) -> None:
    with pytest.raises(pr.AuthenticationError, match="nobody") as info:
        pr.read_hashes(users["nobody"], "tenant:*", SCHEMA)
    assert READER_PASSWORD not in str(info.value)
