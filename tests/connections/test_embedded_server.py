"""The embedded Redis Stack: loopback only, a password generated per start (kept out of argv and
repr), and the modules the readers need."""

from __future__ import annotations

import pytest
import redis

from polars_redis.server import RedisStackServer


def test_binds_loopback_and_requires_its_own_password(stack: RedisStackServer) -> None:
    client = redis.Redis.from_url(stack.url)
    assert client.config_get("bind")["bind"] == "127.0.0.1"
    assert client.config_get("protected-mode")["protected-mode"] == "yes"
    with pytest.raises(redis.AuthenticationError):
        redis.Redis(host="127.0.0.1", port=stack.port).ping()
    names = set()
    for module in client.module_list():
        entries = {(k.decode() if isinstance(k, bytes) else k): v for k, v in module.items()}
        names.add(entries["name"].decode() if isinstance(entries["name"], bytes) else entries["name"])
    assert {"ReJSON", "search", "timeseries"} <= names


def test_a_new_password_for_every_start() -> None:
    with RedisStackServer() as first:
        password = first.password
        assert len(password) >= 32
        with open(f"/proc/{first._process.pid}/cmdline", "rb") as cmdline:  # what `ps` shows
            argv = cmdline.read().decode(errors="replace")
        assert password not in argv  # given in a config file instead
        assert password not in repr(first)
    with RedisStackServer() as second:
        assert second.password != password
