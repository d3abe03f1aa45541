"""The gateway's errors: one small tree, and the one function that maps an answer onto it.

Every error carries the HTTP status (None when no answer came), the problem body (RFC 7807,
or {}), the request id sent upstream and the operation id ("D3"). Nothing else escapes the
gateway: transport, OAuth and parsing failures are all mapped here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from backoffice.gateway.wire import error_field_name


class GatewayError(Exception):
    """Base of everything the gateway raises."""

    default_message = _("The collection system could not handle the request.")

    def __init__(
        self,
        message: str = "",
        *,
        status: int | None = None,
        problem: Mapping[str, Any] | None = None,
        request_id: str = "",
        operation: str = "",
    ):
        self.status = status
        self.problem: dict[str, Any] = dict(problem or {})
        self.request_id = request_id
        self.operation = operation
        super().__init__(message or self.detail or self.title or str(self.default_message))

    @property
    def title(self) -> str:
        return str(self.problem.get("title") or "")

    @property
    def detail(self) -> str:
        return str(self.problem.get("detail") or "")

    @property
    def user_message(self) -> str:
        """A sentence safe to show to a user (no upstream internals)."""
        return str(self.default_message)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status!r}, operation={self.operation!r}, "
            f"request_id={self.request_id!r})"
        )


# --- Refusals: Aptic (or our own pre-check) said no ---------------------------------------------


class Refused(GatewayError):
    """Aptic answered with a 4xx that has no more specific class."""

    default_message = _("The collection system refused the request.")


class NotFound(Refused):
    default_message = _("The record was not found in the collection system.")


class ValidationFailed(Refused):
    """400/422 with per-field messages, keyed by the snake_case names of the gateway types."""

    default_message = _("The collection system did not accept the data. Check the fields.")

    def __init__(self, message: str = "", **kwargs: Any):
        super().__init__(message, **kwargs)
        self.field_errors: dict[str, list[str]] = {}
        self.non_field_errors: list[str] = []
        raw = self.problem.get("errors")
        if isinstance(raw, Mapping):
            for wire_name, messages in raw.items():
                texts = [str(m) for m in messages] if isinstance(messages, list) else [
                    str(messages)
                ]
                name = error_field_name(str(wire_name))
                if name:
                    self.field_errors.setdefault(name, []).extend(texts)
                else:
                    self.non_field_errors.extend(texts)
        if not self.field_errors and not self.non_field_errors and self.detail:
            self.non_field_errors.append(self.detail)


class Conflict(Refused):
    default_message = _("The change conflicts with the record's current state.")


class Unauthorized(Refused):
    """401/403 even after one fresh token, or the token endpoint refusing our credentials."""

    default_message = _("The collection system refused the back-office's credentials.")


class RateLimited(Refused):
    default_message = _("The collection system is busy. Try again in a moment.")

    def __init__(self, message: str = "", *, retry_after: float | None = None, **kwargs: Any):
        self.retry_after = retry_after
        super().__init__(message, **kwargs)


class StaleRecord(Refused):
    """The record changed upstream since the user read it; nothing was sent."""

    default_message = _(
        "Someone else changed this record since you opened it. Review their version."
    )

    def __init__(self, message: str = "", *, current: Any = None,
                 current_fingerprint: str = "", **kwargs: Any):
        self.current = current
        self.current_fingerprint = current_fingerprint
        super().__init__(message or "The record changed since it was read.", **kwargs)


class InvalidQuery(GatewayError, ValueError):
    """A filter or ordering names a field the list does not allow; nothing was sent."""

    default_message = _("The search could not be built.")


# --- Unavailable: no usable answer ---------------------------------------------------------------


class Unavailable(GatewayError):
    default_message = _("The collection system is not answering right now. Try again shortly.")


class UpstreamTimeout(Unavailable):
    pass


class ConnectionFailed(Unavailable):
    pass


class ServerError(Unavailable):
    pass


class MalformedResponse(Unavailable):
    pass


class CircuitOpen(Unavailable):
    """Too many recent failures: answered at once, without calling, until a probe succeeds."""


_BY_STATUS: dict[int, type[GatewayError]] = {
    400: ValidationFailed,
    401: Unauthorized,
    403: Unauthorized,
    404: NotFound,
    409: Conflict,
    422: ValidationFailed,
    429: RateLimited,
}


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds only; an HTTP date counts as unknown)."""
    if not value:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return max(0.0, seconds)


def error_for_status(
    status: int,
    problem: Mapping[str, Any] | None,
    *,
    retry_after: str | None = None,
    request_id: str = "",
    operation: str = "",
) -> GatewayError:
    """The error for a non-success answer: 4xx by status, 5xx (and anything odd) Unavailable."""
    kwargs: dict[str, Any] = {
        "status": status, "problem": problem, "request_id": request_id, "operation": operation,
    }
    if status >= 500:
        return ServerError(f"{operation}: Aptic answered {status}", **kwargs)
    cls = _BY_STATUS.get(status)
    if cls is RateLimited:
        return RateLimited(retry_after=parse_retry_after(retry_after), **kwargs)
    if cls is not None:
        return cls(**kwargs)
    if 400 <= status < 500:
        return Refused(**kwargs)
    return MalformedResponse(f"{operation}: unexpected status {status}", **kwargs)


__all__ = [
    "CircuitOpen",
    "Conflict",
    "ConnectionFailed",
    "GatewayError",
    "InvalidQuery",
    "MalformedResponse",
    "NotFound",
    "RateLimited",
    "Refused",
    "ServerError",
    "StaleRecord",
    "Unauthorized",
    "Unavailable",
    "UpstreamTimeout",
    "ValidationFailed",
    "error_for_status",
]
