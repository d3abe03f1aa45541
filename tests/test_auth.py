"""Sign-in, sign-out, password change, throttling after failures, CSRF and the session."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, RequestFactory
from django.utils import timezone

from backoffice.middleware import IdleSessionMiddleware, client_ip


def _sign_in(client: Client, username: str, password: str, **extra):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, **extra
    )


def test_sign_in_page_has_labelled_fields(client):
    html = client.get("/accounts/login/").content.decode()
    assert re.search(r'<label for="id_username">Username:?</label>', html)
    assert re.search(r'<label for="id_password">Password:?</label>', html)
    assert 'autocomplete="current-password"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_sign_in_and_follow_next(client, agent_user):
    response = _sign_in(client, "agent1", "pw-agent1")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/accounts/profile/").status_code == 200

    other = Client()
    response = other.post(
        "/accounts/login/?next=/approvals/",
        {"username": "agent1", "password": "pw-agent1", "next": "/accounts/profile/"},
    )
    assert response["Location"] == "/accounts/profile/"


def test_sign_in_refuses_a_foreign_next(client, agent_user):
    response = client.post(
        "/accounts/login/",
        {"username": "agent1", "password": "pw-agent1", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


def test_wrong_password_is_refused_with_a_message(client, agent_user):
    response = _sign_in(client, "agent1", "wrong")
    assert response.status_code == 200
    assert '<div role="alert"><ul class="errorlist nonfield">' in response.content.decode()
    assert "Please enter a correct username and password" in response.content.decode()
    assert client.get("/accounts/profile/").status_code == 302


def test_inactive_user_cannot_sign_in(client, agent_user):
    agent_user.is_active = False
    agent_user.save()
    response = _sign_in(client, "agent1", "pw-agent1")
    assert response.status_code == 200
    assert client.get("/accounts/profile/").status_code == 302


def test_sign_out_is_post_only_and_says_so(agent_client):
    assert agent_client.get("/accounts/logout/").status_code == 405
    response = agent_client.post("/accounts/logout/", follow=True)
    assert response.redirect_chain[0] == ("/accounts/login/", 302)
    assert "You have signed out." in response.content.decode()
    assert agent_client.get("/accounts/profile/").status_code == 302


def test_session_ends_when_idle_or_when_the_browser_closes(agent_client):
    agent_client.get("/accounts/profile/")
    session = agent_client.session
    assert session.get_expiry_age() == settings.SESSION_COOKIE_AGE == 30 * 60
    assert session.get_expire_at_browser_close()
    assert settings.SESSION_REFRESH_SECONDS == 60


def _stored_expiry(client):
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_a_used_session_is_kept_alive_with_one_write_a_minute(agent_client):
    from django.contrib.sessions.models import Session

    agent_client.get("/accounts/profile/")  # the first request after sign-in refreshes
    expiry = _stored_expiry(agent_client)
    assert agent_client.get("/accounts/profile/").status_code == 200
    assert _stored_expiry(agent_client) == expiry  # within the minute: no write

    # Two minutes on: the next request moves the expiry to a full idle timeout from now.
    session = agent_client.session
    session[IdleSessionMiddleware.KEY] -= 120
    session.save()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=expiry - timedelta(seconds=120))
    assert agent_client.get("/accounts/profile/").status_code == 200
    refreshed = _stored_expiry(agent_client)
    assert refreshed > expiry - timedelta(seconds=120)
    assert abs((refreshed - timezone.now()).total_seconds() - settings.SESSION_COOKIE_AGE) < 5


def test_an_idle_session_ends(agent_client):
    from django.contrib.sessions.models import Session

    agent_client.get("/accounts/profile/")
    Session.objects.filter(session_key=agent_client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1))
    answer = agent_client.get("/accounts/profile/")
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")


def test_an_anonymous_visit_stores_no_session(client, db):
    from django.contrib.sessions.models import Session

    client.get("/accounts/login/")
    assert not Session.objects.exists()
    client.cookies[settings.SESSION_COOKIE_NAME] = "expired0session0key0that0is0gone"
    assert client.get("/accounts/profile/").status_code == 302  # the session is read: gone
    assert not Session.objects.exists()  # and a stale cookie is not kept alive as a new one


def test_password_change(agent_client, agent_user):
    response = agent_client.post(
        "/accounts/password_change/",
        {
            "old_password": "pw-agent1",
            "new_password1": "a-much-better-passphrase-42",
            "new_password2": "a-much-better-passphrase-42",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password_change/done/"
    done = agent_client.get(response["Location"])
    assert "Your password was changed" in done.content.decode()
    agent_user.refresh_from_db()
    assert agent_user.check_password("a-much-better-passphrase-42")


def test_password_change_needs_the_old_password(agent_client, agent_user):
    response = agent_client.post(
        "/accounts/password_change/",
        {"old_password": "nope", "new_password1": "x-y-z-123456", "new_password2": "x-y-z-123456"},
    )
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    agent_user.refresh_from_db()
    assert agent_user.check_password("pw-agent1")


def test_no_self_service_password_reset(client):
    assert client.get("/accounts/password_reset/").status_code in (302, 404)


# --- Throttling ---------------------------------------------------------------------------------


def test_sign_in_is_throttled_per_username_and_address(agent_user):
    limit = settings.AXES_FAILURE_LIMIT
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(limit - 1):
        response = _sign_in(attacker, "agent1", "guess")
        assert response.status_code == 200

    locked = _sign_in(attacker, "agent1", "guess")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Sign-in paused" in html
    assert f"{limit} failed sign-ins" in html
    assert 'role="alert"' in html

    # Even the right password is refused from that address now...
    assert _sign_in(attacker, "agent1", "pw-agent1").status_code == 429
    assert AccessAttempt.objects.filter(username="agent1", ip_address="203.0.113.7").exists()
    # ...while the same user from another address, and other users, still get in.
    assert _sign_in(Client(REMOTE_ADDR="198.51.100.9"), "agent1", "pw-agent1").status_code == 302


def test_throttling_answer_is_translated(agent_user):
    client = Client(REMOTE_ADDR="203.0.113.8", HTTP_ACCEPT_LANGUAGE="sv")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = _sign_in(client, "agent1", "guess")
    assert response.status_code == 429
    assert "Inloggningen pausad" in response.content.decode()


def test_a_successful_sign_in_resets_the_failure_count(agent_user):
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _sign_in(client, "agent1", "guess")
    assert _sign_in(client, "agent1", "pw-agent1").status_code == 302
    client.post("/accounts/logout/")
    assert _sign_in(client, "agent1", "guess").status_code == 200  # counting from zero again


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "198.51.100.1", "10.0.0.5"),  # no trusted proxy: the header is ignored
        (1, "198.51.100.1", "198.51.100.1"),
        (1, "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the client's own entry is not trusted
        (2, "6.6.6.6, 198.51.100.1, 10.0.0.9", "198.51.100.1"),
        (2, "198.51.100.1", "10.0.0.5"),  # fewer entries than proxies: not via our proxies
    ],
)
def test_client_address_behind_trusted_proxies(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


# --- CSRF -------------------------------------------------------------------------------------


def test_a_write_without_csrf_token_is_refused(csrf_client_factory, agent_user):
    client = csrf_client_factory(agent_user)
    response = client.post("/accounts/profile/", {"language": "sv"})
    assert response.status_code == 403
    agent_user.refresh_from_db()
    assert getattr(getattr(agent_user, "profile", None), "language", "") == ""


def test_sign_out_without_csrf_token_is_refused(csrf_client_factory, agent_user):
    client = csrf_client_factory(agent_user)
    assert client.post("/accounts/logout/").status_code == 403
    assert client.get("/accounts/profile/").status_code == 200  # still signed in


def test_sign_in_without_csrf_token_is_refused(csrf_client_factory, agent_user):
    client = csrf_client_factory()
    assert _sign_in(client, "agent1", "pw-agent1").status_code == 403


def _token(client: Client) -> str:
    html = client.get("/accounts/profile/").content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_a_write_with_the_form_token_passes(csrf_client_factory, agent_user):
    client = csrf_client_factory(agent_user)
    response = client.post(
        "/accounts/profile/", {"language": "sv", "csrfmiddlewaretoken": _token(client)}
    )
    assert response.status_code == 302
    agent_user.refresh_from_db()
    assert agent_user.profile.language == "sv"


def test_htmx_requests_carry_the_token_in_a_header(csrf_client_factory, agent_user):
    client = csrf_client_factory(agent_user)
    html = client.get("/accounts/profile/").content.decode()
    header = re.search(r"<body hx-headers='\{\"X-CSRFToken\": \"([^\"]+)\"\}'", html)
    assert header, "base.html must put the CSRF token in hx-headers on <body>"
    response = client.post(
        "/accounts/profile/",
        {"language": "fi"},
        headers={"X-CSRFToken": header.group(1), "HX-Request": "true"},
    )
    assert response.status_code == 302
