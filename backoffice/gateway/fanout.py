"""Several upstream calls side by side, so a page costs about its slowest call, not the sum.

    parts = gather({"debtor": lambda: gw.debtor_get(g), "plans": lambda: gw.plan_list(g)})
    if parts["plans"].ok: ... else: show parts["plans"].error.user_message

Each part runs in a small shared thread pool with the caller's request context (request id
and user reach the upstream headers and logs); each part's value or error comes back on its
own, so one failing part does not take the page down.

The request context is handed over explicitly, not by running each part in a copy of the
caller's `contextvars` context: Django keeps a thread's cache backends in a context variable
(asgiref's Local), so a part in a fresh copy built a new Redis client, connection pool and
connection for its one cache read; now each pool thread keeps its own, like any thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections

from backoffice import request_context
from backoffice.gateway.errors import GatewayError

log = logging.getLogger("backoffice.gateway")

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


def _run_as(context: request_context.RequestContext, call: Callable[[], Any]) -> Part:
    """`_run(call)` in a pool thread, with the caller's request context for its duration."""
    token = request_context.set_current(context)
    try:
        return _run(call)
    finally:
        request_context.reset(token)


def gather(calls: Mapping[str, Callable[[], Any]]) -> dict[str, Part]:
    """Runs every call concurrently; returns each one's `Part` under its name."""
    if len(calls) <= 1:
        return {name: _run_inline(call) for name, call in calls.items()}
    pool = _executor()
    context = request_context.current()
    futures = {name: pool.submit(_run_as, context, call) for name, call in calls.items()}
    return {name: future.result() for name, future in futures.items()}


def _run_inline(call: Callable[[], Any]) -> Part:
    try:
        return Part(result=call())
    except GatewayError as exc:
        return Part(error=exc)
