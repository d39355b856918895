"""Whether the server has the module a reader needs.

A server without RedisJSON has no keys of type ReJSON-RL, so a JSON scan would quietly find
nothing; the check turns that into a clear error. Writes and search/time-series reads fail on
their first command instead, with the module named by the core's error translation.
"""

from __future__ import annotations

import threading

from polars_redis import _core
from polars_redis._core import ConfigurationError, ResponseError

_confirmed: set[tuple[str, str]] = set()
_lock = threading.Lock()


def require_command(url: str, command: str, module: str) -> None:
    """Raise ConfigurationError when the server does not know `command` (checked once per URL)."""
    with _lock:
        if (url, command) in _confirmed:
            return
    try:
        reply = _core.command(url, ["COMMAND", "INFO", command])
    except ResponseError:  # COMMAND may be denied by an ACL: then let the scan itself speak
        return
    if not reply or reply[0] is None:
        raise ConfigurationError(
            f"this server does not know {command}: it needs the {module} module (use Redis Stack or load the module)"
        )
    with _lock:
        _confirmed.add((url, command))
