"""Helpers of the editor tests: a gateway with quick retries, scripted upstream answers, form
data as a browser would post it, and the audit rows to assert on.

Import the fixtures into a test module explicitly (`from tests.debtors.editor_support import
editor_gateway  # noqa: F401`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from contextlib import contextmanager

import httpx
import pytest
from django import forms

HTMX = {"HX-Request": "true"}


@pytest.fixture
def editor_gateway(aptic, settings):
    """The gateway pointed at the test sandbox, with short retry waits."""
    settings.APTIC_RETRY_WAIT_INITIAL = 0.01
    settings.APTIC_RETRY_WAIT_MAX = 0.02
    settings.APTIC_RETRY_WAIT_JITTER = 0.0
    settings.APTIC_RETRY_ATTEMPTS = 2
    settings.APTIC_RETRY_BUDGET = 2.0
    settings.APTIC_BREAKER_FAIL_MAX = 100
    from backoffice.gateway import get_gateway, reset_for_tests

    reset_for_tests()
    yield get_gateway()
    reset_for_tests()


class Scripted(httpx.BaseTransport):
    """Real HTTP to the sandbox, except calls `rules` answer: (method, path regex, answer)."""

    def __init__(self, rules: list[tuple[str, str, Callable[[httpx.Request], httpx.Response]]]):
        from backoffice.gateway.transport import http_transport

        self.inner = http_transport()
        self.rules = rules
        self.hits: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        for method, pattern, answer in self.rules:
            if request.method == method and re.search(pattern, request.url.path):
                self.hits.append(f"{request.method} {request.url.path}")
                return answer(request)
        return self.inner.handle_request(request)


def problem(status: int, errors: dict | None = None, detail: str = "") -> Callable:
    body = {"type": "about:blank", "title": "Refused", "status": status, "detail": detail}
    if errors is not None:
        body["errors"] = errors

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json=body,
                              headers={"Content-Type": "application/problem+json"})

    return answer


@contextmanager
def scripted_gateway(rules):
    """The process-wide gateway replaced by one whose transport follows `rules`."""
    from backoffice import gateway

    transport = Scripted(rules)
    previous = gateway._gateway
    gateway._gateway = gateway.build_gateway(transport=transport)
    try:
        yield transport
    finally:
        gateway._gateway.pipeline.transport.close()
        gateway._gateway = previous


def post_data(form: forms.Form, **changes) -> dict[str, str]:
    """What a browser posts for `form` as rendered (its initial values), with `changes`."""
    data: dict[str, str] = {}
    for bound in form:
        value = bound.value()
        widget = bound.field.widget
        if isinstance(bound.field, forms.NullBooleanField):
            value = {True: "true", False: "false"}.get(value, "unknown")
        elif isinstance(widget, forms.CheckboxInput):
            if not value:
                continue
            value = "on"
        elif value is None and isinstance(widget, forms.Select) and bound.field.choices:
            value = next(iter(bound.field.choices))[0]  # a browser submits the first option
        elif value is None:
            value = ""
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        data[bound.html_name] = str(value)
    for name, value in changes.items():
        data[name] = "" if value is None else str(value)
    return data


def audit_rows(action: str, **filters):
    from backoffice.audit.models import AuditEntry

    return list(AuditEntry.objects.filter(action=action, **filters).order_by("id"))


def upstream(sandbox_api, path: str) -> dict:
    answer = sandbox_api.http.get(path)
    assert answer.status_code == 200, answer.text
    return answer.json()


def put_debtor(sandbox_api, guid: str, **changes) -> None:
    """Someone else's change: read, change, PUT back the whole record."""
    body = upstream(sandbox_api, f"/debtors/{guid}")
    body.update(changes)
    answer = sandbox_api.http.put(f"/debtors/{guid}", content=json.dumps(body),
                                  headers={"Content-Type": "application/json"})
    assert answer.status_code == 204, answer.text
