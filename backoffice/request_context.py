"""Who is acting and for which browser request, carried to the gateway and the audit log.

The middleware sets it per request; management commands and tests may set it with `acting_as`.
"""

import contextvars
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RequestContext:
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    user: object | None = None
    client_ip: str = ""
    user_agent: str = ""


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "collect_desk_request_context", default=None
)


def current() -> RequestContext:
    """The context of the request being served, or a fresh anonymous one outside requests."""
    ctx = _current.get()
    if ctx is None:
        ctx = RequestContext()
    return ctx


def active() -> RequestContext | None:
    """The context a request or `acting_as` set, or None outside them (for log lines, which
    must not invent an id)."""
    return _current.get()


def set_current(ctx: RequestContext | None) -> contextvars.Token:
    return _current.set(ctx)


def reset(token: contextvars.Token) -> None:
    _current.reset(token)


@contextmanager
def acting_as(
    user=None, *, request_id: str | None = None, client_ip: str = "", user_agent: str = ""
):
    token = _current.set(
        RequestContext(
            request_id=request_id or uuid.uuid4().hex,
            user=user,
            client_ip=client_ip,
            user_agent=user_agent,
        )
    )
    try:
        yield current()
    finally:
        _current.reset(token)
