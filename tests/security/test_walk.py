"""The security walk: every URL of the project as anonymous, agent, supervisor and admin;
CSRF refusal on every browser POST; hostile search input; markup injected into every debtor
field escaped on every page that shows it; production cookies and headers.

`check --deploy` is proven by tests/test_settings.py::test_check_deploy_prints_no_warnings.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys

import pytest
from axes.models import AccessLog
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from backoffice.audit.models import AuditEntry
from debtors.models import SavedSearch
from tests.conftest import ROOT
from tests.plans.plan_pages import propose
from tests.security.routes import Seeded, concrete_path, every_route

ROLES = ("anonymous", "agent", "supervisor", "admin")
L = "sign-in"  # a redirect to /accounts/login/?next=<the page>
AL = "admin sign-in"  # a redirect to /admin/login/?next=<the page>


def to(path: str) -> str:
    return "->" + path


_ADMIN_MODEL = {  # (anonymous, agent, supervisor, admin) for a registered model's pages
    "": (L, AL, AL, 200),
    "add/": (L, AL, AL, 403),
    "<path:object_id>/history/": (L, AL, AL, 200),
    "<path:object_id>/delete/": (L, AL, AL, 403),
    "<path:object_id>/change/": (L, AL, AL, 200),
    "<path:object_id>/": (L, AL, AL, "-> its change page"),
}
GONE = (L, AL, AL, to("/admin/"))  # the object does not exist: back to the index


def _admin_model(model: str, **overrides: tuple) -> dict[str, tuple]:
    rows = {**_ADMIN_MODEL, **overrides}
    return {f"admin/{model}/{key}": value for key, value in rows.items()}


# route -> expected status per role (anonymous, agent, supervisor, admin).
# 405: the page answers POST only (GET is refused before anything else happens).
EXPECTED: dict[str, tuple] = {
    "": (L, to("/work/"), to("/work/"), to("/work/")),
    "healthz": (200, 200, 200, 200),
    "livez": (200, 200, 200, 200),
    "readyz": (200, 200, 200, 200),
    "metrics": (200, 200, 200, 200),  # from 127.0.0.1, the test client's address
    "accounts/login/": (200, to("/"), to("/"), to("/")),
    "accounts/logout/": (L, 405, 405, 405),
    "accounts/password_change/": (L, 200, 200, 200),
    "accounts/password_change/done/": (L, 200, 200, 200),
    "accounts/profile/": (L, 200, 200, 200),
    # Signing in: the second step (none owed here: back to the start) and enrolment; the
    # users page and its actions are the admin role's (MANAGE_SIGNIN).
    # Single sign-on is off in the walk: its pages say so (tests/signin/sso tries them on).
    "accounts/sso/start/": (404, 404, 404, 404),
    "accounts/sso/callback/": (404, 404, 404, 404),
    "accounts/two-factor/verify/": (L, to("/"), to("/"), to("/")),
    "accounts/two-factor/setup/": (L, 200, 200, 200),
    "accounts/two-factor/recovery-codes/": (L, 405, 405, 405),
    "accounts/two-factor/remove/": (L, 405, 405, 405),
    "accounts/users/<int:pk>/reset-second-factor/": (L, 405, 405, 405),
    "accounts/sessions/end-others/": (L, 405, 405, 405),
    "accounts/users/": (L, 403, 403, 200),
    "accounts/users/<int:pk>/end-sessions/": (L, 405, 405, 405),
    "debtors/": (L, 200, 200, 200),
    "debtors/saved/": (L, 405, 405, 405),
    "debtors/saved/<int:pk>/delete/": (L, 405, 405, 405),
    "debtors/<uuid:guid>/": (L, 200, 200, 200),
    "debtors/<uuid:guid>/cases/<uuid:case_guid>/": (L, 200, 200, 200),
    "debtors/<uuid:guid>/reveal/": (L, 405, 405, 405),
    "debtors/new/": (L, 200, 200, 200),
    "debtors/<uuid:guid>/edit/": (L, 200, 200, 200),
    "debtors/<uuid:guid>/delete/": (L, 200, 200, 200),
    "debtors/<uuid:guid>/addresses/": (L, 200, 200, 200),
    "debtors/<uuid:guid>/addresses/new/": (L, 200, 200, 200),
    "debtors/<uuid:guid>/addresses/<uuid:address_guid>/edit/": (L, 200, 200, 200),
    "debtors/<uuid:guid>/addresses/<uuid:address_guid>/delete/": (L, 200, 200, 200),
    "debtors/<uuid:guid>/addresses/<uuid:address_guid>/default/": (L, 405, 405, 405),
    "debtors/<uuid:guid>/addresses/<uuid:address_guid>/invalid/": (L, 200, 200, 200),
    "debtors/<uuid:guid>/extrafields/": (L, 200, 200, 200),
    "debtors/<uuid:guid>/extrafields/new/": (L, 200, 200, 200),
    "debtors/<uuid:guid>/extrafields/<str:name>/edit/": (L, 200, 200, 200),
    "debtors/<uuid:guid>/extrafields/<str:name>/delete/": (L, 200, 200, 200),
    "debtors/<uuid:guid>/actions/run/": (L, 405, 405, 405),
    "debtors/<uuid:guid>/actions/json/": (L, 403, 403, 200),
    "approvals/": (L, 403, 200, 200),
    "approvals/<int:pk>/": (L, 200, 200, 200),  # the agent proposed it: theirs to see
    "approvals/<int:pk>/approve": (L, 405, 405, 405),
    "approvals/<int:pk>/reject": (L, 405, 405, 405),
    "proposals/mine/": (L, 200, 200, 200),
    "debtors/<uuid:guid>/plans/": (L, 200, 200, 200),
    "debtors/<uuid:guid>/plans/new": (L, 200, 200, 200),
    "debtors/<uuid:guid>/plans/new/propose": (L, 405, 405, 405),
    "debtors/<uuid:guid>/plans/new/statement": (L, 405, 405, 405),
    "debtors/<uuid:guid>/plans/settle": (L, 200, 200, 200),
    "debtors/<uuid:guid>/plans/settle/propose": (L, 405, 405, 405),
    "debtors/<uuid:guid>/plans/new/options": (L, 405, 405, 405),
    "debtors/<uuid:guid>/plans/<uuid:plan_guid>/payments": (L, 200, 200, 200),
    "debtors/<uuid:guid>/plans/<uuid:plan_guid>/withdraw": (L, 405, 405, 405),
    "debtors/<uuid:guid>/plans/<uuid:plan_guid>/agreement": (L, 200, 200, 200),
    # Rescheduling: the walk's plan is a proposal (409: only an active plan is rescheduled);
    # no reschedule has the walk's pk (404 once the role is checked).
    "debtors/<uuid:guid>/plans/<uuid:plan_guid>/reschedule": (L, 409, 409, 409),
    "reschedules/<int:pk>/": (L, 404, 404, 404),
    "reschedules/<int:pk>/approve": (L, 405, 405, 405),
    "reschedules/<int:pk>/resume": (L, 405, 405, 405),
    "reschedules/<int:pk>/reject": (L, 405, 405, 405),
    "reschedules/<int:pk>/abandon": (L, 405, 405, 405),
    "work/": (L, 200, 200, 200),
    "work/balances": (L, to("/work/"), to("/work/"), to("/work/")),
    "work/next": (L, to("/work/"), to("/work/"), to("/work/")),
    "work/followups/<int:pk>/take": (L, 405, 405, 405),
    "team/": (L, 403, 200, 200),
    "team/reassign": (L, 405, 405, 405),
    "debtors/<uuid:guid>/followups": (L, 200, 200, 200),
    "debtors/<uuid:guid>/followups/<int:pk>/complete": (L, 405, 405, 405),
    "debtors/<uuid:guid>/contacts": (L, 200, 200, 200),
    "debtors/<uuid:guid>/promises": (L, 200, 200, 200),
    "debtors/<uuid:guid>/timeline": (L, 200, 200, 200),
    "audit/": (L, 403, 403, 200),
    "audit/<int:entry_id>/": (L, 403, 403, 200),
    "audit/export.<str:fmt>": (L, 403, 403, 200),
    "audit/integrity/": (L, 403, 403, 200),
    # Background jobs (admins); the walk's job id does not exist: 404 once the role is checked.
    "jobs/": (L, 403, 403, 200),
    "jobs/start": (L, 405, 405, 405),
    "jobs/<int:job_id>/": (L, 403, 403, 404),
    "jobs/<int:job_id>/row": (L, 403, 403, 404),
    "jobs/<int:job_id>/retry": (L, 405, 405, 405),
    "jobs/<int:job_id>/download": (L, 403, 403, 404),
    # Django admin: the admin role only (staff); the others are sent to its sign-in.
    "admin/": (AL, AL, AL, 200),
    "admin/login/": (200, 200, 200, to("/admin/")),
    "admin/logout/": (AL, to("/admin/"), to("/admin/"), 405),
    "admin/password_change/": (AL, AL, AL, 200),
    "admin/password_change/done/": (AL, AL, AL, 200),
    "admin/autocomplete/": (AL, AL, AL, 403),
    "admin/jsi18n/": (AL, AL, AL, 200),
    "admin/r/<path:content_type_id>/<path:object_id>/": (AL, AL, AL, 404),
    **_admin_model("auth/group"),
    # No attempts or failures are recorded: their object pages go back to the index (the
    # admin role may delete attempts, to lift a lockout; failures it may not delete at all).
    **_admin_model("axes/accessattempt", **{"<path:object_id>/history/": GONE,
                                            "<path:object_id>/delete/": GONE,
                                            "<path:object_id>/change/": GONE}),
    **_admin_model("axes/accesslog"),
    **_admin_model("axes/accessfailurelog", **{"<path:object_id>/history/": GONE,
                                               "<path:object_id>/change/": GONE}),
    "admin/auth/user/<id>/password/": (L, AL, AL, 200),
    **_admin_model("auth/user", **{"add/": (L, AL, AL, 200),
                                   "<path:object_id>/delete/": (L, AL, AL, 200)}),
    **_admin_model("audit/auditentry"),  # read-only: no add, no delete
    "admin/re:^(?P<app_label>auth|axes|audit)/$": (AL, AL, AL, 200),
    "admin/re:(?P<url>.*)$": (AL, AL, AL, 404),
    # The sandbox: bearer tokens only (a session is no credential there); the token endpoint
    # takes client credentials by POST.
    "sandbox/oauth/token": (405, 405, 405, 405),
}
_SANDBOX_BEARER = [route for route, _name in every_route()
                   if route.startswith("sandbox/") and route != "sandbox/oauth/token"]
EXPECTED.update({route: (401, 401, 401, 401) for route in _SANDBOX_BEARER})


def expectation(route: str, role: str, seeded: Seeded) -> object:
    expected = EXPECTED[route][ROLES.index(role)]
    if expected == "-> its change page":
        model = route.removeprefix("admin/").removesuffix("/<path:object_id>/")
        return to(f"/admin/{model}/{seeded.admin_object(model)}/change/")
    return expected


def outcome(response, path: str) -> object:
    """The answer as the table writes it."""
    location = response.get("Location", "")
    if response.status_code == 302 and location.startswith("/accounts/login/?next="):
        return L
    if response.status_code == 302 and location.startswith("/admin/login/?next="):
        return AL
    if response.status_code == 302:
        return to(location)
    return response.status_code


@pytest.fixture
def seeded(aptic, sandbox_api, agent_client, agent_user) -> Seeded:
    debtor = sandbox_api.create_debtor(idNumber="19811228-9874")
    guid = debtor["debtorGuid"]
    case = sandbox_api.add_case(guid, remainingPrincipal=10000.00, interestRate=12.0)
    address = sandbox_api.http.post(f"/debtors/{guid}/addresses", json={
        "addressType": "WORK", "city": "Lund", "countryCode": "SE"})
    extra = sandbox_api.http.post(f"/debtors/{guid}/extrafields",
                                  json={"name": "segment", "value": ["gold"]})
    assert address.status_code == extra.status_code == 201
    debtor["cases"] = [case]
    proposal = propose(agent_client, debtor)
    saved = SavedSearch.objects.create(owner=agent_user, name="mine", params={"q": "Lind"})
    return Seeded(
        debtor=guid, case=case["caseGuid"], address=address.json()["addressGuid"],
        extra_field="segment", plan=proposal.plan_guid, proposal=proposal.pk,
        saved_search=saved.pk, audit_entry=AuditEntry.objects.latest("pk").pk,
        user=agent_user.pk, group=Group.objects.order_by("pk").first().pk,
        access_log=AccessLog.objects.latest("pk").pk,
        user_content_type=ContentType.objects.get_for_model(User).pk,
    )


def test_every_url_has_an_expectation():
    routes = {route for route, _name in every_route()}
    assert routes - EXPECTED.keys() == set(), "new URLs need a row in EXPECTED"
    assert EXPECTED.keys() - routes == set(), "rows for URLs that no longer exist"


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_as_expected(role, seeded, request):
    client = Client()
    if role != "anonymous":
        client.force_login(request.getfixturevalue(f"{role}_user"))
    wrong = []
    for route, name in every_route():
        path = concrete_path(route, name, seeded)
        got = outcome(client.get(path), path)
        expected = expectation(route, role, seeded)
        if got != expected:
            wrong.append(f"{path}: {got!r}, expected {expected!r}")
    assert not wrong, "\n".join(wrong)


def test_anonymous_sign_in_redirects_name_the_page(seeded):
    answer = Client().get(f"/debtors/{seeded.debtor}/edit/")
    assert answer["Location"] == f"/accounts/login/?next=/debtors/{seeded.debtor}/edit/"


def test_every_browser_post_is_refused_without_a_csrf_token(seeded, admin_user,
                                                            csrf_client_factory, sandbox_api):
    """Signed in as the admin, without the token: 403 before any view runs, nothing changes.
    The sandbox's API is CSRF-exempt by design (bearer tokens, no cookies): 401 there."""
    client = csrf_client_factory(admin_user)
    entries = AuditEntry.objects.count()
    plans_before = sandbox_api.http.get(f"/debtors/{seeded.debtor}/paymentplans").json()
    wrong = []
    for route, name in every_route():
        path = concrete_path(route, name, seeded)
        answer = client.post(path, {"reason": "x", "name": "y", "fingerprint": ""})
        if route.startswith("sandbox/"):  # no bearer token (or client credentials): 401
            expected_ok = answer.status_code == 401
        else:
            expected_ok = answer.status_code == 403 and b"CSRF" in answer.content
        if not expected_ok:
            wrong.append(f"POST {path}: {answer.status_code}")
    assert not wrong, "\n".join(wrong)
    assert AuditEntry.objects.count() == entries
    assert sandbox_api.http.get(f"/debtors/{seeded.debtor}/paymentplans").json() == plans_before
    assert SavedSearch.objects.filter(pk=seeded.saved_search).exists()


