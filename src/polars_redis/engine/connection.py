"""Where a public function turns its `url` argument (a URL or a Client) into the URL to use."""

from __future__ import annotations

from polars_redis.client import Client


def as_url(url_or_client: str | Client) -> str:
    """The URL of a Client (ConfigurationError once it is closed), or the string itself."""
    if isinstance(url_or_client, Client):
        return url_or_client.url
    return url_or_client
