"""A reusable client: connection options in one place and a connection pool of its own."""

from __future__ import annotations

import threading
import uuid
from typing import Any
from urllib.parse import quote

from polars_redis import _core
from polars_redis._core import ConfigurationError

__all__ = ["Client", "connect"]

_CERT_REQS = ("required", "none")


class Client:
    """Connection options plus a private connection pool, accepted wherever a URL is.

    Create one with [connect][polars_redis.client.connect]. Every ``scan_*``, ``read_*``,
    ``write_*``, ``sink_*``,
    ``infer_*`` and search function takes a ``Client`` in place of the URL; calls through one
    client reuse its connections. Safe to share between threads.

    Examples:
        >>> with pr.connect("redis://localhost:6379", pool_size=4) as client:
        ...     users = pr.read_hashes(client, "user:*")
        ...     pr.write_hashes(users, client, key_column="_key", if_exists="replace")
        3
    """

    def __init__(self, url: str) -> None:
        # Built by connect(), which validated `url` (with a pool name of its own).
        self._url = url
        self._redacted = _core.redact_url(url)
        self._lock = threading.Lock()
        self._closed = False

    @property
    def url(self) -> str:
        """The URL with every option as a query parameter (it contains the password).

        Raises:
            ConfigurationError: the client was closed.

        Examples:
            >>> pr.connect("redis://localhost:6379", retries=2).url
            'redis://localhost:6379?pool_size=8&pool_idle_timeout=60&retries=2&pool=client-...'
        """
        with self._lock:
            if self._closed:
                raise ConfigurationError(f"this client ({self._redacted}) is closed; create a new one with connect()")
            return self._url

    @property
    def closed(self) -> bool:
        """Whether `close` was called.

        Examples:
            >>> client = pr.connect(url)
            >>> client.closed
            False
            >>> client.close()
            >>> client.closed
            True
        """
        with self._lock:
            return self._closed

    def close(self) -> None:
        """Close the pool's connections; later calls through this client raise ConfigurationError.

        Scans running now finish; their connections are closed when they end. Closing twice is
        allowed.

        Examples:
            >>> client = pr.connect(url)
            >>> client.close()
            >>> pr.read_hashes(client, "user:*")
            Traceback (most recent call last):
            ...
            polars_redis.ConfigurationError: this client (...) is closed; create a new one with connect()
        """
        with self._lock:
            if self._closed:
                return
            self._closed = True
        _core.close_pool(self._url)

    def pool_stats(self) -> dict[str, int]:
        """Counters of this client's pool: ``open``, ``idle``, ``created``, ``reused``.

        Returns:
            Connections ``open`` and ``idle`` now, ``created`` and ``reused`` so far.

        Raises:
            ConfigurationError: the client was closed.

        Examples:
            >>> with pr.connect(url) as client:
            ...     _ = pr.read_hashes(client, "user:*")
            ...     stats = client.pool_stats()
            >>> sorted(stats), stats["created"] >= 1
            (['created', 'idle', 'open', 'reused'], True)
        """
        return dict(_core.pool_stats(self.url))

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = ", closed" if self.closed else ""
        return f"Client({self._redacted!r}{state})"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def connect(
    url: str,
    *,
    connect_timeout: float | None = None,
    socket_timeout: float | None = None,
    client_name: str | None = None,
    pool_size: int = 8,
    pool_idle_timeout: float = 60,
    retries: int = 1,
    parallel: int | None = None,
    ssl_ca_certs: str | None = None,
    ssl_ca_path: str | None = None,
    ssl_certfile: str | None = None,
    ssl_keyfile: str | None = None,
    ssl_cert_reqs: str | None = None,
    ssl_check_hostname: bool | None = None,
    read_from: str | None = None,
    **extra: Any,
) -> Client:
    """Validate connection options once and return a [Client][polars_redis.client.Client] with its
    own pool.

    Options may be given here or as query parameters of `url` (not both). Nothing is sent to
    Redis until the first call uses the client.

    Args:
        url: ``redis://[[user]:password@]host[:port][/db]``, ``rediss://`` for TLS,
            ``unix:///path``, ``redis+cluster://`` or
            ``redis+sentinel://[[user]:password@]host1:26379,host2:26379/master_name[/db]``.
        connect_timeout: seconds to connect (and handshake) before RedisTimeoutError.
        socket_timeout: the longest a single read or write may wait, in seconds.
        client_name: CLIENT SETNAME for every connection (printable ASCII, no spaces).
        pool_size: idle connections kept for reuse (0: a fresh connection per call). More may be
            open at once; extras are closed when given back.
        pool_idle_timeout: seconds an idle connection is kept.
        retries: how many times a read that failed to reach the server (RedisConnectionError or
            RedisTimeoutError before its first batch) is restarted. Writes are never retried.
        parallel: connections one key scan spreads its fetch pipeline over (default 1).
        ssl_ca_certs: CA bundle file for ``rediss://``.
        ssl_ca_path: CA directory for ``rediss://``.
        ssl_certfile: client certificate (mutual TLS).
        ssl_keyfile: the client certificate's key.
        ssl_cert_reqs: ``"required"`` (default) or ``"none"``.
        ssl_check_hostname: check the certificate's host name (default True).
        read_from: where reads go: ``"primary"`` (default), ``"replica"`` or
            ``"prefer_replica"`` (a replica when one is online, else the primary). Writes always
            go to the primary. See docs/production.md for replication lag.
        **extra: any other URL option (``db``, ``protocol``, ``ssl_server_name``, ...).

    Raises:
        ConfigurationError: naming every option that is invalid, never the password.

    Returns:
        A client to pass wherever a URL is accepted; close it (or use ``with``) when done.

    Examples:
        >>> client = pr.connect("redis://localhost:6379", socket_timeout=5, retries=2)
        >>> pr.read_hashes(client, "user:*").height
        3
        >>> client.close()
    """
    if not isinstance(url, str):
        raise ConfigurationError(f"url must be a str, got {type(url).__name__}")
    problems: list[str] = []
    options: dict[str, Any] = {}

    def number(name: str, value: Any, *, minimum: float, integer: bool, exclusive: bool = False) -> None:
        valid = isinstance(value, int if integer else (int, float)) and not isinstance(value, bool)
        if valid:
            valid = value > minimum if exclusive else value >= minimum
        if not valid:
            kind = "an integer" if integer else "a number"
            bound = f"> {minimum}" if exclusive else f">= {minimum}"
            problems.append(f"{name} must be {kind} {bound}, got {value!r}")
        else:
            options[name] = value

    def text(name: str, value: Any) -> None:
        if not isinstance(value, str) or not value:
            problems.append(f"{name} must be a non-empty str, got {value!r}")
        else:
            options[name] = value

    if connect_timeout is not None:
        number("connect_timeout", connect_timeout, minimum=0, integer=False, exclusive=True)
    if socket_timeout is not None:
        number("socket_timeout", socket_timeout, minimum=0, integer=False, exclusive=True)
    if client_name is not None:
        text("client_name", client_name)
    number("pool_size", pool_size, minimum=0, integer=True)
    number("pool_idle_timeout", pool_idle_timeout, minimum=0, integer=False, exclusive=True)
    number("retries", retries, minimum=0, integer=True)
    if parallel is not None:
        number("parallel", parallel, minimum=1, integer=True)
    for name, value in (("ssl_ca_certs", ssl_ca_certs), ("ssl_ca_path", ssl_ca_path),
                        ("ssl_certfile", ssl_certfile), ("ssl_keyfile", ssl_keyfile)):
        if value is not None:
            text(name, value)
    if ssl_cert_reqs is not None:
        if ssl_cert_reqs not in _CERT_REQS:
            problems.append(f"ssl_cert_reqs must be 'required' or 'none', got {ssl_cert_reqs!r}")
        else:
            options["ssl_cert_reqs"] = ssl_cert_reqs
    if ssl_check_hostname is not None:
        if not isinstance(ssl_check_hostname, bool):
            problems.append(f"ssl_check_hostname must be True or False, got {ssl_check_hostname!r}")
        else:
            options["ssl_check_hostname"] = ssl_check_hostname
    if read_from is not None:
        if read_from not in ("primary", "replica", "prefer_replica"):
            problems.append(f"read_from must be 'primary', 'replica' or 'prefer_replica', got {read_from!r}")
        else:
            options["read_from"] = read_from
    if "pool" in extra:
        problems.append("pool is chosen by connect(): every client has a pool of its own")
    for name, value in extra.items():
        if name != "pool":
            options[name] = value
    if problems:
        raise ConfigurationError("invalid connect() options: " + "; ".join(problems))
    query = "&".join(f"{name}={quote(_text(value), safe='')}" for name, value in options.items())
    query += ("&" if query else "") + f"pool=client-{uuid.uuid4().hex}"
    full = url + ("&" if "?" in url[url.rfind("@") + 1:] else "?") + query
    # The core checks the combination: unknown options, TLS options on redis://, an option also
    # in the URL ("given twice").
    _core.validate_url(full)
    return Client(full)
