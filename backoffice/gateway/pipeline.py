"""One operation end to end: breaker, retries, token, HTTP exchange, answer or error.

    retries( breaker( token -> send -> on 401: new token -> send once more ) ) -> Answer

Any answer from Aptic (even a 4xx) counts as "up" for the breaker; only `Unavailable`
counts as a failure. A second 401 in a row is `Unauthorized`, never a loop.

The breaker's state and the shared token are read from the cache in one round trip per
attempt (`get_many`), not one each: on the 360's six calls that is six Redis commands fewer.
The parts of one fan-out start together, so they share one such read (shared_read.py, handed
to them by fanout.py): the options grid's six P6 calls then cost one Redis command instead of
six. Only each part's first call and first attempt uses it, and only while it is fresh: a
retry, a part's next call, or a part queued behind a full pool reads again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from django.core.cache import cache

from backoffice import request_context
from backoffice.gateway import wire
from backoffice.gateway.auth import TokenProvider
from backoffice.gateway.breaker import Breaker
from backoffice.gateway.errors import (
    CircuitOpen,
    GatewayError,
    MalformedResponse,
    Unavailable,
    error_for_status,
)
from backoffice.gateway.retry import RetryPolicy, run_with_retries
from backoffice.gateway.routes import Route
from backoffice.gateway.shared_read import current_shared_read, stop_sharing
from backoffice.gateway.transport import Transport


@dataclass(frozen=True)
class Answer:
    status: int
    data: Any
    request_id: str


class Pipeline:
    def __init__(self, *, transport: Transport, tokens: TokenProvider, breaker: Breaker,
                 policy: RetryPolicy):
        self.transport = transport
        self.tokens = tokens
        self.breaker = breaker
        self.policy = policy

    def call(
        self,
        route: Route,
        *,
        path_params: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
        body: Any = None,
        retry: bool = True,
        timeout: httpx.Timeout | None = None,
    ) -> Answer:
        path = route.path(**(path_params or {}))
        raw = wire.dumps(body) if body is not None else None
        # Outside a request every current() is a fresh id: pin one for all attempts.
        pinned = request_context.set_current(request_context.current())
        try:
            return run_with_retries(
                lambda attempt: self._guarded(route, path, params, raw, attempt, timeout),
                idempotent=route.idempotent and retry,
                policy=self.policy,
            )
        finally:
            request_context.reset(pinned)

    def _guarded(self, route: Route, path: str, params: dict[str, str] | None,
                 raw: bytes | None, attempt: int, timeout: httpx.Timeout | None) -> Answer:
        token_key = self.tokens.cache_key if isinstance(self.tokens, TokenProvider) else None
        keys = list(self.breaker.read_keys)
        shared = current_shared_read() if attempt == 1 else None
        if shared is not None:
            stop_sharing()  # a part's first call only: what it changes, its next sees
        values = (shared or cache).get_many([*keys, token_key] if token_key else keys)
        ticket = self.breaker.before_call(route.op, values=values)
        try:
            answer = self._authorised(route, path, params, raw, attempt, timeout,
                                      values.get(token_key) if token_key else None)
        except Unavailable as exc:
            if not isinstance(exc, CircuitOpen):
                self.breaker.failure(ticket)
            raise
        except GatewayError:
            self.breaker.success(ticket)
            raise
        self.breaker.success(ticket)
        return answer

    def _authorised(self, route: Route, path: str, params: dict[str, str] | None,
                    raw: bytes | None, attempt: int, timeout: httpx.Timeout | None,
                    cached_token: str | None = None) -> Answer:
        token = cached_token or self.tokens.token()
        response = self.transport.send(route, path, token=token, params=params, body=raw,
                                       attempt=attempt, timeout=timeout)
        if response.status_code == 401:
            # Expired or revoked: fetch a new token once and try once more.
            self.tokens.invalidate(token)
            token = self.tokens.token()
            response = self.transport.send(route, path, token=token, params=params, body=raw,
                                           attempt=attempt, timeout=timeout)
        return interpret(route, response)


def interpret(route: Route, response: httpx.Response) -> Answer:
    request_id = response.request.headers.get("X-Request-ID", "")
    status = response.status_code
    if status in route.success:
        data = None
        if status != 204 and response.content.strip():
            try:
                data = wire.loads(response.content)
            except wire.WireError as exc:
                raise MalformedResponse(f"{route.op}: the answer is not JSON.", status=status,
                                        request_id=request_id, operation=route.op) from exc
        return Answer(status, data, request_id)
    problem: Any = {}
    if response.content.strip():
        try:
            problem = wire.loads(response.content)
        except wire.WireError:
            problem = {}
    if not isinstance(problem, dict):
        problem = {}
    raise error_for_status(status, problem, retry_after=response.headers.get("Retry-After"),
                           request_id=request_id, operation=route.op)
