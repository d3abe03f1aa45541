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


class _CacheReads:
    """The cache, with its `get_many` calls counted (the breaker's and the token's reads)."""

    def __init__(self, cache):
        self.cache, self.reads = cache, 0

    def get_many(self, keys):
        self.reads += 1
        return self.cache.get_many(keys)

    def __getattr__(self, name):
        return getattr(self.cache, name)


def test_the_parts_of_a_fan_out_share_one_read_of_breaker_and_token(
        upstream, sandbox_api, agent_user, monkeypatch):
    from backoffice.gateway import pipeline, shared_read

    gw = get_gateway()
    guid = sandbox_api.create_debtor()["debtorGuid"]
    gw.ping()  # the token is in the cache
    counted = _CacheReads(pipeline.cache)
    monkeypatch.setattr(pipeline, "cache", counted)
    monkeypatch.setattr(shared_read, "cache", counted)
    with request_context.acting_as(agent_user, request_id="req-fanout-0003"):
        parts = gather({
            "debtor": lambda: gw.debtor_get(guid),
            "summary": lambda: gw.debtor_summary(guid),
            "addresses": lambda: gw.address_list(guid),
            "twice": lambda: (gw.plan_list(guid), gw.plan_list(guid)),  # its second reads again
        })
    assert all(part.ok for part in parts.values())
    assert counted.reads == 2
    counted.reads = 0
    gw.ping()
    gw.ping()
    assert counted.reads == 2  # outside a fan-out, every call reads for itself


def test_a_shared_read_goes_stale(monkeypatch):
    from backoffice.gateway import shared_read

    counted = _CacheReads(shared_read.cache)
    monkeypatch.setattr(shared_read, "cache", counted)
    shared = shared_read.SharedRead()
    shared.get_many(["a", "b"])
    shared.get_many(["a", "b"])
    assert counted.reads == 1
    monkeypatch.setattr(shared_read, "SHARED_READ_MAX_AGE", 0.0)
    shared.get_many(["a", "b"])
    assert counted.reads == 2
