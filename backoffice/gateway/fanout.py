"""Several upstream calls side by side, so a page costs about its slowest call, not the sum.

    parts = gather({"debtor": lambda: gw.debtor_get(g), "plans": lambda: gw.plan_list(g)})
    if parts["plans"].ok: ... else: show parts["plans"].error.user_message

Each part runs in a small shared thread pool with the caller's request context (request id
and user reach the upstream headers and logs); each part's value or error comes back on its
own, so one failing part does not take the page down. `submit_all` and `collect` are the
same fan-out for a page that waits only so long: start the calls, then take what arrived by a
deadline (see their docstrings).

The parts of one fan-out share one cache read of the breaker's state and the token (see
shared_read.py).

The request context is handed over explicitly, not by running each part in a copy of the
caller's `contextvars` context: Django keeps a thread's cache backends in a context variable
(asgiref's Local), so a part in a fresh copy built a new Redis client, connection pool and
connection for its one cache read; now each pool thread keeps its own, like any thread.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections

from backoffice import request_context
from backoffice.gateway.errors import GatewayError
from backoffice.gateway.shared_read import SharedRead, reading_with
from backoffice.observability import cpu, tracing

log = logging.getLogger("backoffice.gateway")

SWITCH_INTERVAL = 0.0005  # seconds
SEND_WAIT = 0.05  # seconds: the longest `submit_all(until_sent=True)` waits for the requests
_part = threading.local()  # the running part's "request sent" event, for `on_its_way`
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


@dataclass(frozen=True)
class Part:
    result: Any = None
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def value(self) -> Any:
        """The part's result; raises its error if it failed."""
        if self.error is not None:
            raise self.error
        return self.result


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            # A part whose answer has arrived needs the GIL back from the thread drawing the
            # page meanwhile; Python hands it over every 5 ms by default, a wait each part's
            # Redis and HTTP round trip would pay again. 0.5 ms keeps those waits short.
            sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL))
            _pool = ThreadPoolExecutor(
                max_workers=max(1, settings.APTIC_FANOUT_WORKERS),
                thread_name_prefix="aptic-fanout",
            )
        return _pool


def shutdown() -> None:
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown(wait=True)
        _pool = None


def _run(call: Callable[[], Any]) -> Part:
    try:
        return Part(result=call())
    except GatewayError as exc:
        return Part(error=exc)
    except Exception as exc:
        log.exception("fan-out part failed unexpectedly")
        return Part(error=exc)
    finally:
        connections.close_all()  # this worker thread's own connections, if a part used one


def _run_as(context: request_context.RequestContext, call: Callable[[], Any],
            trace: Any = None, meter: cpu.Meter | None = None,
            sent: threading.Event | None = None, shared: SharedRead | None = None) -> Part:
    """`_run(call)` in a pool thread, with the caller's request context (and trace context,
    when tracing is on) for its duration; its thread CPU goes to the request's meter. `sent`
    is set as its request leaves (see `on_its_way`), or at its end, whichever comes first."""
    token = request_context.set_current(context)
    _part.sent = sent
    try:
        with cpu.counted(meter), tracing.restored(trace), reading_with(shared):
            return _run(call)
    finally:
        _part.sent = None
        if sent is not None:
            sent.set()
        request_context.reset(token)


def on_its_way() -> None:
    """The transport calls this as a request leaves: a caller of `submit_all(...,
    until_sent=True)` waiting for this part goes on."""
    sent = getattr(_part, "sent", None)
    if sent is not None:
        sent.set()


def gather(calls: Mapping[str, Callable[[], Any]]) -> dict[str, Part]:
    """Runs every call concurrently; returns each one's `Part` under its name."""
    if len(calls) <= 1:
        return {name: _run_inline(call) for name, call in calls.items()}
    pool = _executor()
    context = request_context.current()
    trace, meter, shared = tracing.capture(), cpu.capture(), SharedRead()
    futures = {name: pool.submit(_run_as, context, call, trace, meter, None, shared)
               for name, call in calls.items()}
    return {name: future.result() for name, future in futures.items()}


def _run_inline(call: Callable[[], Any]) -> Part:
    try:
        return Part(result=call())
    except GatewayError as exc:
        return Part(error=exc)


# --- Started now, collected within a deadline ----------------------------------------------------


def submit_all(calls: Mapping[str, Callable[[], Any]], *, until_sent: bool = False
               ) -> dict[str, Future[Part]]:
    """Starts every call in the pool at once and returns at once: each call's future `Part`.

    For a page that must not wait on Aptic for long: start the reads first, do the local work,
    then `collect` what arrived within a deadline. A part that is not collected still runs to
    its end in the pool (its answer is dropped); the request context goes with it.

    `until_sent`: return once every request has left (at most SEND_WAIT). The parts need the
    GIL to get their requests out; a caller that went straight on to draw its page would hold
    them back, and each request would leave milliseconds late.
    """
    pool = _executor()
    context = request_context.current()
    trace, meter, shared = tracing.capture(), cpu.capture(), SharedRead()
    sent = {name: threading.Event() for name in calls} if until_sent else {}
    futures = {name: pool.submit(_run_as, context, call, trace, meter, sent.get(name), shared)
               for name, call in calls.items()}
    deadline = time.monotonic() + SEND_WAIT
    for event in sent.values():
        event.wait(max(0.0, deadline - time.monotonic()))
    return futures


def collect(futures: Mapping[str, Future[Part]], *, timeout: float) -> dict[str, Part]:
    """The parts that finished within `timeout` seconds (from now), by name; the late ones are
    left out, so the caller can fill them in later."""
    done, _late = wait(list(futures.values()), timeout=max(0.0, timeout))
    return {name: future.result() for name, future in futures.items() if future in done}
