"""A fake upstream for tests: the one way to put an httpx transport under the app's gateway.

    with use_transport(Recorder([("PUT", r"/debtors/[^/]+$", problem(503))])) as upstream:
        client.post(...)                      # the view's get_gateway() goes through it
    assert upstream.calls("PUT", f"/debtors/{guid}") == 1

Only tests import this module. A `Recorder` sends what no rule answers to real HTTP (the
test sandbox); `offline=True` refuses it instead, for tests without a server.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from http import HTTPStatus
from typing import Any

import httpx

from backoffice.gateway import build_gateway, swap_gateway
from backoffice.gateway.transport import http_transport

# What a rule or the script answers with: a response (sent afresh each time), an exception
# (raised, as a transport failure would be), or a callable `(request) -> response`, whose
# None lets the request through.
Answer = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response | None]
Rule = tuple[str, str, Answer]  # (method or "*", regex searched in the API path, answer)


def api_path(request: httpx.Request) -> str:
    """The request's path after /api/v1 ("/debtors/<guid>/addresses")."""
    return request.url.path.split("/api/v1", 1)[-1]


def problem(status: int, errors: dict[str, list[str]] | None = None, *, detail: str = "",
            **extra: Any) -> httpx.Response:
    """An RFC 7807 answer as Aptic sends it (`errors`: its field errors, camelCase keys)."""
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    if errors is not None:
        body["errors"] = errors
    return httpx.Response(status, json=body, headers={"Content-Type": "application/problem+json"})


class Recorder(httpx.BaseTransport):
    """Records every request; answers from the script, then the rules, else real HTTP.

    `script` answers the next requests, one each, in order. `rules` answer every request they
    match, the first matching one (`answer()` adds one in front). Safe across threads: the
    gateway's fan-out sends several requests at once (`max_in_flight` says how many).
    """

    def __init__(self, rules: Iterable[Rule] = (), *, script: Iterable[Answer] = (),
                 offline: bool = False):
        self.rules: list[Rule] = list(rules)
        self.script: list[Answer] = list(script)
        self.offline = offline
        self.requests: list[httpx.Request] = []
        self.answered: list[str] = []  # ops answered by the script or a rule, not forwarded
        self.in_flight = 0
        self.max_in_flight = 0
        self._inner: httpx.HTTPTransport | None = None
        self._lock = threading.Lock()

    def answer(self, method: str, path: str, answer: Answer) -> None:
        """From now on, `method` ("*": any) requests whose API path matches `path` get
        `answer`, before the rules given earlier."""
        with self._lock:
            self.rules.insert(0, (method, path, answer))

    def forward(self, request: httpx.Request) -> httpx.Response:
        """The real answer (for an answer that changes the request or the response)."""
        if self.offline:
            raise AssertionError(f"no answer for {request.method} {api_path(request)}")
        with self._lock:
            if self._inner is None:
                self._inner = http_transport()
        return self._inner.handle_request(request)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.requests.append(request)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            answer = self.script.pop(0) if self.script else self._rule_for(request)
        try:
            response = _respond(answer, request) if answer is not None else None
            if response is None:
                return self.forward(request)
            with self._lock:
                self.answered.append(f"{request.method} {api_path(request)}")
            return response
        finally:
            with self._lock:
                self.in_flight -= 1

    def _rule_for(self, request: httpx.Request) -> Answer | None:
        path = api_path(request)
        for method, pattern, answer in self.rules:
            if method in ("*", request.method) and re.search(pattern, path):
                return answer
        return None

    # --- What was asked ---

    def ops(self) -> list[str]:
        """"METHOD /api/path" per request, in order."""
        return [f"{r.method} {api_path(r)}" for r in self.requests]

    def paths(self) -> list[str]:
        return [api_path(r) for r in self.requests]

    def calls(self, method: str, path: str) -> int:
        """How many `method` requests went to exactly this API path."""
        return self.ops().count(f"{method} {path}")

    def reset(self) -> None:
        """Forgets what was asked so far (the rules and the script stay)."""
        with self._lock:
            self.requests.clear()
            self.answered.clear()
            self.max_in_flight = self.in_flight

    def close(self) -> None:
        if self._inner is not None:
            self._inner.close()
            self._inner = None


def _respond(answer: Answer, request: httpx.Request) -> httpx.Response | None:
    if isinstance(answer, Exception):
        raise answer
    if isinstance(answer, httpx.Response):  # a copy: a response goes out once
        return httpx.Response(answer.status_code, headers=answer.headers,
                              content=answer.content)
    return answer(request)


@contextmanager
def use_transport[T: httpx.BaseTransport](transport: T) -> Iterator[T]:
    """Inside the block, `get_gateway()` is a client over `transport` (with the settings'
    URLs, timeouts and retries); the gateway it replaced comes back afterwards."""
    client = build_gateway(transport=transport)
    previous = swap_gateway(client)
    try:
        yield transport
    finally:
        swap_gateway(previous)
        client.pipeline.transport.close()
