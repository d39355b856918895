"""A read's budget on the server: max_server_share and max_commands_per_second (see the production
guide). The core paces the scan (read/scan_pacer.hpp); this checks the values when the scan is built."""

from __future__ import annotations

from typing import Any

from polars_redis import _core
from polars_redis._core import ConfigurationError


def scan_budget(max_server_share: Any, max_commands_per_second: Any, *, snapshot: bool = False) -> dict[str, float]:
    """The plan entries of the budget (empty when unbounded); ConfigurationError for a bad value."""
    budget: dict[str, float] = {}
    for name, value in (("max_server_share", max_server_share), ("max_commands_per_second", max_commands_per_second)):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigurationError(f"{name} must be a number or None, got {value!r}")
        budget[name] = float(value)
    _core.validate_budget(**budget)  # the ranges: the core owns them
    if budget and snapshot:
        raise ConfigurationError(
            f"{' and '.join(budget)} paces the commands of a SCAN-based read; a snapshot read (snapshot=True) "
            "sends none per key and cannot be paced: drop one of the two"
        )
    return budget


def describe_budget(plan: dict[str, Any]) -> str | None:
    """explain()'s line for the plan's budget, or None when the read is unbounded."""
    parts = []
    share = plan.get("max_server_share")
    if share is not None and share < 1.0:
        parts.append(f"at most {share:.0%} of the server's time (paced bursts: each pipeline's last reply, "
                     f"then a pause of {(1 - share) / share:.2g}x its duration)")
    rate = plan.get("max_commands_per_second")
    if rate is not None:
        parts.append(f"at most {rate:g} commands per second")
    return "; ".join(parts) or None
