"""Restarting a read that could not reach the server before it produced anything."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from polars_redis import _core
from polars_redis._core import RedisConnectionError, RedisTimeoutError


class RetryingScan:
    """A native scan restarted (up to `retries` times) when its first batch fails to connect.

    Only reads come here, and only before any batch was handed out: a restart cannot duplicate
    or skip rows. The pool discards the connection that failed, so a restart connects afresh.
    """

    def __init__(self, native: Callable[[str, dict[str, Any]], Any], url: str, plan: dict[str, Any]) -> None:
        self._native = native
        self._url = url
        self._plan = plan
        self._retries = _core.url_settings(url)["retries"]
        self._started = False
        self._closed = False
        self._scan: Any = None
        try:
            self._scan = native(url, plan)
        except (RedisConnectionError, RedisTimeoutError):
            self._use_retry()

    def _use_retry(self) -> None:
        if self._started or self._retries == 0:
            raise
        self._retries -= 1
        if self._scan is not None:
            self._scan.close()
            self._scan = None

    def next_batch(self) -> Any:
        if self._closed:
            return None
        while True:
            try:
                if self._scan is None:
                    self._scan = self._native(self._url, self._plan)
                batch = self._scan.next_batch()
            except (RedisConnectionError, RedisTimeoutError):
                self._use_retry()
                continue
            self._started = True
            return batch

    def close(self) -> None:
        # Dropped, not only closed: a traceback holding this wrapper must not keep the native
        # scan (and its thread's resources) alive.
        self._closed = True
        if self._scan is not None:
            self._scan.close()
            self._scan = None
