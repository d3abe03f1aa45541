"""Fan-out parts in pool threads: each thread keeps its own cache backend from one part to the
next (no new Redis client and connection per part), and the caller's request context lasts
only as long as its part."""

import threading

from django.core.cache import caches

from backoffice import request_context
from backoffice.gateway import gather


def test_a_pool_thread_keeps_its_cache_backend_from_part_to_part():
    seen: dict[int, set[int]] = {}

    def part():
        seen.setdefault(threading.get_ident(), set()).add(id(caches["default"]))

    for _ in range(6):
        gather({"a": part, "b": part, "c": part})
    assert seen and all(len(backends) == 1 for backends in seen.values()), seen


def test_the_callers_context_does_not_outlive_its_part(agent_user):
    def part():
        return request_context.current().request_id

    with request_context.acting_as(agent_user, request_id="req-fanout-ctx-1"):
        inside = gather({"a": part, "b": part})
    outside = gather({"a": part, "b": part, "c": part, "d": part})
    assert {p.value for p in inside.values()} == {"req-fanout-ctx-1"}
    assert "req-fanout-ctx-1" not in {p.value for p in outside.values()}
