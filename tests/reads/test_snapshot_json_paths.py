"""JSONPaths evaluated on the client (snapshot and RDB reads) agree with RedisJSON byte for byte.

The server is the oracle: for generated documents and generated paths (names, wildcards, indexes
including negative and out-of-range ones, slices, unions, on every kind of value), the client's
selection must equal what `JSON.GET key path` returns. Then a snapshot read with custom `paths`
must equal the SCAN read of the same keys.
"""

from __future__ import annotations

import json

import polars as pl
import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import polars_redis as pr
from polars_redis import _core

# Member names chosen to collide often, including ones that need the bracket form and escapes.
NAMES = ["a", "b", "0", "x-y", "a b", "é", "q'q", 'd"q', "b\\s", "t\tab"]
DOT_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_`~+#%$^/:")

scalars = st.one_of(
    st.none(), st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**64 - 1),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.text(alphabet=st.sampled_from(list("ab\"\\\n\té€😀 ")), max_size=4),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(st.sampled_from(NAMES), inner, max_size=5)),
    max_leaves=25,
)
# Documents are mostly objects and arrays, as stored documents are; a scalar root now and then.
containers = st.one_of(
    st.dictionaries(st.sampled_from(NAMES), values, min_size=1, max_size=6), st.lists(values, min_size=1, max_size=6)
)
documents = st.integers(min_value=0, max_value=9).flatmap(lambda k: scalars if k == 0 else containers)


def quoted(name: str, quote: str) -> str:
    return quote + name.replace("\\", "\\\\").replace(quote, "\\" + quote) + quote


@st.composite
def steps(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["name", "quoted", "names", "star", "index", "indexes", "slice"]))
    index = st.integers(min_value=-6, max_value=6)
    if kind == "name":
        name = draw(st.sampled_from([n for n in NAMES if set(n) <= DOT_CHARS]))
        return "." + name
    if kind == "quoted":
        return "[" + quoted(draw(st.sampled_from(NAMES)), draw(st.sampled_from("'\""))) + "]"
    if kind == "names":
        names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3))
        return "[" + ",".join(quoted(n, "'") for n in names) + "]"
    if kind == "star":
        return draw(st.sampled_from([".*", "[*]"]))
    if kind == "index":
        return f"[{draw(index)}]"
    if kind == "indexes":
        return "[" + ",".join(str(i) for i in draw(st.lists(index, min_size=2, max_size=4))) + "]"
    start, end = draw(st.one_of(st.none(), index)), draw(st.one_of(st.none(), index))
    text = f"[{'' if start is None else start}:{'' if end is None else end}"
    step = draw(st.one_of(st.none(), st.integers(min_value=1, max_value=3)))
    return text + ("" if step is None else f":{step}") + "]"


@st.composite
def paths_into(draw: st.DrawFn, document: object) -> str:
    """A path that mostly follows `document`'s structure (so that it matches something), with
    random steps mixed in (so that misses on every kind of value are covered too)."""
    path, value = "$", document
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        follow = draw(st.integers(min_value=0, max_value=3)) > 0
        if isinstance(value, dict) and value and follow:
            name = draw(st.sampled_from(sorted(value)))
            step = "." + name if set(name) <= DOT_CHARS and draw(st.booleans()) else "[" + quoted(name, "'") + "]"
            value = value[name]
        elif isinstance(value, list) and value and follow:
            index = draw(st.integers(min_value=-len(value), max_value=len(value) - 1))
            step, value = f"[{index}]", value[index]
        else:
            step = draw(steps())
            # After a wildcard the next steps follow the first match; after anything else, chance.
            children = list(value.values()) if isinstance(value, dict) else value if isinstance(value, list) else []
            value = children[0] if step in (".*", "[*]") and children else None
        path += step
    return path


@settings(max_examples=300, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data(), document=documents)
def test_client_selection_equals_the_servers(r: redis.Redis, data: st.DataObject, document: object) -> None:
    r.execute_command("JSON.SET", "doc", "$", json.dumps(document, ensure_ascii=False))
    stored = r.execute_command("JSON.GET", "doc", "$").decode()[1:-1]  # the document as the server keeps it
    for path in data.draw(st.lists(paths_into(document), min_size=1, max_size=6)):
        expected = r.execute_command("JSON.GET", "doc", path).decode()
        assert _core.json_client_select(stored, path) == expected, (stored, path)


def test_filters_and_descent_are_refused_before_reading(url: str) -> None:
    for path in ["$..a", "$.a..b", "$[?(@.a>1)]", "$.a[?@.b=='x']"]:
        with pytest.raises(pr.ConfigurationError, match="snapshot=False"):
            pr.scan_json(url, "doc:*", {"k": pl.Int64}, paths={"k": path}, snapshot=True)
        assert _core.json_client_path_error(path) is not None
    assert _core.json_client_path_error("$.a[1:2]['b',\"c\"].*[-1,0]") is None


def test_snapshot_read_with_paths_equals_the_scan_read(r: redis.Redis, url: str) -> None:
    r.config_set("repl-diskless-sync-delay", 0)
    for i in range(40):
        doc = {"name": f"n{i}", "address": {"city": f"c{i % 3}", "zip": 1000 + i},
               "items": [{"sku": f"s{i}-{j}", "qty": j} for j in range(i % 4)],
               "price": "12.50" if i % 5 else None, "exact": 9007199254740993 + i}
        r.execute_command("JSON.SET", f"doc:{i}", "$", json.dumps(doc))
    r.hset("doc:hash", "name", "not json")
    schema = {"city": pl.String, "zip": pl.Int64, "skus": pl.List(pl.String), "last_qty": pl.Int64,
              "first_two": pl.List(pl.Int64), "exact": pl.Int64, "name": pl.String}
    paths = {"city": "$.address.city", "zip": "$['address'].zip", "skus": "$.items[*].sku",
             "last_qty": "$.items[-1].qty", "first_two": "$.items[:2].qty", "exact": "$.exact"}
    scan = pr.read_json(url, "doc:*", schema, paths=paths).sort("_key")
    snap = pr.read_json(url, "doc:*", schema, paths=paths, snapshot=True).sort("_key")
    assert scan.height == 40
    assert snap.equals(scan)
    # Independently: the values redis-py reads.
    assert snap.filter(pl.col("_key") == "doc:7").row(0, named=True)["skus"] == ["s7-0", "s7-1", "s7-2"]
    assert snap["exact"].to_list() == [9007199254740993 + int(k.split(":")[1]) for k in snap["_key"]]
