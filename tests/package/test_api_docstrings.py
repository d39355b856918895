"""The API reference as a user reads it: every public function and exception is documented
(Args, Returns, Raises), no raw Sphinx roles (MkDocs renders them as text), and every example
runs as a doctest against a real embedded Redis Stack loaded with the sample data below."""

from __future__ import annotations

import doctest
import importlib
import inspect
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import polars as pl
import pytest
import redis

import polars_redis as pr
from polars_redis.server import RedisStackServer

ROOT = Path(__file__).resolve().parents[2]
# The modules the API reference page renders, in its order.
MODULES = [line.split()[1] for line in (ROOT / "docs" / "api.md").read_text().splitlines() if line.startswith(":::")]
LOCAL_URL = "redis://localhost:6379"
ROLE = re.compile(r":(func|meth|class|mod|attr|exc|data|obj):`")


def _public(module: ModuleType) -> Iterator[tuple[str, object]]:
    names = getattr(module, "__all__", None) or [n for n in vars(module) if not n.startswith("_")]
    for name in names:
        obj = getattr(module, name)
        if (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__ == module.__name__:
            yield name, obj
            if inspect.isclass(obj):
                for attr, member in vars(obj).items():
                    if not attr.startswith("_") and (inspect.isfunction(member) or isinstance(member, property)):
                        yield f"{name}.{attr}", member


def _docstrings() -> list[tuple[str, str]]:
    out = []
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        out.append((module_name, module.__doc__ or ""))
        out += [(f"{module_name}.{name}", inspect.getdoc(obj) or "") for name, obj in _public(module)]
    return out


DOCSTRINGS = _docstrings()


def test_the_reference_covers_the_package() -> None:
    assert len(MODULES) >= 10 and len(DOCSTRINGS) >= 60
    documented = {name.rsplit(".", 1)[-1] for name, _ in DOCSTRINGS}
    functions = [n for n in pr.__all__ if inspect.isfunction(getattr(pr, n))]
    assert [n for n in functions if n not in documented] == []


@pytest.mark.parametrize("name", [n for n in pr.__all__ if inspect.isfunction(getattr(pr, n))])
def test_public_functions_document_args_returns_raises(name: str) -> None:
    func = getattr(pr, name)
    doc = inspect.getdoc(func) or ""
    params = [p for p in inspect.signature(func).parameters.values()
              if not p.name.startswith("_") and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)]
    missing = [s for s in ("Returns:", "Raises:", "Examples:") if s not in doc]
    if params:
        missing += [] if "Args:" in doc else ["Args:"]
        args = doc.split("Args:", 1)[-1]
        missing += [p.name for p in params if not re.search(rf"^\s+{p.name}( \(.*?\))?:", args, re.M)]
    assert missing == [], f"{name} lacks {missing}"


def test_exceptions_are_documented() -> None:
    for name in ("RedisError", "RedisConnectionError", "RedisTimeoutError", "AuthenticationError", "ResponseError",
                 "ProtocolError", "SchemaError", "ConfigurationError", "KeyExistsError"):
        cls = getattr(pr, name)
        assert issubclass(cls, pr.RedisError) and len(cls.__doc__ or "") > 20, name
    api = (ROOT / "docs" / "api.md").read_text()
    assert all(f"`{name}`" in api for name in ("RedisConnectionError", "SchemaError", "ConfigurationError"))


@pytest.mark.parametrize("name,doc", DOCSTRINGS, ids=[n for n, _ in DOCSTRINGS])
def test_no_raw_roles_and_no_skipped_examples(name: str, doc: str) -> None:
    assert not ROLE.search(doc), f"{name}: use [name][polars_redis.module.name] links, not Sphinx roles"
    assert "+SKIP" not in doc, f"{name}: examples run against the embedded server"
    assert "Example:" not in doc, f"{name}: the section is 'Examples:' (only that renders as code)"


