"""The CPU time a request costs the app, sent back as `Server-Timing: app-cpu;dur=<ms>`
(followed by `app;dur=<ms>`, the same span's wall time).

On only with SERVER_TIMING=true (bench/stack.py turns it on): the figure is for measuring,
and a browser has no use for it.

A request's CPU is the thread CPU (`time.thread_time()`) of the thread that serves it, from
the first middleware in to the response going out, plus the thread CPU of every fan-out part
it ran in the gateway's pool (backoffice/gateway/fanout.py hands the meter to each part, as it
hands the request context). Thread CPU, not process CPU: a gthread worker serves several
requests at once, and each request counts only its own threads, however busy the machine or
the worker's other threads are. What is not counted: gunicorn's own parsing and writing of
the bytes, and a part of `submit_all` still running after the response left (the agent's day
leaves late balances behind on purpose).
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Server-Timing"
METRIC = "app-cpu"
WALL_METRIC = "app"  # the same span's wall time: what the page costs inside the app


class Meter:
    """Seconds of thread CPU added up from the request thread and its fan-out parts."""

    __slots__ = ("_lock", "seconds")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.seconds = 0.0

    def add(self, seconds: float) -> None:
        with self._lock:
            self.seconds += seconds


_meter: contextvars.ContextVar[Meter | None] = contextvars.ContextVar(
    "collect_desk_cpu_meter", default=None)


def capture() -> Meter | None:
    """The current request's meter (None when nothing is measured), for a pool thread."""
    return _meter.get()


@contextmanager
def counted(meter: Meter | None) -> Iterator[None]:
    """Adds this thread's CPU for the duration of the block to `meter` (if any)."""
    if meter is None:
        yield
        return
    started = time.thread_time()
    try:
        yield
    finally:
        meter.add(time.thread_time() - started)


class ServerTimingMiddleware:
    """First in MIDDLEWARE, so it counts every other middleware too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.SERVER_TIMING:
            return self.get_response(request)
        meter = Meter()
        token = _meter.set(meter)
        began, started = time.perf_counter(), time.thread_time()
        try:
            response = self.get_response(request)
        finally:
            _meter.reset(token)
        meter.add(time.thread_time() - started)
        wall = time.perf_counter() - began
        entry = f"{METRIC};dur={meter.seconds * 1000:.2f}, {WALL_METRIC};dur={wall * 1000:.2f}"
        existing = response.get(HEADER)
        response[HEADER] = f"{existing}, {entry}" if existing else entry
        return response
