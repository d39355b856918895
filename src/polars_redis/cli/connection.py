"""Connection options shared by every subcommand, and keeping passwords out of error lines."""

from __future__ import annotations

import argparse

from polars_redis import _core
from polars_redis.cli.expr import CliError
from polars_redis.client import Client, connect


def add_connection_options(parser: argparse.ArgumentParser) -> None:
    """The :func:`polars_redis.connect` options that make sense on a command line."""
    group = parser.add_argument_group("connection (also accepted as URL query parameters)")
    group.add_argument("--connect-timeout", type=float, metavar="SECONDS", help="seconds to connect and handshake")
    group.add_argument("--socket-timeout", type=float, metavar="SECONDS", help="longest wait for one read or write")
    group.add_argument("--ssl-ca-certs", metavar="FILE", help="CA bundle for rediss://")
    group.add_argument("--ssl-ca-path", metavar="DIR", help="CA directory for rediss://")
    group.add_argument("--ssl-certfile", metavar="FILE", help="client certificate (mutual TLS)")
    group.add_argument("--ssl-keyfile", metavar="FILE", help="the client certificate's key")
    group.add_argument("--ssl-cert-reqs", choices=("required", "none"), help="verify the server certificate")


_OPTIONS = ("connect_timeout", "socket_timeout", "ssl_ca_certs", "ssl_ca_path", "ssl_certfile", "ssl_keyfile",
            "ssl_cert_reqs")


def client_from_args(args: argparse.Namespace) -> Client:
    """A client for ``args.url`` with the options given on the command line."""
    try:
        args.url.encode()
    except UnicodeError:  # bytes the shell passed that are not UTF-8 (the password among them?)
        raise CliError("the URL is not valid UTF-8; percent-encode other bytes (%FF)") from None
    # Checked alone first, so a bad URL is reported as typed (not with connect()'s pool options).
    _core.validate_url(args.url)
    options = {name: getattr(args, name) for name in _OPTIONS if getattr(args, name) is not None}
    return connect(args.url, **options)


def scrub(message: str, url: str | None) -> str:
    """`message` with `url` redacted and its passwords (raw or percent-decoded) masked."""
    if not url:
        return message
    try:
        redacted, secrets = _core.redact_url(url), _core.url_secrets(url)
    except (UnicodeError, TypeError):  # undecodable bytes from the command line: show no part of it
        return message.replace(url, "(the URL)")
    message = message.replace(url, redacted)
    for secret in sorted(secrets, key=len, reverse=True):
        message = message.replace(secret, "***")
    return message
