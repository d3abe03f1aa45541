"""Sign-in events in the audit chain: sign-in, refusals, lock-out, sign-out, each with the
client address and user agent, and never the password."""

import json

import pytest
from django.test import Client

from backoffice.audit.models import AuditEntry
from backoffice.audit.verify import verify_chain

UA = "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0 Safari/537.36"


def _client() -> Client:
    return Client(HTTP_USER_AGENT=UA, REMOTE_ADDR="10.1.2.3")


def _sign_in(client: Client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


def _entries(action: str):
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))


@pytest.mark.django_db
def test_password_sign_in_is_recorded_once_with_address_and_browser(agent_user):
    client = _client()
    assert _sign_in(client, "agent1", "pw-agent1").status_code == 302
    [entry] = _entries("auth.signin")
    assert entry.outcome == "ok"
    assert entry.actor == agent_user and entry.role == "agent"
    assert entry.target_id == "agent1"
    assert entry.request_body == {"method": "password"}
    assert (entry.client_ip, entry.user_agent) == ("10.1.2.3", UA)
    assert verify_chain() is None  # no broken entry


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "password", "reason"),
    [("agent1", "wrong-secret-77", "wrong password"),
     ("nobody", "wrong-secret-77", "unknown username")],
)
def test_a_refused_password_is_recorded_without_the_password(agent_user, username, password,
                                                             reason):
    client = _client()
    assert _sign_in(client, username, password).status_code == 200
    [entry] = _entries("auth.signin-failed")
    assert (entry.outcome, entry.reason, entry.target_id) == ("denied", reason, username)
    assert entry.client_ip == "10.1.2.3"
    row = json.dumps({f.name: str(getattr(entry, f.name)) for f in entry._meta.fields})
    assert password not in row
    assert not _entries("auth.signin")


@pytest.mark.django_db
def test_an_inactive_account_is_recorded_as_such(agent_user):
    agent_user.is_active = False
    agent_user.save()
    _sign_in(_client(), "agent1", "pw-agent1")
    [entry] = _entries("auth.signin-failed")
    assert entry.reason == "inactive account"


@pytest.mark.django_db
def test_lock_out_after_the_failure_limit_is_recorded(agent_user, settings):
    client = _client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "agent1", "wrong")
    [lockout] = _entries("auth.lockout")
    assert (lockout.outcome, lockout.target_id) == ("denied", "agent1")
    assert lockout.client_ip == "10.1.2.3"
    # While locked out, even the right password is refused, and recorded so.
    response = _sign_in(client, "agent1", "pw-agent1")
    assert response.status_code == 429
    assert _entries("auth.signin-failed")[-1].reason == "locked out after repeated failures"
    assert not _entries("auth.signin")


@pytest.mark.django_db
def test_sign_out_is_recorded_with_the_method(agent_user):
    client = _client()
    _sign_in(client, "agent1", "pw-agent1")
    client.post("/accounts/logout/")
    [entry] = _entries("auth.signout")
    assert entry.actor == agent_user
    assert entry.request_body == {"method": "password"}
    assert verify_chain() is None  # no broken entry


@pytest.mark.django_db
def test_the_audit_review_filters_sign_in_events(agent_user, admin_client_role):
    _sign_in(_client(), "agent1", "wrong")
    _sign_in(_client(), "agent1", "pw-agent1")
    from backoffice.audit.services import audit_record

    audit_record(action="debtor.update", outcome="ok", actor=agent_user)  # not in the group

    def actions(action: str) -> list[str]:
        response = admin_client_role.get("/audit/", {"action": action})
        return [row.record.action for row in response.context["table"].paginated_rows]

    assert sorted(actions("auth.*")) == ["auth.signin", "auth.signin-failed"]
    assert actions("auth.signin-failed") == ["auth.signin-failed"]