# --- Hostile input ---------------------------------------------------------------------------

HOSTILE = [
    "') or (1 eq 1",
    "' or ''='",
    "x' or contains(fullName,'')",
    "Lind') or true or ('",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "%27%20or%201%20eq%201",
    "$filter=true",
    "\\",
    "' ; DROP TABLE sandbox_debtor; --",
    "x" * 10_000,
    "Ångström Ærø Øre ß İ ﬁ 🙂 \u202etxt\u202c עברית",
    "\u0000null",
    "*",
    "%",
    "_",
    "(",
    "1) or (1",
]


def test_hostile_search_input_never_fails_nor_finds_too_much(seeded, agent_client,
                                                               sandbox_api):
    names = {sandbox_api.create_debtor(lastname=n)["debtorGuid"]: n
             for n in ("Lindqvist", "Ekholm", "Öberg")}
    for text in HOSTILE:
        for extra in ({}, {"city": text}, {"sort": text}, {"page": text, "per_page": text}):
            params = {"q": text, **extra} if "city" not in extra else {"q": "", **extra}
            for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
                answer = agent_client.get("/debtors/", params, **headers)
                assert answer.status_code == 200, (text[:40], extra.keys(), answer.status_code)
                html = answer.content.decode()
                found = [guid for guid in names if guid in html]
                assert not found, (text[:40], [names[g] for g in found])
                assert "<script>alert(1)</script>" not in html
                assert '"><img src=x onerror=alert(1)>' not in html
    # The search itself still works.
    assert "Lindqvist" in agent_client.get("/debtors/", {"q": "Lindqvist"}).content.decode()


