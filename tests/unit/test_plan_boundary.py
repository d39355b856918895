"""The plan boundary: every entry point of the core that takes a plan (the dict the Python layer
builds) rejects a key it does not read, naming the key, the entry point and the closest known key,
and rejects a wrongly typed value, naming the key, the type expected and the type received.

No server is needed: a plan is read in full, and rejected, before anything connects. The keys
each entry point knows are taken from its own error for an unknown key; every one of them is then
misspelt and mistyped in turn (the integration tests of each reader and writer check the other
direction: that every key the Python layer sends is one the core reads)."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import polars_redis as pr
from polars_redis import _core

URL = "redis://127.0.0.1:1"  # never reached: every call here fails while reading its plan

_STRING = {"id": "string"}


def _scan(name: str) -> Callable[[dict[str, Any]], object]:
    return lambda plan: getattr(_core, name)(URL, plan)


def _write(name: str) -> Callable[[dict[str, Any]], object]:
    return lambda plan: getattr(_core, name)(URL, object(), object(), plan)


# Each entry point with the smallest plan it accepts (its required keys).
ENTRY_POINTS: dict[str, tuple[Callable[[dict[str, Any]], object], dict[str, Any]]] = {
    "scan_hashes": (_scan("scan_hashes"), {"fields": [("a", _STRING)]}),
    "scan_json": (_scan("scan_json"), {"fields": [("a", _STRING, None)]}),
    "scan_strings": (_scan("scan_strings"), {}),
    "scan_sets": (_scan("scan_sets"), {}),
    "scan_lists": (_scan("scan_lists"), {}),
    "scan_zsets": (_scan("scan_zsets"), {}),
    "scan_stream": (_scan("scan_stream"), {"keys": ["s"], "fields": []}),
    "read_stream_group": (_scan("read_stream_group"), {"key": "s", "group": "g", "consumer": "c", "fields": []}),
    "scan_timeseries": (_scan("scan_timeseries"), {"key": "ts"}),
    "scan_timeseries_multi": (_scan("scan_timeseries_multi"), {"filters": ["a=b"], "label_columns": []}),
    "aggregate": (_scan("aggregate"), {"index": "idx", "query": "*", "columns": [("a", _STRING)]}),
    "probe_restore": (_scan("probe_restore"), {}),
    "check_keys_absent": (lambda plan: _core.check_keys_absent(URL, object(), plan), {}),
    "write_hashes": (_write("write_hashes"), {}),
    "write_json": (_write("write_json"), {}),
    "write_strings": (_write("write_strings"), {}),
    "write_set": (_write("write_set"), {"items_column": "m"}),
    "write_list": (_write("write_list"), {"items_column": "e"}),
    "write_zset": (_write("write_zset"), {"items_column": "m", "scores_column": "s"}),
    "write_stream": (_write("write_stream"), {"trim": []}),
    "write_timeseries": (_write("write_timeseries"), {"timestamp_column": "t", "value_column": "v", "add_options": []}),
    # explain(): reads the plan of the scan it describes, with that scan's reader.
    "describe_scan": (lambda plan: _core.describe_scan("scan_json", URL, plan), {"fields": [("a", _STRING, None)]}),
}
# The name an entry point's errors give: a description reads as the scan it describes.
_NAMED_AS = {"describe_scan": "scan_json"}

_TYPE_NAMES = r"(bool|int|float|str|list|list\[str\]|tuple|dict)"


def test_every_entry_point_taking_a_plan_is_covered() -> None:
    stub = ast.parse(Path(_core.__file__).with_name("_core.pyi").read_text())
    taking_a_plan = {node.name for node in stub.body
                     if isinstance(node, ast.FunctionDef) and any(arg.arg == "plan" for arg in node.args.args)}
    assert taking_a_plan == set(ENTRY_POINTS)


def _error(call: Callable[[dict[str, Any]], object], plan: dict[str, Any]) -> str:
    with pytest.raises(pr.ConfigurationError) as info:
        call(plan)
    return str(info.value)


def _known_keys(call: Callable[[dict[str, Any]], object], plan: dict[str, Any], entry: str) -> list[str]:
    message = _error(call, {**plan, "qqqqqqqqqqqqqqqq": 1})
    match = re.fullmatch(rf"unknown plan key 'qqqqqqqqqqqqqqqq' for {_NAMED_AS.get(entry, entry)}; the known keys are (.*)", message)
    assert match, message
    return re.findall(r"'([^']*)'", match.group(1))


def _misspelt(key: str) -> str:
    """`key` with two neighbouring letters swapped (the commonest typing slip)."""
    i = max(1, len(key) // 2)
    swapped = key[: i - 1] + key[i] + key[i - 1] + key[i + 1:]
    return swapped if swapped != key else key + "s"


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
def test_every_known_key_misspelt_is_rejected_with_the_key_it_meant(entry: str) -> None:
    call, plan = ENTRY_POINTS[entry]
    known = _known_keys(call, plan, entry)
    assert set(plan) <= set(known)
    for key in known:
        wrong = _misspelt(key)
        if wrong in known:
            continue
        message = _error(call, {**plan, wrong: None})
        head = f"unknown plan key '{wrong}' for {_NAMED_AS.get(entry, entry)}; did you mean "
        assert message.startswith(head), message
        assert f"'{key}'" in message[len(head):], message


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
def test_every_known_key_with_a_wrong_type_names_key_and_types(entry: str) -> None:
    call, plan = ENTRY_POINTS[entry]
    for key in _known_keys(call, plan, entry):
        message = _error(call, {**plan, key: object()})
        assert re.fullmatch(rf"plan\['{key}'\] for {_NAMED_AS.get(entry, entry)} must be {_TYPE_NAMES}, got object", message), message


@pytest.mark.parametrize("entry", sorted(name for name, (_, plan) in ENTRY_POINTS.items() if plan))
def test_a_missing_required_key_is_named(entry: str) -> None:
    call, plan = ENTRY_POINTS[entry]
    for key in plan:
        rest = {k: v for k, v in plan.items() if k != key}
        assert _error(call, rest) == f"plan['{key}'] for {_NAMED_AS.get(entry, entry)} is required"


def test_several_unknown_keys_are_all_named() -> None:
    message = _error(_scan("scan_hashes"), {"fields": [], "pattren": "*", "n_row": 5})
    assert message.startswith("unknown plan keys 'pattren', 'n_row' for scan_hashes"), message
    assert "did you mean 'pattern' for 'pattren'?" in message
    assert "did you mean 'n_rows' for 'n_row'?" in message


KEY_SOURCES = {
    "scan": {},
    "snapshot": {},
    "rdb": {"path": "/nonexistent.rdb"},
    "keys": {"keys": ["a"]},
    "search": {"index": "idx", "query": "*"},
}


@pytest.mark.parametrize("kind", sorted(KEY_SOURCES))
def test_nested_key_sources_are_read_the_same_way(kind: str) -> None:
    call = _scan("scan_strings")

    def nested(source: dict[str, Any]) -> dict[str, Any]:
        return {"key_source": {"kind": kind, **KEY_SOURCES[kind], **source}}

    message = _error(call, nested({"qqqqqqqqqqqqqqqq": 1}))
    match = re.fullmatch(r"unknown plan key 'qqqqqqqqqqqqqqqq' in plan\['key_source'\] for scan_strings; "
                         r"the known keys are (.*)", message)
    assert match, message
    known = re.findall(r"'([^']*)'", match.group(1))
    assert {"kind", *KEY_SOURCES[kind]} <= set(known)
    for key in known:
        if key == "kind":
            continue
        wrong = _misspelt(key)
        message = _error(call, nested({wrong: None}))
        head = f"unknown plan key '{wrong}' in plan['key_source'] for scan_strings; did you mean "
        assert message.startswith(head), message
        typed = _error(call, nested({key: object()}))
        assert re.fullmatch(rf"plan\['key_source'\]\['{key}'\] for scan_strings must be {_TYPE_NAMES}, got object",
                            typed), typed


def test_nested_dtypes_are_read_the_same_way() -> None:
    call = _scan("scan_hashes")
    inner = {"id": "list", "inner": {"id": "datetime", "unit": "us", "tx": "UTC"}}
    message = _error(call, {"fields": [("a", inner)]})
    assert message == "unknown plan key 'tx' in plan['fields'][0][1]['inner'] for scan_hashes; did you mean 'tz'?"
    typed = _error(call, {"fields": [("a", {"id": "decimal", "precision": "10"})]})
    assert typed == "plan['fields'][0][1]['precision'] for scan_hashes must be int, got str"
    shape = _error(call, {"fields": [("a",)]})
    assert shape == "plan['fields'][0] for scan_hashes must have 2 items, got 1"


def test_values_are_not_coerced_across_types() -> None:
    call = _scan("scan_strings")
    assert _error(call, {"batch_size": True}) == "plan['batch_size'] for scan_strings must be int, got bool"
    assert _error(call, {"batch_size": 1.5}) == "plan['batch_size'] for scan_strings must be int, got float"
    assert _error(call, {"include_key": 1}) == "plan['include_key'] for scan_strings must be bool, got int"
    assert _error(call, {"pattern": b"*"}) == "plan['pattern'] for scan_strings must be str, got bytes"
    too_big = _error(call, {"batch_size": 2**64})
    assert too_big == f"plan['batch_size'] for scan_strings is {2**64}, which does not fit in a signed integer"
    with pytest.raises(TypeError, match="plan: dict"):
        call("not a dict")  # type: ignore[arg-type]


def test_the_budget_entry_point_takes_typed_arguments() -> None:
    _core.validate_budget()
    _core.validate_budget(max_server_share=0.5, max_commands_per_second=100.0)
    with pytest.raises(pr.ConfigurationError, match="max_server_share"):
        _core.validate_budget(max_server_share=0.0)
