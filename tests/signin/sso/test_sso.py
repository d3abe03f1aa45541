"""Single sign-on against a real OpenID provider on loopback: the code flow with PKCE, groups
to roles, refusals (no role, tampered state or nonce, expired or wrongly signed ID token),
matching by subject, sign-out at the provider, and LOCAL_SIGNIN=false."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore

from backoffice.audit.models import AuditEntry
from backoffice.roles import user_role
from backoffice.signin.models import SsoIdentity, UserSession
from tests.signin.sso.flow import SsoFlow

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def flow(live_server, sso):
    walk = SsoFlow(live_server.url)
    yield walk
    walk.close()


def _actions(action: str):
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))


def _user(username: str):
    return get_user_model().objects.get(username=username)


def test_the_flow_uses_pkce_state_and_nonce(flow, sso):
    sso.add("alice", groups=["collectors"])
    start = flow.get("/accounts/sso/start/")
    query = parse_qs(urlsplit(start.headers["location"]).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["state"][0] and query["nonce"][0]
    assert query["response_type"] == ["code"]
    assert query["scope"] == ["openid profile email groups"]


def test_first_sign_in_creates_the_user_with_the_mapped_role(flow, sso):
    sso.add("alice", groups=["collectors", "unrelated"], name="Alice Andersson")
    response = flow.sign_in("alice")
    assert response.status_code == 302 and response.headers["location"] == "/"
    assert flow.get("/work/").status_code == 200
    alice = _user("alice")
    assert (alice.first_name, alice.last_name, alice.email) == ("Alice", "Andersson",
                                                               "alice@agency.test")
    assert not alice.has_usable_password()
    assert user_role(alice) == "agent"
    assert SsoIdentity.objects.get(user=alice).subject == "sub-alice"
    [signin] = _actions("auth.signin")
    assert signin.request_body["method"] == "sso"
    assert signin.request_body["amr"] == ["pwd", "otp"]
    assert signin.request_body["acr"] == "urn:collect-desk:test:mfa"
    [session] = UserSession.objects.filter(user=alice)
    assert (session.method, session.amr, session.acr) == ("sso", "pwd otp",
                                                          "urn:collect-desk:test:mfa")
    assert _actions("auth.role-changed")[0].request_body["to"] == "agent"


def test_a_role_change_at_the_provider_applies_at_the_next_sign_in(live_server, sso):
    sso.add("bob", groups=["collectors"])
    first = SsoFlow(live_server.url)
    first.sign_in("bob")
    assert first.get("/approvals/").status_code == 403
    sso.set_groups("bob", ["team-leads"])
    second = SsoFlow(live_server.url)
    second.sign_in("bob")
    assert second.get("/approvals/").status_code == 200
    assert user_role(_user("bob")) == "supervisor"
    change = _actions("auth.role-changed")[-1]
    assert (change.request_body["from"], change.request_body["to"]) == ("agent", "supervisor")
    assert change.reason == "groups changed at the provider"
    # The highest of several roles wins.
    sso.set_groups("bob", ["interns", "desk-admins"])
    SsoFlow(live_server.url).sign_in("bob")
    assert user_role(_user("bob")) == "admin"


def test_no_mapped_group_is_refused_with_a_clear_page(flow, sso):
    sso.add("carol", groups=["marketing"])
    response = flow.sign_in("carol")
    assert response.status_code == 403
    assert "not in any group that has access" in response.text
    assert flow.get("/work/").headers["location"].startswith("/accounts/login/")
    assert not get_user_model().objects.filter(username="carol").exists()
    [refused] = _actions("auth.signin-failed")
    assert (refused.outcome, refused.reason) == ("denied", "no group maps to a role")
    assert refused.request_body["groups"] == ["marketing"]


def test_a_tampered_state_is_refused(flow, sso):
    sso.add("alice", groups=["collectors"])
    callback = flow.to_callback("alice")
    query = parse_qs(urlsplit(callback).query)
    forged = callback.replace(query["state"][0], "forged-state")
    response = flow.http.get(forged)
    assert response.status_code == 400
    assert "could not be trusted" in response.text
    assert _actions("auth.signin-failed")[-1].reason.startswith("state did not match")
    assert not _actions("auth.signin")


def test_a_tampered_nonce_is_refused(flow, sso):
    sso.add("alice", groups=["collectors"])
    callback = flow.to_callback("alice")
    state = parse_qs(urlsplit(callback).query)["state"][0]
    session = SessionStore(flow.http.cookies["sessionid"])
    states = session["oidc_states"]
    states[state]["nonce"] = "not-the-nonce-sent"
    session["oidc_states"] = states
    session.save()
    response = flow.http.get(callback)
    assert response.status_code == 400
    assert _actions("auth.signin-failed")[-1].reason == "nonce did not match"
    assert not _actions("auth.signin")


def test_an_expired_id_token_is_refused(flow, sso, monkeypatch):
    import time

    from backoffice.signin.sso import backend

    sso.add("alice", groups=["collectors"])
    callback = flow.to_callback("alice")
    monkeypatch.setattr(backend, "clock", lambda: time.time() + 3 * 3600)
    response = flow.http.get(callback)
    assert response.status_code == 400
    assert _actions("auth.signin-failed")[-1].reason == "ID token expired"


def test_a_wrongly_signed_id_token_is_refused(flow, sso, settings, oidc_provider):
    sso.add("alice", groups=["collectors"])
    settings.OIDC_OP_JWKS_ENDPOINT = f"{oidc_provider[0]}/test/other-jwks"
    response = flow.sign_in("alice")
    assert response.status_code == 400
    assert _actions("auth.signin-failed")[-1].reason == "ID token signature not valid"
    assert not _actions("auth.signin")


def test_users_are_matched_by_subject_not_by_email(live_server, sso):
    sso.add("dana", groups=["collectors"], sub="sub-1", email="dana@agency.test")
    SsoFlow(live_server.url).sign_in("dana")
    dana = _user("dana")
    # Another person later given the same e-mail address is not Dana.
    sso.add("dana2", groups=["collectors"], sub="sub-2", email="dana@agency.test")
    SsoFlow(live_server.url).sign_in("dana2")
    assert SsoIdentity.objects.get(subject="sub-2").user != dana
    # Dana's e-mail changes at the provider: still Dana.
    sso.data["dana"]["claims"]["email"] = "dana.new@agency.test"
    sso.save()
    SsoFlow(live_server.url).sign_in("dana")
    dana.refresh_from_db()
    assert dana.email == "dana.new@agency.test"
    assert SsoIdentity.objects.filter(user=dana).count() == 1


def test_a_deactivated_user_is_refused(flow, sso):
    sso.add("erik", groups=["collectors"])
    SsoFlow(flow.app_url).sign_in("erik")
    erik = _user("erik")
    erik.is_active = False
    erik.save()
    assert flow.sign_in("erik").status_code == 400
    assert _actions("auth.signin-failed")[-1].reason == "account deactivated"


def test_sign_out_ends_the_provider_session_too(flow, sso):
    sso.add("alice", groups=["collectors"])
    flow.sign_in("alice")
    provider_pages = len(flow.provider_pages)
    out = flow.csrf_post("/accounts/logout/")
    assert out.status_code == 302
    end = urlsplit(out.headers["location"])
    assert end.path == "/session/end"
    params = parse_qs(end.query)
    assert params["post_logout_redirect_uri"] == [f"{flow.app_url}/accounts/login/"]
    assert params["id_token_hint"][0].count(".") == 2
    final = flow.follow(out)
    assert str(final.url) == f"{flow.app_url}/accounts/login/"
    assert _actions("auth.signout")[-1].request_body == {"method": "sso"}
    # The provider asks for the password again: its session has ended as well.
    flow.to_callback("alice")
    assert len(flow.provider_pages) == provider_pages + 1


def test_the_login_page_offers_the_provider(client, sso):
    html = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/sso/start/"' in html and "Continue with Test IdP" in html


def test_a_provider_that_is_down_gets_a_page_with_a_retry(client, settings):
    from backoffice.signin.sso import provider

    provider.forget()
    settings.OIDC_ISSUER = "http://127.0.0.1:9"  # nothing listens there
    response = client.get("/accounts/sso/start/")
    assert response.status_code == 503
    assert "cannot be reached" in response.content.decode()
    assert 'href="/accounts/sso/start/"' in response.content.decode()
    provider.forget()


def test_local_signin_off_keeps_passwords_for_break_glass_admins(client, settings, agent_user,
                                                                 admin_user):
    settings.LOCAL_SIGNIN = False
    refused = client.post("/accounts/login/", {"username": "agent1", "password": "pw-agent1"})
    assert refused.status_code == 200
    assert "break-glass administrator accounts only" in refused.content.decode()
    assert _actions("auth.signin-failed")[-1].reason == "local sign-in is switched off"
    allowed = client.post("/accounts/login/", {"username": "admin1", "password": "pw-admin1"})
    assert allowed.status_code == 302
    assert _actions("auth.signin")[-1].actor == admin_user
