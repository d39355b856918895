"""How a write reaches the server: whole values installed with RESTORE, or commands.

Hashes, JSON documents, strings, sets, lists and sorted sets are built in the C++ core as RDB
payloads (the format of ``DUMP``) and installed with one ``RESTORE`` per key wherever the server
takes them: ``if_exists="replace"`` becomes ``RESTORE key ttl payload REPLACE`` (atomic, TTL
included) and ``"fail"`` runs ``RESTORE`` inside its all-or-nothing batches. ``"append"`` without
a TTL creates absent keys with ``RESTORE`` (no ``REPLACE``) and merges into the keys that exist
with the usual command, sent when the server answers ``BUSYKEY``; JSON documents (merged with
``JSON.MERGE``, which leaves nulls out) and appends with a TTL keep the commands. The server then
loads each value in one step instead of executing a command per value, which roughly halves its
CPU time.

The choice is made once per write (or sink) by asking the server: its version fixes the RDB
version of the payloads (Redis 7.0 = 10, 7.2 = 11, 7.4 and later = 12, never above the server's
own); a probe ``RESTORE`` shows whether the command may run (ACLs, renamed commands and proxies
refuse it); ``CONFIG GET`` gives the encoding thresholds to follow (``hash-max-listpack-entries``
and the like) and ``MODULE LIST`` whether RedisJSON 2.x is there. Anything else, Redis before
7.0 included, uses the commands. Both paths store identical data. [write_method][polars_redis.writers.restore.write_method] tells
which one a write would use, and the logger ``polars_redis.writes`` says it at DEBUG level.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from polars_redis import _core
from polars_redis.client import Client
from polars_redis.engine.connection import as_url
from polars_redis.writers.modes import DEFAULT_IF_EXISTS, IfExists

__all__ = ["write_method"]

_log = logging.getLogger("polars_redis.writes")

# Which kind of value each native writer stores; only these can be written with RESTORE.
_KINDS: dict[Callable[..., Any], str] = {
    _core.write_hashes: "hash", _core.write_json: "json", _core.write_strings: "string",
    _core.write_set: "set", _core.write_list: "list", _core.write_zset: "zset",
}
_KIND_NAMES = ("hash", "json", "string", "set", "list", "zset")


def _decide(kind: str, url: str, plan: dict[str, Any]) -> dict[str, Any]:
    if plan.get("if_exists") == "append" and kind == "json":
        return {"method": "commands", "reason": "append merges JSON documents with JSON.MERGE"}
    support = _core.probe_restore(url, {k: v for k, v in plan.items() if k == "cluster_node"})
    if not support["usable"]:
        return {"method": "commands", "reason": support["reason"], "server_version": support["server_version"]}
    if kind == "json" and not support["json"]:
        return {"method": "commands", "reason": "RedisJSON 2.x is not loaded", "server_version": support["server_version"]}
    return {"method": "restore", "rdb_version": support["rdb_version"], "limits": support["limits"],
            "server_version": support["server_version"]}


def choose(native: Callable[..., Any], url: str, plan: dict[str, Any]) -> None:
    """Put the write method in `plan` (once: a sink decides for all its batches)."""
    kind = _KINDS.get(native)
    if kind is None or "method" in plan:
        return
    decision = _decide(kind, url, plan)
    plan["method"] = decision["method"]
    if decision["method"] == "restore":
        plan["restore"] = {"rdb_version": decision["rdb_version"], "limits": decision["limits"]}
        _log.debug("%s write (if_exists=%r): RESTORE payloads, RDB %d (server %s)", kind, plan.get("if_exists"),
                   decision["rdb_version"], decision["server_version"])
    else:
        _log.debug("%s write (if_exists=%r): commands (%s)", kind, plan.get("if_exists"), decision["reason"])


def write_method(url: str | Client, *, kind: str = "hash", if_exists: IfExists = DEFAULT_IF_EXISTS) -> dict[str, Any]:
    """Which way a write of `kind` values would reach the server at `url`.

    The same decision the writers make (one probe of the server, nothing is written): RESTORE
    payloads where the server takes them, commands otherwise. ``"append"`` of JSON documents uses
    commands; any ``"append"`` with a TTL does too (whatever this says), as it checks key types.

    Args:
        url: a ``redis://``/``rediss://``/``unix://`` URL, or a Client.
        kind: one of ``"hash"``, ``"json"``, ``"string"``, ``"set"``, ``"list"``, ``"zset"``.
        if_exists: the write mode, ``"replace"``, ``"fail"`` or ``"append"``.

    Returns:
        ``{"method": "restore", "rdb_version": ..., "limits": {...}, "server_version": ...}`` or
        ``{"method": "commands", "reason": ...}`` (with ``"server_version"`` when the server
        answered the probe).

    Raises:
        ConfigurationError: an unknown `kind` or an invalid URL.
        RedisConnectionError: the server cannot be reached (AuthenticationError when it rejects
            the credentials).
        RedisTimeoutError: the server did not answer in time.

    Examples:
        >>> pr.write_method(url, kind="json", if_exists="append")["method"]
        'commands'
        >>> pr.write_method(url, kind="zset")["method"]
        'restore'
    """
    if kind not in _KIND_NAMES:
        raise _core.ConfigurationError(f"kind must be one of {_KIND_NAMES}, got {kind!r}")
    url = as_url(url)
    _core.validate_url(url)
    return _decide(kind, url, {"if_exists": if_exists})