# --- Markup injected into every field ------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
SHORT = '"><svg/onload=1>'  # for the 20-character fields
RAW = (SCRIPT, IMG, SHORT)
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
LONG_FIELDS = ("fullName", "firstname", "middlename", "lastname", "nameSuffix", "domicile",
               "placeOfBirth", "idNumber", "vatNumber", "homePhone", "workPhone",
               "cellularPhone", "telefax", "conversationNotificationCellularPhone", "street",
               "city", "fullAddress")
SHORT_FIELDS = ("municipalCode", "naceCode", "houseNo", "houseNoExtension", "zipCode",
                "stateCode")


def _hostile_debtor(sandbox_api) -> tuple[dict, set[str]]:
    """A person with markup in every free-text field; returns it and the fields the sandbox
    refused to take markup in (given plain values instead)."""
    body = {name: (SCRIPT if i % 2 else IMG) for i, name in enumerate(LONG_FIELDS)}
    body.update({name: SHORT for name in SHORT_FIELDS})
    body["lastname"] = "Xssmark" + SCRIPT
    body.pop("fullName")  # a person's full name is made of the name parts
    body["email"] = f'"{SCRIPT}"@example.com'
    body["conversationNotificationEmail"] = f'"{IMG}"@example.com'
    body.update(juridicalType=0, countryCode="SE", currencyCode="SEK")
    answer = sandbox_api.http.post("/debtors", json=body)
    refused = set(answer.json().get("errors", {})) if answer.status_code == 400 else set()
    if refused:
        body.update({name: "x@example.com" if "mail" in name.lower() else "plain"
                     for name in refused})
        answer = sandbox_api.http.post("/debtors", json=body)
    assert answer.status_code == 201, answer.text
    return answer.json(), refused


