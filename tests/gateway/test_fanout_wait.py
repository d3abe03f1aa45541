"""The fan-out started now and collected by a deadline: what arrived comes back, the rest is
left out (and still finishes in the pool); `gather` is unchanged."""

import threading
import time

from backoffice import request_context
from backoffice.gateway.errors import ServerError
from backoffice.gateway.fanout import collect, gather, submit_all


def test_collect_returns_what_arrived_by_the_deadline(agent_user):
    release = threading.Event()
    finished = threading.Event()

    def slow():
        release.wait(5)
        finished.set()
        return "late"

    def failing():
        raise ServerError(status=503)

    with request_context.acting_as(agent_user, request_id="req-wait-0001"):
        futures = submit_all({"fast": lambda: request_context.current().request_id,
                              "slow": slow, "failing": failing})
    started = time.monotonic()
    parts = collect(futures, timeout=0.5)
    assert time.monotonic() - started < 2
    assert set(parts) == {"fast", "failing"}
    assert parts["fast"].value == "req-wait-0001"  # the caller's context went along
    assert not parts["failing"].ok and isinstance(parts["failing"].error, ServerError)
    release.set()
    assert finished.wait(5) and futures["slow"].result(5).value == "late"


def test_collect_of_nothing_and_gather_still_blocks():
    assert collect({}, timeout=0.1) == {}
    parts = gather({"a": lambda: time.sleep(0.2) or "a", "b": lambda: "b"})
    assert {name: part.value for name, part in parts.items()} == {"a": "a", "b": "b"}
