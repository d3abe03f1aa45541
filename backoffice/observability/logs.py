"""Log lines as JSON objects (`LOG_FORMAT=json`) and the request fields every line carries.

A line is one object: time, level, logger, message, then the structured fields passed as
`extra=` (flat keys) and, inside a request, its `request_id` and `user_id`. Callers put no
personal data and no URL with values into the fields; this module does not guess.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import empty

from backoffice import request_context

# The attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD = frozenset(
    vars(logging.LogRecord("", logging.INFO, "", 0, "", (), None)).keys()
) | {"message", "asctime", "taskName"}


def user_id_of(user: Any) -> int | None:
    """The signed-in user's id, read only where the user is already loaded.

    Django's `request.user` is lazy; loading it from a log call would query the database
    (and could log again). Where no one has looked at it yet, there is no id to report.
    """
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is empty or not getattr(wrapped, "is_authenticated", False):
        return None
    return getattr(wrapped, "pk", None)


def context_fields() -> dict[str, Any]:
    """`request_id` and `user_id` of the request (or `acting_as` block) being served."""
    ctx = request_context.active()
    if ctx is None:
        return {}
    return {"request_id": ctx.request_id, "user_id": user_id_of(ctx.user)}


class RequestContextFilter(logging.Filter):
    """Adds `request_id` and `user_id` to a record that does not carry them already."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in context_fields().items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and key not in line:
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, default=str, ensure_ascii=False)


def logging_config(*, log_format: str, level: str) -> dict[str, Any]:
    """settings.LOGGING for `log_format` "json" or "text"."""
    if log_format not in ("json", "text"):
        raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {log_format!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_context": {"()": "backoffice.observability.logs.RequestContextFilter"},
        },
        "formatters": {
            "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
            "json": {"()": "backoffice.observability.logs.JsonFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["request_context"],
            },
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Our request line replaces runserver's, which holds the full path and query.
            "django.server": {"level": "WARNING"},
            "axes": {"level": "WARNING"},
            # Their INFO/DEBUG lines carry full URLs (search terms) and tokens: the gateway
            # logs one line per upstream call without personal data instead.
            "httpx": {"level": "WARNING"},
            "httpcore": {"level": "WARNING"},
            "requests_oauthlib": {"level": "WARNING"},
            "oauthlib": {"level": "WARNING"},
            "urllib3": {"level": "WARNING"},
        },
    }
