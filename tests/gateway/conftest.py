"""Gateway tests: the client against the live test sandbox, with short retry waits."""

import httpx
import pytest


@pytest.fixture
def fast_retries(settings):
    settings.APTIC_RETRY_WAIT_INITIAL = 0.01
    settings.APTIC_RETRY_WAIT_MAX = 0.05
    settings.APTIC_RETRY_WAIT_JITTER = 0.01
    settings.APTIC_RETRY_BUDGET = 5.0
    settings.APTIC_RETRY_ATTEMPTS = 3
    settings.APTIC_BREAKER_FAIL_MAX = 50  # tests about the breaker lower it themselves


@pytest.fixture
def gw(aptic, fast_retries):
    """The process-wide gateway, pointed at the test sandbox with cold caches."""
    from backoffice.gateway import get_gateway, reset_for_tests

    reset_for_tests()
    return get_gateway()


class Recorder(httpx.BaseTransport):
    """Forwards to real HTTP (or answers from `script`), remembering every request.

    `script` is a list of callables `(request) -> httpx.Response | None`, used one per request
    in order; None (or an exhausted script) forwards to the network.
    """

    def __init__(self, script=None):
        from backoffice.gateway.transport import http_transport

        self.inner = http_transport()
        self.requests: list[httpx.Request] = []
        self.script = list(script or [])

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.script:
            answer = self.script.pop(0)(request)
            if answer is not None:
                return answer
        return self.inner.handle_request(request)

    def ops(self) -> list[str]:
        return [f"{r.method} {r.url.path.split('/api/v1', 1)[-1]}" for r in self.requests]


@pytest.fixture
def recorded_gw(aptic, fast_retries):
    """A gateway whose HTTP goes through a Recorder (real HTTP to the sandbox by default)."""
    from backoffice import gateway
    from backoffice.gateway import build_gateway, reset_for_tests

    reset_for_tests()
    recorder = Recorder()
    client = build_gateway(transport=recorder)
    client.recorder = recorder
    yield client
    client.pipeline.transport.close()
    gateway.reset_for_tests()


class StubTokens:
    """A token provider that hands out t1, t2, ... (a new one after each invalidate)."""

    def __init__(self):
        self.issued = 1
        self.invalidated: list[str] = []

    def token(self) -> str:
        return f"t{self.issued}"

    def invalidate(self, token: str) -> None:
        self.invalidated.append(token)
        self.issued += 1

    def forget(self) -> None:
        pass


def make_client(handler, *, tokens=None, attempts=3, budget=5.0, fail_max=50, reset=60.0,
                read_timeout=2.0):
    """An ApticClient over httpx.MockTransport(handler), with fast retries."""
    import uuid

    from backoffice.gateway import ApticClient
    from backoffice.gateway.breaker import Breaker
    from backoffice.gateway.pipeline import Pipeline
    from backoffice.gateway.retry import RetryPolicy
    from backoffice.gateway.transport import Transport

    return ApticClient(Pipeline(
        transport=Transport(base_url="https://aptic.test/api/v1", connect_timeout=1.0,
                            read_timeout=read_timeout, transport=httpx.MockTransport(handler)),
        tokens=tokens or StubTokens(),
        breaker=Breaker(name=f"test-{uuid.uuid4()}", fail_max=fail_max, reset_seconds=reset),
        policy=RetryPolicy(budget=budget, attempts=attempts, wait_initial=0.001,
                           wait_max=0.01, wait_jitter=0.001),
    ))


def problem(status: int, **extra) -> httpx.Response:
    body = {"type": "about:blank", "title": "t", "status": status, "detail": "d", **extra}
    return httpx.Response(status, json=body, headers={"Content-Type": "application/problem+json"})
