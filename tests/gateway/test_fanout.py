"""Concurrent fan-out: side by side, the caller's context in every part, failures per part."""

import threading
import uuid

import pytest

from backoffice import request_context
from backoffice.gateway import NotFound, gather, get_gateway


def test_parts_run_side_by_side_with_the_callers_context(agent_user):
    meet = threading.Barrier(3, timeout=5)  # passes only if all three run at the same time

    def part():
        meet.wait()
        ctx = request_context.current()
        return ctx.request_id, ctx.user

    with request_context.acting_as(agent_user, request_id="req-fanout-0001"):
        parts = gather({"a": part, "b": part, "c": part})
    assert {name: p.value for name, p in parts.items()} == {
        name: ("req-fanout-0001", agent_user) for name in "abc"}


def test_a_failing_part_comes_back_on_its_own(upstream, sandbox_api, agent_user):
    gw = get_gateway()
    guid = sandbox_api.create_debtor()["debtorGuid"]
    with request_context.acting_as(agent_user, request_id="req-fanout-0002"):
        parts = gather({
            "debtor": lambda: gw.debtor_get(guid),
            "summary": lambda: gw.debtor_summary(guid),
            "addresses": lambda: gw.address_list(guid),
            "plans": lambda: gw.plan_list(guid),
            "missing": lambda: gw.debtor_get(str(uuid.uuid4())),
        })
    assert parts["debtor"].value.debtor_guid == guid
    assert parts["summary"].ok and parts["addresses"].value.total == 1
    assert parts["plans"].value.total == 0
    assert not parts["missing"].ok and isinstance(parts["missing"].error, NotFound)
    with pytest.raises(NotFound):
        _ = parts["missing"].value
    api_calls = [r for r in upstream.requests if "/api/v1/" in str(r.url)]
    assert len(api_calls) == 5
    assert {r.headers["X-Request-ID"] for r in api_calls} == {"req-fanout-0002"}


def test_one_part_runs_inline():
    parts = gather({"only": lambda: threading.current_thread().name})
    assert parts["only"].value == threading.current_thread().name
