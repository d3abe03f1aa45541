"""One cache read of the breaker's state and the token for all the parts of one fan-out.

fanout.py hands each part the `SharedRead` of its fan-out (`reading_with`); pipeline.py reads
through it for a part's first call (see its docstring). A module of its own because the two
import each other's neighbours (pipeline -> transport -> fanout).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from contextvars import ContextVar

from django.core.cache import cache

SHARED_READ_MAX_AGE = 0.5  # seconds a fan-out's read may serve its parts


class SharedRead:
    """One `cache.get_many` for every part of one fan-out (per set of keys)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._reads: dict[tuple[str, ...], tuple[float, dict]] = {}

    def get_many(self, keys: list[str]) -> dict:
        with self._lock:  # the first part reads; the others wait for its answer
            read = self._reads.get(tuple(keys))
            if read is None or time.monotonic() - read[0] > SHARED_READ_MAX_AGE:
                read = (time.monotonic(), cache.get_many(keys))
                self._reads[tuple(keys)] = read
            return read[1]


_shared_read: ContextVar[SharedRead | None] = ContextVar("aptic_shared_read", default=None)


@contextlib.contextmanager
def reading_with(shared: SharedRead | None) -> Iterator[None]:
    """The calls made inside read the breaker and the token through `shared`."""
    token = _shared_read.set(shared)
    try:
        yield
    finally:
        _shared_read.reset(token)


def current_shared_read() -> SharedRead | None:
    return _shared_read.get()


def stop_sharing() -> None:
    """The rest of this part reads the cache itself."""
    _shared_read.set(None)
