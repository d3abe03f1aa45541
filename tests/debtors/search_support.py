"""Fixtures and helpers of the debtor search and 360 tests (imported by those modules).

Import the fixtures by their function names (`quick_gateway_fixture`, `upstream_fixture`);
tests ask for them as `quick_gateway` and `upstream`.

`upstream` installs, as the process-wide gateway, one whose HTTP goes through a `Recorder`:
real HTTP to the test sandbox, every API request remembered (to count upstream calls per
render, and to see them overlap), and chosen paths answered with a fault instead.
"""

from __future__ import annotations

import re
import threading
import uuid

import httpx
import pytest
from stdnum import luhn


class Recorder(httpx.BaseTransport):
    def __init__(self):
        from backoffice.gateway.transport import http_transport

        self.inner = http_transport()
        self.requests: list[httpx.Request] = []
        self.failing: list[tuple[re.Pattern, int]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()

    def fail(self, path_pattern: str, status: int = 503) -> None:
        """Requests whose API path matches `path_pattern` (a regex) answer `status`."""
        self.failing.append((re.compile(path_pattern), status))

    def api_paths(self) -> list[str]:
        return [r.url.path.split("/api/v1", 1)[-1] for r in self.requests]

    def reset(self) -> None:
        self.requests.clear()
        self.max_in_flight = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.split("/api/v1", 1)[-1]
        with self._lock:
            self.requests.append(request)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            for pattern, status in self.failing:
                if pattern.search(path):
                    return httpx.Response(
                        status,
                        json={"type": "about:blank", "title": "Injected fault", "status": status,
                              "detail": "A fault injected by the test."},
                        headers={"Content-Type": "application/problem+json"},
                    )
            return self.inner.handle_request(request)
        finally:
            with self._lock:
                self.in_flight -= 1


@pytest.fixture(name="quick_gateway")
def quick_gateway_fixture(aptic, settings):
    """Short retry waits and a breaker that does not open during a test."""
    settings.APTIC_RETRY_WAIT_INITIAL = 0.01
    settings.APTIC_RETRY_WAIT_MAX = 0.05
    settings.APTIC_RETRY_WAIT_JITTER = 0.01
    settings.APTIC_RETRY_ATTEMPTS = 2
    settings.APTIC_BREAKER_FAIL_MAX = 100
    from backoffice.gateway import reset_for_tests

    reset_for_tests()
    return aptic


@pytest.fixture(name="upstream")
def upstream_fixture(quick_gateway, monkeypatch):
    """The app's gateway, recording (and optionally failing) every API request it makes."""
    from backoffice import gateway

    recorder = Recorder()
    client = gateway.build_gateway(transport=recorder)
    monkeypatch.setattr(gateway, "_gateway", client)
    yield recorder
    client.pipeline.transport.close()


# --- Test data -----------------------------------------------------------------------------------


def unique_word() -> str:
    """A made-up surname no other debtor has (letters only)."""
    letters = "bcdfghjklmnpqrstvwxz"
    raw = uuid.uuid4().int
    word = ""
    for _ in range(8):
        raw, digit = divmod(raw, len(letters))
        word += letters[digit]
    return "Q" + word


def swedish_personnummer(born: str, serial: str = "123") -> str:
    """YYYYMMDD-NNNC with a correct Luhn digit (born as "YYYYMMDD")."""
    return f"{born}-{serial}{luhn.calc_check_digit(born[2:] + serial)}"


def swedish_orgnr(base: str = "556123456") -> str:
    return f"{base[:6]}-{base[6:]}{luhn.calc_check_digit(base)}"


def rows_html(html: str) -> list[str]:
    """The debtor names in the result table, in order."""
    body = html.split('id="debtor-table"', 1)[-1]
    return re.findall(r'<a href="/debtors/[0-9a-f-]+/" data-row-link>([^<]+)</a>', body)