def test_markup_in_every_debtor_field_is_escaped_on_every_page(
        aptic, sandbox_api, agent_client, admin_client_role, admin_user):
    from backoffice.gateway import get_gateway
    from backoffice.request_context import acting_as

    debtor, refused = _hostile_debtor(sandbox_api)
    assert refused <= {"conversationNotificationEmail", "email"}, refused
    guid = debtor["debtorGuid"]
    address = sandbox_api.http.post(f"/debtors/{guid}/addresses", json={
        "addressType": "POSTAL", "fullName": SCRIPT, "street": IMG, "city": SCRIPT,
        "houseNo": SHORT, "zipCode": SHORT, "countryCode": "SE"})
    assert address.status_code == 201, address.text
    extra = sandbox_api.http.post(f"/debtors/{guid}/extrafields",
                                  json={"name": "xss", "value": [SCRIPT, IMG]})
    assert extra.status_code == 201, extra.text
    case = sandbox_api.add_case(guid, remainingPrincipal=5000.00, interestRate=10.0,
                                clientName=SCRIPT, description=IMG, service=SHORT,
                                subStatus=SHORT, clientReferenceNumber=IMG)
    debtor["cases"] = [case]
    proposal = propose(agent_client, debtor, note=IMG)
    with acting_as(admin_user):  # an audited change whose before/after hold the markup
        gw = get_gateway()
        gw.debtor_update(guid, {"first_name": IMG + "2"})
    entry = AuditEntry.objects.filter(action="debtor.update").latest("pk")

    d, a, p = f"/debtors/{guid}", address.json()["addressGuid"], proposal.plan_guid
    pages = {  # path -> must show the markup escaped (not just leave it out)
        "/debtors/?q=Xssmark": True, f"{d}/": True, f"{d}/edit/": True,
        f"{d}/cases/{case['caseGuid']}/": True, f"{d}/addresses/": True,
        f"{d}/addresses/{a}/edit/": False, f"{d}/extrafields/": True,
        f"{d}/extrafields/xss/edit/": False, f"{d}/delete/": True, f"{d}/plans/": False,
        f"{d}/plans/new": True, f"{d}/plans/settle": True, "/approvals/": True,
        f"/approvals/{proposal.pk}/": True,
        "/proposals/mine/": False, f"{d}/plans/{p}/agreement": True,
        f"{d}/plans/{p}/payments": False, "/audit/": False, f"/audit/{entry.pk}/": True,
    }
    seen_escaped = []
    for path, must_show in pages.items():
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            answer = admin_client_role.get(path, **headers)
            assert answer.status_code == 200, (path, answer.status_code)
            html = answer.content.decode()
            leaked = [raw for raw in RAW if raw in html]
            assert not leaked, (path, headers, leaked)
            if must_show and not headers:
                assert ESCAPED_SCRIPT in html or "&quot;&gt;&lt;img" in html, path
                seen_escaped.append(path)
    recalculation = admin_client_role.post(
        f"{d}/plans/new", {"payment_plan_type": "1", "number_of_payments": "6",
                                     "cases": [case["caseGuid"]], "payments-TOTAL_FORMS": "0",
                                     "payments-INITIAL_FORMS": "0"}, HTTP_HX_REQUEST="true")
    assert recalculation.status_code == 200
    assert not [raw for raw in RAW if raw in recalculation.content.decode()]
    agent_view = agent_client.get(f"{d}/").content.decode()  # masked fields, agent's page
    assert not [raw for raw in RAW if raw in agent_view] and ESCAPED_SCRIPT in agent_view
    assert len(seen_escaped) == sum(pages.values())


