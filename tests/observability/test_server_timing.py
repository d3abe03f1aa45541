"""`Server-Timing: app-cpu`: the CPU a request costs the app, only when SERVER_TIMING is on,
counting the fan-out's pool threads too; and the navigation's counts, taken once per request
and only when a page shows them."""

import re
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backoffice import context_processors
from backoffice.gateway import fanout
from backoffice.observability import cpu

OURS = re.compile(r"app-cpu;dur=(\d+\.\d\d), app;dur=(\d+\.\d\d)$")


def _spin(seconds: float) -> float:
    """Burns about `seconds` of this thread's CPU; returns what it burnt."""
    started = time.thread_time()
    while time.thread_time() - started < seconds:
        pass
    return time.thread_time() - started


@pytest.mark.django_db
def test_no_header_unless_server_timing_is_on(agent_client):
    assert "Server-Timing" not in agent_client.get("/accounts/profile/")


@pytest.mark.django_db
def test_the_header_carries_the_requests_cpu_and_wall_time_and_only_that(agent_client,
                                                                           settings):
    settings.SERVER_TIMING = True
    response = agent_client.get("/accounts/profile/")
    assert response.status_code == 200
    match = OURS.fullmatch(response["Server-Timing"])
    assert match and 0 < float(match[1]) < 5000
    # One thread and no fan-out here: its CPU cannot exceed its wall time (two decimals).
    assert float(match[1]) <= float(match[2]) + 0.01


def test_the_fan_out_parts_count_for_the_request():
    meter = cpu.Meter()
    token = cpu._meter.set(meter)
    try:
        parts = fanout.gather({"a": lambda: _spin(0.03), "b": lambda: _spin(0.03)})
    finally:
        cpu._meter.reset(token)
    burnt = sum(part.value for part in parts.values())
    assert meter.seconds >= burnt >= 0.06


def test_nothing_is_counted_outside_a_measured_request():
    assert cpu.capture() is None
    with cpu.counted(None):
        _spin(0.001)


@pytest.mark.django_db
def test_an_existing_server_timing_header_is_kept(agent_client, settings, monkeypatch):
    settings.SERVER_TIMING = True
    page = agent_client.get("/work/")
    assert page.status_code == 200
    header = page["Server-Timing"]
    ours = OURS.search(header)
    assert ours and "local;dur=" in header[:ours.start()]


def test_the_navigation_is_built_once_per_request_and_counts_when_shown(
        rf, agent_user, settings, monkeypatch):
    calls = []
    monkeypatch.setattr(context_processors, "_badge_counter",
                        lambda key: (lambda *, user: calls.append(key) or 3)
                        if key == "work" else None)
    request = rf.get("/debtors/")
    request.user = agent_user
    first = context_processors.navigation(request)
    assert context_processors.navigation(request) is first
    assert calls == []  # nothing counted until a template shows the badge
    work = next(item for item in first["nav_items"] if item.key == "work")
    assert (work.badge, work.badge) == (3, 3) and calls == ["work"]
    debtors = next(item for item in first["nav_items"] if item.key == "debtors")
    assert debtors.current and debtors.badge is None


@pytest.mark.django_db
def test_a_fragment_runs_no_navigation_count(agent_client, settings):
    form = agent_client.get("/debtors/?q=x")  # signs in, caches the grants
    assert form.status_code == 200
    with CaptureQueriesContext(connection) as fragment:
        assert agent_client.get("/debtors/?q=x", HTTP_HX_REQUEST="true").status_code == 200
    with CaptureQueriesContext(connection) as page:
        assert agent_client.get("/debtors/?q=x").status_code == 200
    def counts(queries):
        return [q["sql"] for q in queries if "COUNT(*)" in q["sql"]]
    assert counts(fragment.captured_queries) == []
    assert len(counts(page.captured_queries)) == 2  # My day's badge: follow-ups, promises
