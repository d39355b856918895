"""Epoch milliseconds for datetime bounds, the one rule every time-range parameter follows."""

from __future__ import annotations

from datetime import date, datetime, time, timezone

from polars_redis._core import ConfigurationError

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def epoch_ms(value: datetime | date, name: str) -> int:
    """Milliseconds since 1970-01-01 UTC for `value`, rounded down to the millisecond.

    An aware datetime is exact. A naive one is local time, as ``datetime.timestamp()`` and
    ``datetime.now()`` take it, so ``datetime.now() - timedelta(hours=1)`` is the last hour in
    any time zone. A date is its local midnight. Bounds before 1970 are an error: no stream ID
    or time series timestamp is negative.
    """
    if not isinstance(value, datetime):
        value = datetime.combine(value, time())
    if value.tzinfo is None or value.utcoffset() is None:
        try:
            # astimezone() on a naive datetime applies the local zone's rules (fold included),
            # exactly as timestamp() does.
            value = value.astimezone()
        except (OverflowError, OSError, ValueError) as error:
            raise ConfigurationError(f"{name} {value.isoformat()} cannot be read as local time: {error}") from None
    # Integer arithmetic on the timedelta: float seconds would round some milliseconds away.
    delta = value - _EPOCH
    ms = (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000
    if ms < 0:
        raise ConfigurationError(f"{name} {value.isoformat()} is before 1970-01-01: timestamps here are >= 0 ms")
    return ms
