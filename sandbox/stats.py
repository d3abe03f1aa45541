"""Counters of what the sandbox was asked: tokens issued, API calls per operation, and the
last calls themselves (method, path with query, body).

Read and reset through GET/DELETE /sandbox/control/stats, so a benchmark can prove how many
upstream calls a page needs and that the back-office reuses its token, and replay exactly the
calls a page made to time them on their own. The counters live in
the server process (`sandbox_serve` is one process with threads); each process of a
multi-process server would count only its own share.
"""

import threading
from collections import Counter, deque

from django.http import HttpRequest

RECENT_CALLS = 100
MAX_RECORDED_BODY = 65_536

_lock = threading.Lock()
_calls: Counter[str] = Counter()
_recent: deque[dict] = deque(maxlen=RECENT_CALLS)
_tokens = 0


def call_count(request: HttpRequest, view_name: str) -> None:
    """One API call, counted as e.g. "GET debtor" (method and view name) and remembered."""
    operation = f"{request.method} {view_name}"
    body = request.body if len(request.body) <= MAX_RECORDED_BODY else b""
    call = {"operation": operation, "method": request.method,
            "path": request.get_full_path(), "body": body.decode("utf-8", "replace")}
    with _lock:
        _calls[operation] += 1
        _recent.append(call)


def token_count() -> None:
    """One token issued by the token endpoint."""
    global _tokens
    with _lock:
        _tokens += 1


def stats_snapshot() -> dict:
    with _lock:
        calls = dict(sorted(_calls.items()))
        return {"tokens": _tokens, "calls": sum(calls.values()), "byOperation": calls,
                "recent": list(_recent)}


def stats_reset() -> None:
    global _tokens
    with _lock:
        _calls.clear()
        _recent.clear()
        _tokens = 0
