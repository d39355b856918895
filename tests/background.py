"""Work another client does while a test reads or writes: started before the block, stopped and
joined when it ends (even when the block raises), so no thread outlives its test."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import redis


@contextmanager
def in_background(work: Callable[[threading.Event], None]) -> Iterator[None]:
    """Run `work(stop)` in a thread for the duration of the block; `stop` is set when it ends."""
    stop = threading.Event()
    thread = threading.Thread(target=work, args=(stop,))
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def deleting(url: str, prefix: str, count: int) -> Callable[[threading.Event], None]:
    """Work that deletes keys `prefix`0 .. `prefix`count-1, 50 at a time, on a connection of its own."""

    def delete_keys(stop: threading.Event) -> None:
        deleter = redis.Redis.from_url(url)
        i = 0
        while not stop.is_set() and i < count:
            deleter.delete(*[f"{prefix}{j}" for j in range(i, i + 50)])
            i += 50

    return delete_keys