def load_sample_data(r: redis.Redis) -> None:
    """The data the examples read: users, profiles, counters, collections, streams, series, indexes."""
    r.flushall()
    for i, (name, age, city) in enumerate([("Ada", 36, "Oslo"), ("Bo", 12, "Bergen"), ("Cy", 41, "Oslo")], 1):
        r.hset(f"user:{i}", mapping={"name": name, "age": age, "city": city})
    r.json().set("profile:1", "$", {"name": "Ada", "tags": ["admin"], "address": {"city": "Oslo"}})
    r.json().set("profile:2", "$", {"name": "Bo", "tags": [], "address": {"city": "Bergen"}})
    r.mset({"counter:page_views:home": 120, "counter:page_views:about": 30, "cache:a": "x", "cache:b": "y",
            "feature:dark_mode": "true", "feature:beta": "false"})
    r.sadd("tags:post:1", "redis", "polars")
    r.sadd("tags:post:2", "polars")
    r.rpush("queue:jobs", 1, 2, 3)
    r.zadd("leaderboard:daily", {"ann": 10, "bob": 7.5})
    for i, action in enumerate(["click", "view", "click"], 1):
        r.xadd("events", {"action": action, "value": i}, id=f"{i}-0")
        r.xadd("events:user:123", {"action": action, "value": i})
    r.xadd("orders", {"amount": "9.5"}, id="1-0")
    labels = {"type": "temperature", "facility": "building_a"}
    r.ts().create("sensor:temp:1", labels={**labels, "location": "lab"})
    r.ts().create("sensor:temp:2", labels={**labels, "location": "office"})
    now = r.time()[0] * 1000
    for minutes in range(0, 120, 10):
        r.ts().add("sensor:temp:1", now - minutes * 60_000, 20 + minutes / 60)
        r.ts().add("sensor:temp:2", now - minutes * 60_000, 18 + minutes / 60)
    r.execute_command("FT.CREATE", "idx:users", "ON", "HASH", "PREFIX", 1, "user:", "SCHEMA",
                      "name", "TEXT", "age", "NUMERIC", "SORTABLE", "city", "TAG")
    r.json().set("product:1", "$", {"name": "Lamp", "price": 25.0})
    r.json().set("product:2", "$", {"name": "Desk", "price": 180.0})
    r.execute_command("FT.CREATE", "idx:products", "ON", "JSON", "PREFIX", 1, "product:", "SCHEMA",
                      "$.name", "AS", "name", "TEXT", "$.price", "AS", "price", "NUMERIC")
    for i, (status, region, amount) in enumerate([("paid", "eu", 10), ("paid", "us", 5), ("paid", "eu", 7)], 1):
        r.hset(f"order:{i}", mapping={"status": status, "region": region, "amount": amount})
    r.execute_command("FT.CREATE", "idx:orders", "ON", "HASH", "PREFIX", 1, "order:", "SCHEMA",
                      "status", "TAG", "region", "TAG", "amount", "NUMERIC")
    for index in ("idx:users", "idx:products", "idx:orders"):  # wait for the initial indexing
        while int(r.ft(index).info()["indexing"]):
            pass


def _examples(module_name: str) -> list[doctest.DocTest]:
    module = importlib.import_module(module_name)
    tests = doctest.DocTestFinder(recurse=True).find(module, module_name)
    return [t for t in tests if t.examples and not any(part.startswith("_") for part in t.name.split(".")[2:])]


@pytest.fixture()
def sample(stack: RedisStackServer) -> Iterator[str]:
    with redis.Redis.from_url(stack.url) as client:
        load_sample_data(client)
    yield stack.url


@pytest.mark.parametrize("module_name", MODULES)
def test_examples_run(module_name: str, sample: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # examples may write files
    base = sample.removesuffix("/0")
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    parser = doctest.DocTestParser()
    ran = 0
    for test in _examples(module_name):
        with redis.Redis.from_url(sample) as client:
            load_sample_data(client)  # each docstring starts from the same data
        text = "\n".join(e.source.replace(LOCAL_URL, base) for e in test.examples)  # for the error message
        globs = {"pr": pr, "pl": pl, "url": sample}
        rebuilt = parser.get_doctest((test.docstring or "").replace(LOCAL_URL, base), globs, test.name,
                                     test.filename, test.lineno)
        result = runner.run(rebuilt, clear_globs=True)
        assert result.failed == 0, f"{test.name} failed:\n{text}"
        ran += result.attempted
    assert ran > 0, f"{module_name} has no examples"