# --- Production mode -------------------------------------------------------------------------

PRODUCTION_PROBE = """
import json, re
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0, interactive=False)
call_command("collectstatic", verbosity=0, interactive=False)
from django.contrib.auth.models import User
User.objects.create_user("probe", password="probe-Secret-2718")
from django.test import Client

def cookie(response, name):
    morsel = response.cookies.get(name)
    return None if morsel is None else {
        "secure": bool(morsel["secure"]), "httponly": bool(morsel["httponly"]),
        "samesite": morsel["samesite"]}

client = Client()
plain = client.get("/accounts/login/")
page = client.get("/accounts/login/", secure=True)
signed_in = client.post("/accounts/login/", {"username": "probe",
                        "password": "probe-Secret-2718"}, secure=True)
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location", "")],
    "page": page.status_code,
    "headers": {k: page.get(k, "") for k in (
        "Content-Security-Policy", "Strict-Transport-Security", "X-Frame-Options",
        "X-Content-Type-Options", "Referrer-Policy", "Cross-Origin-Opener-Policy")},
    "csrf_cookie": cookie(page, "csrftoken"),
    "signed_in": [signed_in.status_code, signed_in.get("Location", "")],
    "session_cookie": cookie(signed_in, "sessionid"),
}))
"""


def test_production_mode_sets_secure_cookies_and_security_headers(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DJANGO_", "DATABASE_URL", "SANDBOX_", "CACHE_URL", "APTIC_"))}
    env.update(DJANGO_SETTINGS_MODULE="backoffice.settings", DJANGO_DEBUG="false",
               DJANGO_SECRET_KEY=secrets.token_urlsafe(60), DJANGO_ALLOWED_HOSTS="testserver",
               COLLECT_DESK_VAR_DIR=str(tmp_path), LOG_LEVEL="ERROR",
               DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}")
    result = subprocess.run([sys.executable, "-c", PRODUCTION_PROBE], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])

    assert seen["plain"] == [301, "https://testserver/accounts/login/"]  # TLS only
    assert seen["page"] == 200
    headers = seen["headers"]
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert "max-age=31536000" in headers["Strict-Transport-Security"]
    assert "includeSubDomains" in headers["Strict-Transport-Security"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert seen["csrf_cookie"] == {"secure": True, "httponly": True, "samesite": "Lax"}
    assert seen["signed_in"][0] == 302
    assert seen["session_cookie"] == {"secure": True, "httponly": True, "samesite": "Lax"}
