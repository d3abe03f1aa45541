"""A gateway client off the network: a `Recorder` that replays answers, stub tokens, and retries
that wait a millisecond."""

import uuid

import httpx

from backoffice.gateway import ApticClient
from backoffice.gateway.breaker import Breaker
from backoffice.gateway.pipeline import Pipeline
from backoffice.gateway.retry import RetryPolicy
from backoffice.gateway.testing import Answer, Recorder
from backoffice.gateway.transport import Transport


def replay(*answers: Answer) -> Recorder:
    """Answers requests with `answers` in order, the last one again for every later request."""
    *first, last = answers
    return Recorder([("*", "", last)], script=first, offline=True)


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


def make_client(transport: httpx.BaseTransport, *, tokens=None, attempts=3, budget=5.0,
                fail_max=50, reset=60.0, read_timeout=2.0) -> ApticClient:
    """A client over `transport` at https://aptic.test, with fast retries."""
    return ApticClient(Pipeline(
        transport=Transport(base_url="https://aptic.test/api/v1", connect_timeout=1.0,
                            read_timeout=read_timeout, transport=transport),
        tokens=tokens or StubTokens(),
        breaker=Breaker(name=f"test-{uuid.uuid4()}", fail_max=fail_max, reset_seconds=reset),
        policy=RetryPolicy(budget=budget, attempts=attempts, wait_initial=0.001,
                           wait_max=0.01, wait_jitter=0.001),
    ))
