"""The team view: roles, the figures per agent and the pool for a period, reassigning one or
all follow-ups (audited, clashes kept, bad input at the field), htmx and CSRF, the chart,
and a query count that does not grow with the team.

The team view reads only local records (follow-ups, promises, plan proposals), so the tests
arrange them in the database and never reach Aptic.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, time, timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backoffice.audit.models import AuditEntry
from plans.models import PlanProposal
from work.chart_team import PLOT_H, team_chart
from work.models import FollowUp, Promise
from work.team import Period, WeekCount, monday, promise_week_list, team_figures

HTMX = {"HTTP_HX_REQUEST": "true"}
S = Promise.Status


# --- Arranging records -------------------------------------------------------------------------


def _guid() -> str:
    return str(uuid.uuid4())


def _followup(owner, *, due_in_hours: float = 24, guid: str | None = None,
              status: str = FollowUp.Status.OPEN, name: str = "") -> FollowUp:
    return FollowUp.objects.create(
        debtor_guid=guid or _guid(), debtor_name=name or "Debtor", owner=owner,
        due_at=timezone.now() + timedelta(hours=due_in_hours), reason="Call back",
        status=status)


def _promise(owner, *, made: datetime, status: str = S.OPEN,
             checked: datetime | None = None) -> Promise:
    return Promise.objects.create(
        debtor_guid=_guid(), amount="100.00", currency="SEK", due_date=made.date(),
        channel="phone_out", owner=owner, status=status, checked_at=checked, created_at=made)


def _proposal(proposer, *, made: datetime, status: str = PlanProposal.Status.PENDING,
              decided: datetime | None = None) -> PlanProposal:
    proposal = PlanProposal.objects.create(
        debtor_guid=_guid(), plan_guid=_guid(), proposed_by=proposer, fingerprint="f" * 64,
        plan_type=1, status=status, decided_at=decided)
    PlanProposal.objects.filter(pk=proposal.pk).update(created_at=made)  # auto_now_add
    proposal.refresh_from_db()
    return proposal


def _user(username: str, role: str | None = "agent", **fields) -> User:
    user = User.objects.create_user(username=username, password="pw", **fields)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def _local(day: date, hour: int = 12, minute: int = 0, second: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute, second)))


def _period() -> Period:
    """Two whole ISO weeks, ending at least a week before today."""
    first = monday(timezone.localdate()) - timedelta(weeks=4)
    return Period(first, first + timedelta(days=13))


def _period_query(period: Period, **extra) -> dict:
    return {"period": "custom", "date_from": period.first.isoformat(),
            "date_to": period.last.isoformat(), **extra}


def _row_cells(html: str, key: str) -> list[int]:
    row = re.search(rf'<tr data-row="{key}"[^>]*>(.*?)</tr>', html, re.S)
    assert row, f"no row {key}"
    return [int(v) for v in re.findall(r'<td class="num">(\d+)</td>', row.group(1))]


def _entries(action: str, outcome: str = "ok") -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action, outcome=outcome).order_by("id"))


# --- Roles -------------------------------------------------------------------------------------


def test_norole_and_agents_are_refused_and_an_agents_move_is_audited_denied(
        client, norole_user, agent_user, agent2_user):
    followup = _followup(agent_user)
    post = {"source": str(agent_user.pk), "owner": str(agent2_user.pk),
            "followup": [followup.pk]}
    for user in (norole_user, agent_user):
        client.force_login(user)
        assert client.get("/team/").status_code == 403
        assert client.get("/team/", **HTMX).status_code == 403
        assert client.post("/team/reassign", post).status_code == 403
        assert client.post("/team/reassign", post, **HTMX).status_code == 403
    denied = _entries("followup.reassign", "denied")
    assert len(denied) == 4
    assert {e.actor for e in denied} == {norole_user, agent_user}
    followup.refresh_from_db()
    assert followup.owner == agent_user
    assert not _entries("followup.reassign")


def test_supervisors_and_admins_see_the_team(supervisor_client, admin_client_role):
    for client in (supervisor_client, admin_client_role):
        response = client.get("/team/")
        assert response.status_code == 200
        assert "<h1>The team's work</h1>" in response.content.decode()


def test_the_navigation_links_the_team_for_supervisors_only(supervisor_client, agent_client):
    assert 'href="/team/"' in supervisor_client.get("/team/").content.decode()
    agent_page = agent_client.get("/accounts/profile/")
    assert agent_page.status_code == 200
    assert 'href="/team/"' not in agent_page.content.decode()


# --- The figures -------------------------------------------------------------------------------


@pytest.fixture
def seeded(agent_user, agent2_user, supervisor_user):
    """Records of two agents, a supervisor with one promise, and the pool, in and around
    `_period()`; `expected` is what each row must say, counted here by hand."""
    period = _period()
    start, end = period.start, period.end
    just_before, just_after = start - timedelta(seconds=1), end  # end is exclusive
    inside = _local(period.first + timedelta(days=3))
    recs = {"open": [], "promises": [], "proposals": []}
    # Follow-ups: agent1 two open (one overdue) and one done; agent2 one overdue; pool two.
    recs["open"] += [_followup(agent_user, due_in_hours=-2), _followup(agent_user),
                     _followup(agent2_user, due_in_hours=-30), _followup(None),
                     _followup(None, due_in_hours=-1)]
    _followup(agent_user, status=FollowUp.Status.DONE)
    # Promises of agent1: made inside (open), made before the period but kept inside, made
    # inside and broken just after it (not counted as broken), one broken just before the start.
    recs["promises"] += [
        _promise(agent_user, made=inside),
        _promise(agent_user, made=just_before - timedelta(days=5), status=S.KEPT, checked=start),
        _promise(agent_user, made=inside, status=S.BROKEN, checked=just_after),
        _promise(agent_user, made=just_before - timedelta(days=9), status=S.BROKEN,
                 checked=just_before),
        # agent2: partly kept and broken inside, made before.
        _promise(agent2_user, made=just_before, status=S.PARTLY_KEPT,
                 checked=end - timedelta(seconds=1)),
        _promise(agent2_user, made=just_before, status=S.BROKEN, checked=inside),
        _promise(agent2_user, made=end - timedelta(seconds=1), status=S.KEPT, checked=inside),
        # The supervisor took one promise, kept.
        _promise(supervisor_user, made=inside, status=S.KEPT, checked=inside),
    ]
    # Proposals: agent1 made two inside, one approved inside; one made before and approved
    # inside; agent2 made one inside approved after the end; one rejected inside.
    recs["proposals"] += [
        _proposal(agent_user, made=inside, status="approved", decided=inside),
        _proposal(agent_user, made=inside),
        _proposal(agent_user, made=just_before, status="approved", decided=start),
        _proposal(agent2_user, made=start, status="approved", decided=just_after),
        _proposal(agent2_user, made=inside, status="rejected", decided=inside),
    ]

    def within(moment):
        return moment is not None and start <= moment < end

    def count(owner):
        fus = [f for f in recs["open"] if f.owner == owner]
        prs = [p for p in recs["promises"] if p.owner == owner]
        pps = [p for p in recs["proposals"] if p.proposed_by == owner]
        judged = [p for p in prs if within(p.checked_at)]
        return [len(fus), sum(f.due_at < timezone.now() for f in fus),
                sum(within(p.created_at) for p in prs),
                sum(p.status == S.KEPT for p in judged),
                sum(p.status == S.PARTLY_KEPT for p in judged),
                sum(p.status == S.BROKEN for p in judged),
                sum(within(p.created_at) for p in pps),
                sum(p.status == "approved" and within(p.decided_at) for p in pps)]

    expected = {str(u.pk): count(u) for u in (agent_user, agent2_user, supervisor_user)}
    expected["pool"] = count(None)
    expected["total"] = [sum(col) for col in zip(*expected.values(), strict=True)]
    return period, expected


def test_the_figures_per_agent_match_the_records(seeded, agent_user, agent2_user,
                                                 supervisor_user):
    period, expected = seeded
    # The hand count above, spelled out for the boundaries it tests.
    assert expected[str(agent_user.pk)] == [2, 1, 2, 1, 0, 0, 2, 2]
    assert expected[str(agent2_user.pk)] == [1, 1, 1, 1, 1, 1, 2, 0]
    assert expected["pool"] == [2, 1, 0, 0, 0, 0, 0, 0]
    figures = team_figures(period=period)
    by_key = {row.key: row for row in [*figures.rows, figures.pool, figures.totals]}
    for key, counts in expected.items():
        assert [getattr(by_key[key], name) for name in by_key[key].COUNTS] == counts, key


def test_the_page_shows_the_figures_the_pool_and_totals(seeded, supervisor_client, agent_user,
                                                        supervisor_user, admin_user):
    period, expected = seeded
    response = supervisor_client.get("/team/", _period_query(period))
    html = response.content.decode()
    assert response.status_code == 200
    for key, counts in expected.items():
        assert _row_cells(html, key) == counts, key
    # The pool row and each agent's row link to their open follow-ups.
    assert f'href="/team/?period=custom&amp;date_from={period.first.isoformat()}' in html
    assert f"agent={agent_user.pk}#team-followups" in html
    assert "agent=pool#team-followups" in html
    # The supervisor is listed for the promise they took; the admin, with no records, is not.
    assert f'data-row="{supervisor_user.pk}"' in html
    assert f'data-row="{admin_user.pk}"' not in html


def test_agents_without_records_are_listed_and_the_departed_marked(supervisor_client):
    idle = _user("idle")
    left = _user("left", is_active=False)
    _followup(left)
    gone_quiet = _user("quiet", is_active=False)
    html = supervisor_client.get("/team/").content.decode()
    assert _row_cells(html, str(idle.pk)) == [0] * 8
    row = re.search(rf'<tr data-row="{left.pk}".*?</tr>', html, re.S).group(0)
    assert "inactive" in row and _row_cells(html, str(left.pk))[0] == 1
    assert f'data-row="{gone_quiet.pk}"' not in html


def test_the_default_period_is_the_last_four_weeks(supervisor_client, agent_user):
    today = timezone.localdate()
    first = monday(today) - timedelta(weeks=3)
    _promise(agent_user, made=_local(first, 0, 0, 0))
    _promise(agent_user, made=_local(first - timedelta(days=1), 23, 59, 59))
    html = supervisor_client.get("/team/").content.decode()
    assert _row_cells(html, str(agent_user.pk))[2] == 1
    assert '<option value="4weeks" selected>' in html
    assert html.count('class="chart-week"') == 4


@pytest.mark.parametrize(("query", "field", "message"), [
    ({"period": "custom"}, "date_from", "Give the first day of the period."),
    ({"period": "custom", "date_from": "2025-03-10", "date_to": "2025-03-01"}, "date_to",
     "The last day cannot come before the first."),
    ({"period": "custom", "date_from": "2024-01-01", "date_to": "2024-12-31"}, "date_to",
     "Choose a period of at most 26 weeks."),
    ({"period": "custom", "date_from": "2024-01-01", "date_to": "2999-01-01"}, "date_to",
     "The period cannot end after today."),
    ({"period": "custom", "date_from": "not a date", "date_to": "2024-01-01"}, "date_from",
     "Enter a valid date."),
    ({"period": "fortnight"}, "period", "Select a valid choice."),
])
def test_a_bad_period_is_refused_at_its_field(supervisor_client, query, field, message):
    response = supervisor_client.get("/team/", query)
    html = response.content.decode()
    assert response.status_code == 422
    group = re.search(rf'<div class="field">(?:(?!<div class="field">).)*?id="id_{field}"'
                      rf'(?:(?!<div class="field">).)*', html, re.S).group(0)
    assert message in group
    assert "these are the figures of the last 4 weeks" in html


# --- Reassigning -------------------------------------------------------------------------------


def _move(client, source, owner, followups=(), scope="selected", **extra):
    data = {"source": "pool" if source is None else str(source.pk),
            "owner": owner if isinstance(owner, str) else str(owner.pk),
            "followup": [f.pk for f in followups], "scope": scope}
    return client.post("/team/reassign?period=week", data, **extra)


def test_move_one_follow_up_plain_form(supervisor_client, supervisor_user, agent_user,
                                       agent2_user):
    one, other = _followup(agent_user, name="Anna Ek"), _followup(agent_user)
    response = _move(supervisor_client, agent_user, agent2_user, [one])
    assert response.status_code == 302
    assert response["Location"] == f"/team/?period=week&agent={agent_user.pk}#team-followups"
    one.refresh_from_db()
    other.refresh_from_db()
    assert (one.owner, other.owner) == (agent2_user, agent_user)
    [entry] = _entries("followup.reassign")
    assert (entry.actor, entry.target_id) == (supervisor_user, str(one.pk))
    assert (entry.before["owner"], entry.after["owner"]) == ("agent1", "agent2")
    page = supervisor_client.get(response["Location"]).content.decode()
    assert "Moved 1 follow-up to agent2." in page
    assert f'data-followup="{other.pk}"' in page and f'data-followup="{one.pk}"' not in page


def test_move_all_keeps_the_clashes_and_says_so(supervisor_client, agent_user, agent2_user):
    shared = _guid()
    mine = [_followup(agent_user, guid=shared, name="Both follow"), _followup(agent_user),
            _followup(agent_user)]
    _followup(agent2_user, guid=shared)
    response = _move(supervisor_client, agent_user, agent2_user, scope="all", **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert ("Moved 2 follow-ups to agent2. 1 stayed with agent1 because agent2 already follows "
            "that debtor.") in html
    assert "Both follow: Call back" in html  # the kept one is named
    assert FollowUp.objects.get(pk=mine[0].pk).owner == agent_user
    assert {f.owner for f in FollowUp.objects.filter(pk__in=[m.pk for m in mine[1:]])} == {
        agent2_user}
    entries = _entries("followup.reassign")
    assert sorted(e.target_id for e in entries) == sorted(str(m.pk) for m in mine[1:])
    assert {(e.before["owner"], e.after["owner"]) for e in entries} == {("agent1", "agent2")}
    # The board's figures are those after the move.
    assert _row_cells(html, str(agent_user.pk))[0] == 1
    assert _row_cells(html, str(agent2_user.pk))[0] == 3


def test_move_to_and_from_the_pool(supervisor_client, agent_user):
    followup = _followup(agent_user)
    assert _move(supervisor_client, agent_user, "pool", [followup]).status_code == 302
    followup.refresh_from_db()
    assert followup.owner is None
    [entry] = _entries("followup.reassign")
    assert (entry.before["owner"], entry.after["owner"]) == ("agent1", None)
    response = _move(supervisor_client, None, agent_user, scope="all", **HTMX)
    assert "Moved 1 follow-up to agent1." in response.content.decode()
    followup.refresh_from_db()
    assert followup.owner == agent_user


def _field_group(html: str, field_id: str) -> str:
    match = re.search(rf'<div class="field">(?:(?!<div class="field">).)*?id="{field_id}"'
                      rf'(?:(?!</div>\s*</div>).)*', html, re.S)
    assert match, field_id
    return match.group(0)


@pytest.mark.parametrize("case", ["unknown", "norole", "inactive", "same", "empty"])
def test_bad_moves_are_refused_at_the_field(case, supervisor_client, agent_user, norole_user):
    followup = _followup(agent_user)
    owner, message = {
        "unknown": ("987654", "There is no such user."),
        "norole": (norole_user, "norole1 does not work on follow-ups."),
        "inactive": (_user("gone", is_active=False), "gone can no longer sign in."),
        "same": (agent_user, "These follow-ups are already with agent1; choose someone else."),
        "empty": ("", "Choose who gets the follow-ups."),
    }[case]
    for extra in ({}, HTMX):
        response = _move(supervisor_client, agent_user, owner, [followup], **extra)
        html = response.content.decode()
        assert response.status_code == 422
        group = _field_group(html, "id_owner")
        assert message in group
        assert 'aria-invalid="true"' in group
        assert (extra == HTMX) == ("<html" not in html)
    followup.refresh_from_db()
    assert followup.owner == agent_user
    assert not _entries("followup.reassign")


def test_nothing_ticked_or_a_stale_tick_is_refused_at_the_list(supervisor_client, agent_user,
                                                               agent2_user):
    followup = _followup(agent_user)
    response = _move(supervisor_client, agent_user, agent2_user, [])
    assert response.status_code == 422
    assert "Tick the follow-ups to move, or move all of them." in re.search(
        r'id="team-followup-error">(.*?)</div>', response.content.decode(), re.S).group(1)
    elsewhere = _followup(agent2_user)
    response = _move(supervisor_client, agent_user, agent2_user, [followup, elsewhere])
    assert response.status_code == 422
    assert "no longer open with agent1" in response.content.decode()
    assert f'value="{followup.pk}" id="team-followup-{followup.pk}" aria-describedby=' \
           f'"team-followup-error" checked' in response.content.decode()  # input kept
    assert not _entries("followup.reassign")


def test_an_unknown_source_is_refused(supervisor_client, agent2_user):
    response = supervisor_client.post("/team/reassign", {
        "source": "12345", "owner": str(agent2_user.pk), "scope": "all"})
    assert response.status_code == 422
    assert "Choose whose follow-ups to move." in response.content.decode()


def test_reassign_needs_the_csrf_token(csrf_client_factory, supervisor_user, agent_user,
                                       agent2_user):
    followup = _followup(agent_user)
    client = csrf_client_factory(supervisor_user)
    data = {"source": str(agent_user.pk), "owner": str(agent2_user.pk),
            "followup": [followup.pk]}
    assert client.post("/team/reassign", data).status_code == 403
    assert client.post("/team/reassign", data, **HTMX).status_code == 403
    followup.refresh_from_db()
    assert followup.owner == agent_user
    page = client.get(f"/team/?agent={agent_user.pk}").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert client.post("/team/reassign", data, HTTP_X_CSRFTOKEN=token,
                       **HTMX).status_code == 200
    followup.refresh_from_db()
    assert followup.owner == agent2_user


# --- htmx and the page -------------------------------------------------------------------------


def test_one_url_serves_the_page_or_the_board(supervisor_client, agent_user):
    _followup(agent_user)
    page = supervisor_client.get("/team/", {"agent": agent_user.pk})
    board = supervisor_client.get("/team/", {"agent": agent_user.pk}, **HTMX)
    for response in (page, board):
        assert response.status_code == 200
        assert "HX-Request" in response["Vary"]
        assert 'id="team-board"' in response.content.decode()
        assert "Open follow-ups of agent1" in response.content.decode()
    assert "<html" in page.content.decode() and "<html" not in board.content.decode()
    assert board.content.decode().lstrip().startswith('<div id="team-board"')
    # Links and forms work without JavaScript too: each hx-get has the same plain href.
    html = page.content.decode()
    assert 'action="/team/reassign?agent=' in html and 'method="post"' in html
    for target in re.findall(r'hx-get="([^"]+)"', html):
        assert f'href="{target}' in html


# --- The chart ---------------------------------------------------------------------------------


def test_the_chart_has_a_group_per_week_and_proportional_bars(supervisor_client, agent_user):
    period = _period()
    weeks = period.weeks()
    assert len(weeks) == 2
    for day, kept, broken in ((weeks[0], 2, 1), (weeks[1], 6, 0)):
        for n in range(kept):
            _promise(agent_user, made=_local(day), status=S.KEPT,
                     checked=_local(day + timedelta(days=n % 7), 9))
        for _n in range(broken):
            _promise(agent_user, made=_local(day), status=S.BROKEN, checked=_local(day, 10))
    # Judged the Sunday night before the period (local time) is outside it.
    _promise(agent_user, made=_local(weeks[0] - timedelta(days=3)), status=S.KEPT,
             checked=_local(weeks[0] - timedelta(days=1), 23, 59, 59))
    html = supervisor_client.get("/team/", _period_query(period)).content.decode()
    groups = re.findall(r'<g class="chart-week" data-week="([^"]+)">(.*?)</g>', html, re.S)
    assert [key for key, _body in groups] == [
        "{}-W{:02d}".format(*day.isocalendar()[:2]) for day in weeks]
    kept = [re.search(r'class="bar bar--kept" data-value="(\d+)"[^>]*height="([\d.]+)"',
                      body).groups() for _key, body in groups]
    assert [int(v) for v, _h in kept] == [2, 6]
    (v1, h1), (v2, h2) = ((int(v), float(h)) for v, h in kept)
    assert h2 / h1 == pytest.approx(v2 / v1)
    assert h2 == pytest.approx(PLOT_H * 6 / 8)  # the axis tops at 8
    assert 'class="bar bar--broken" data-value="1"' in groups[0][1]
    assert "bar--broken" not in groups[1][1]
    assert "<title id=\"team-chart-title\">" in html and "<desc id=\"team-chart-desc\">" in html
    assert "partly kept (hatched; counted on its own, not with broken)" in html
    table = re.search(r'<details class="team-chart-table">(.*?)</details>', html, re.S).group(1)
    assert table.count("<tr data-week=") == 2


def test_promise_weeks_follow_the_desk_time_zone(agent_user):
    period = _period()
    first = period.first
    # 00:30 on Monday in Stockholm is still Sunday in UTC: it belongs to the Monday's week.
    _promise(agent_user, made=_local(first), status=S.BROKEN,
             checked=_local(first + timedelta(days=7), 0, 30))
    counts = promise_week_list(period=period)
    assert counts == [WeekCount(monday=first), WeekCount(monday=first + timedelta(days=7),
                                                         broken=1)]


def test_the_chart_geometry_and_its_limit():
    weeks = [WeekCount(monday=date(2025, 1, 6) + timedelta(weeks=n), kept=n, broken=1)
             for n in range(26)]
    chart = team_chart(weeks)
    assert len(chart.weeks) == 26 and chart.top == 28
    assert sum(1 for w in chart.weeks if w.label) == 13  # every other week labelled
    heights = [w.bars[0].height for w in chart.weeks]
    assert heights[0] == 0 and heights[25] == pytest.approx(PLOT_H * 25 / 28, abs=0.01)
    assert all(b.x + b.width <= chart.right_x for w in chart.weeks for b in w.bars)


def test_a_period_over_26_weeks_is_refused(supervisor_client):
    today = timezone.localdate()
    first = monday(today) - timedelta(weeks=26)
    ok = supervisor_client.get("/team/", {"period": "custom", "date_to": today.isoformat(),
                                          "date_from": (first + timedelta(weeks=1)).isoformat()})
    assert ok.status_code == 200
    assert ok.content.decode().count('class="chart-week"') == 26
    refused = supervisor_client.get("/team/", {"period": "custom", "date_to": today.isoformat(),
                                               "date_from": first.isoformat()})
    assert refused.status_code == 422


# --- Cost --------------------------------------------------------------------------------------


def _busy_agents(start: int, count: int) -> None:
    period_day = timezone.now() - timedelta(days=2)
    for n in range(start, start + count):
        user = _user(f"busy{n}")
        _followup(user, due_in_hours=-1)
        _promise(user, made=period_day, status=S.KEPT, checked=period_day)
        _proposal(user, made=period_day)


def test_the_query_count_does_not_grow_with_the_team(supervisor_client, agent_user,
                                                     django_assert_max_num_queries):
    _followup(agent_user)
    _busy_agents(0, 2)
    url = f"/team/?agent={agent_user.pk}"
    with CaptureQueriesContext(connection) as few:
        assert supervisor_client.get(url).status_code == 200
    _busy_agents(2, 15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = supervisor_client.get(url)
    # Sign-in, grants, badges, session and the second-factor check: 10; the figures 4, the
    # chart 1, the chosen agent's list 4 (the agent, the members to move to, count and page).
    assert len(few.captured_queries) <= 21
    assert response.content.decode().count('<tr data-row="') == 1 + 17 + 1 + 1  # + pool, total
