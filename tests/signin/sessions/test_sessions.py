"""A user's sessions: listed on the profile, ended elsewhere, ended by an admin, expiry
noticed by the middleware and by the sweep, deactivation; each ending audited."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from backoffice.audit.models import AuditEntry
from backoffice.jobs.registry import PERIODIC, SESSIONS_SWEEP
from backoffice.signin.models import UserSession
from backoffice.signin.services import sessions_sweep

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0"
CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/140.0 Safari/537.36"


def _signed_in(username: str, user_agent: str = CHROME, address: str = "10.0.0.1") -> Client:
    client = Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)
    response = client.post("/accounts/login/", {"username": username,
                                                "password": f"pw-{username}"})
    assert response.status_code == 302
    return client


def _actions(action: str):
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))


@pytest.mark.django_db
def test_sign_in_opens_a_row_and_sign_out_closes_it(agent_user):
    client = _signed_in("agent1", FIREFOX, "10.0.0.7")
    row = UserSession.objects.get(user=agent_user)
    assert row.session_key == client.session.session_key
    assert (row.method, row.client_ip, row.browser) == ("password", "10.0.0.7",
                                                        "Firefox / Windows")
    assert row.ended_at is None
    client.post("/accounts/logout/")
    row.refresh_from_db()
    assert row.end_reason == "signed-out" and row.ended_at is not None


@pytest.mark.django_db
def test_the_profile_lists_only_my_open_sessions_and_marks_this_one(agent_user, agent2_user):
    mine = _signed_in("agent1", FIREFOX)
    _signed_in("agent1", CHROME, "10.0.0.9")
    _signed_in("agent2", CHROME, "10.0.0.66")
    html = mine.get("/accounts/profile/").content.decode()
    assert "Firefox / Windows" in html and "Chrome / Linux" in html
    assert "10.0.0.9" in html and "10.0.0.66" not in html
    assert html.count("This browser") == 1


@pytest.mark.django_db
def test_sign_out_everywhere_else_keeps_this_browser(agent_user):
    here = _signed_in("agent1", FIREFOX)
    there = _signed_in("agent1", CHROME)
    elsewhere = _signed_in("agent1", CHROME, "10.0.0.2")
    response = here.post("/accounts/sessions/end-others/")
    assert response.status_code == 302
    assert here.get("/accounts/profile/").status_code == 200
    for other in (there, elsewhere):
        assert other.get("/accounts/profile/")["Location"].startswith("/accounts/login/")
    assert UserSession.objects.open().filter(user=agent_user).count() == 1
    assert set(UserSession.objects.exclude(end_reason="").values_list("end_reason", flat=True)) \
        == {"ended-by-user"}
    [entry] = _actions("auth.sessions-ended")
    assert entry.actor == agent_user and entry.request_body["count"] == 2
    assert not _actions("auth.session-expired")  # ended, not expired


@pytest.mark.django_db
def test_an_admin_ends_all_sessions_of_a_user(agent_user, admin_user):
    first, second = _signed_in("agent1"), _signed_in("agent1", FIREFOX)
    admin = _signed_in("admin1")
    page = admin.get("/accounts/users/", {"q": "agent1"}).content.decode()
    assert f"/accounts/users/{agent_user.pk}/end-sessions/" in page
    response = admin.post(f"/accounts/users/{agent_user.pk}/end-sessions/")
    assert response["Location"] == "/accounts/users/"
    for client in (first, second):
        assert client.get("/work/")["Location"].startswith("/accounts/login/")
    [entry] = _actions("auth.sessions-ended")
    assert (entry.actor, entry.target_id, entry.request_body["count"]) == (admin_user, "agent1", 2)
    assert admin.get("/accounts/profile/").status_code == 200  # the admin's own stays


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["agent1", "supervisor1"])
def test_only_admins_reach_the_users_page_and_its_actions(agent_user, supervisor_user, who):
    client = _signed_in(who)
    assert client.get("/accounts/users/").status_code == 403
    assert client.post(f"/accounts/users/{agent_user.pk}/end-sessions/").status_code == 403
    [denied] = _actions("auth.sessions-ended")
    assert denied.outcome == "denied" and denied.actor_username == who
    assert UserSession.objects.open().filter(user=agent_user).count() == (who == "agent1")


@pytest.mark.django_db
def test_an_expired_session_is_noticed_when_the_browser_comes_back(agent_user):
    client = _signed_in("agent1")
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(1))
    assert client.get("/work/")["Location"].startswith("/accounts/login/")
    client.get("/accounts/login/")  # coming back again records nothing more
    [entry] = _actions("auth.session-expired")
    assert (entry.actor, entry.request_body["method"]) == (agent_user, "password")
    assert UserSession.objects.get(session_key=key).end_reason == "expired"


@pytest.mark.django_db
def test_the_sweep_closes_expired_sessions_and_is_a_periodic_job(agent_user, agent2_user):
    gone, kept = _signed_in("agent1"), _signed_in("agent2")
    Session.objects.filter(session_key=gone.session.session_key).update(
        expire_date=timezone.now() - timedelta(minutes=1))
    assert sessions_sweep() == {"expired": 1, "open": 1}
    assert sessions_sweep()["expired"] == 0  # once
    [entry] = _actions("auth.session-expired")
    assert entry.actor == agent_user
    assert not Session.objects.filter(session_key=gone.session.session_key).exists()
    assert kept.get("/work/").status_code == 200
    assert SESSIONS_SWEEP in PERIODIC


@pytest.mark.django_db
def test_deactivating_a_user_ends_their_sessions(agent_user, admin_user):
    client = _signed_in("agent1")
    admin = _signed_in("admin1")
    response = admin.post(f"/admin/auth/user/{agent_user.pk}/change/", {
        "username": "agent1", "is_active": "", "groups": [g.pk for g in agent_user.groups.all()],
        "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
        "profile-TOTAL_FORMS": "1", "profile-INITIAL_FORMS": "0",
        "profile-MIN_NUM_FORMS": "0", "profile-MAX_NUM_FORMS": "1", "profile-0-language": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert client.get("/work/")["Location"].startswith("/accounts/login/")
    [entry] = _actions("auth.sessions-ended")
    assert (entry.actor, entry.target_id, entry.reason) == (admin_user, "agent1",
                                                            "account deactivated")
