"""The role matrix: every role (and anonymous, and a user without a role) against every page.

Each row is one page; a new page adds a row. An expectation is a status
code, LOGIN (a redirect to the sign-in page with ?next=), ADMIN_LOGIN (Django admin's own
sign-in) or `to(url)` (a redirect elsewhere).
"""

import re
from dataclasses import dataclass

import pytest
from django.test import Client

from backoffice import roles

ROLES = ("anonymous", "norole", "agent", "supervisor", "admin")
LOGIN = "login"
ADMIN_LOGIN = "admin-login"


@dataclass(frozen=True)
class Redirect:
    url: str


def to(url: str) -> Redirect:
    return Redirect(url)


HOME = to("/")
MY_DAY = to("/work/")

# path                            anonymous    norole       agent        supervisor   admin
PAGES = [
    ("/",                          LOGIN,       200,         MY_DAY,      MY_DAY,      MY_DAY),
    ("/accounts/login/",           200,         HOME,        HOME,        HOME,        HOME),
    ("/accounts/profile/",         LOGIN,       200,         200,         200,         200),
    ("/accounts/password_change/", LOGIN,       200,         200,         200,         200),
    ("/debtors/",                  LOGIN,       403,         200,         200,         200),
    ("/debtors/saved/",            LOGIN,       405,         405,         405,         405),
    ("/approvals/",                LOGIN,       403,         403,         200,         200),
    ("/proposals/mine/",           LOGIN,       403,         200,         200,         200),
    ("/audit/",                    LOGIN,       403,         403,         403,         200),
    ("/jobs/",                     LOGIN,       403,         403,         403,         200),
    ("/work/",                     LOGIN,       403,         200,         200,         200),
    ("/team/",                     LOGIN,       403,         403,         200,         200),
    ("/admin/",                    ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200),
    ("/admin/auth/user/",          LOGIN,       ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200),
    ("/healthz",                   200,         200,         200,         200,         200),
    ("/no-such-page/",             404,         404,         404,         404,         404),
]

MATRIX = [
    pytest.param(path, role, expected, id=f"{role}:{path}")
    for path, *row in PAGES
    for role, expected in zip(ROLES, row, strict=True)
]


@pytest.fixture
def client_for(request, db):
    """A test client signed in as the role's user (or anonymous)."""

    def make(role: str) -> Client:
        client = Client()
        if role != "anonymous":
            fixture = {"norole": "norole_user", "admin": "admin_user"}.get(role, f"{role}_user")
            user = request.getfixturevalue(fixture)
            client.force_login(user)
        return client

    return make


@pytest.mark.parametrize(("path", "role", "expected"), MATRIX)
def test_role_matrix(client_for, path, role, expected):
    response = client_for(role).get(path)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={path}"
    elif expected == ADMIN_LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/?next=")
    elif isinstance(expected, Redirect):
        assert response.status_code == 302
        assert response["Location"] == expected.url
    else:
        assert response.status_code == expected


def _nav_links(html: str) -> set[str]:
    nav = re.search(r'<nav class="main-nav".*?</nav>', html, re.S)
    return set(re.findall(r'href="([^"]+)"', nav.group(0))) if nav else set()


@pytest.mark.parametrize(
    ("role", "links"),
    [
        ("norole", set()),
        ("agent", {"/work/", "/debtors/"}),
        ("supervisor", {"/work/", "/debtors/", "/team/", "/approvals/"}),
        ("admin", {"/work/", "/debtors/", "/team/", "/approvals/", "/audit/", "/jobs/",
                   "/accounts/users/"}),
    ],
)
def test_each_role_sees_only_its_navigation(client_for, role, links):
    response = client_for(role).get("/accounts/profile/")
    assert response.status_code == 200
    assert _nav_links(response.content.decode()) == links


def test_header_names_the_user_and_role(agent_client):
    html = agent_client.get("/accounts/profile/").content.decode()
    assert 'class="user-menu__name"' in html
    assert "agent1" in html
    assert '<span class="role-tag">Agent</span>' in html


def test_anonymous_pages_show_no_navigation(client):
    html = client.get("/accounts/login/").content.decode()
    assert _nav_links(html) == set()
    assert "Sign out" not in html


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (roles.AGENT, {roles.VIEW_DEBTORS, roles.EDIT_DEBTORS, roles.REVEAL_PERSONAL_DATA,
                       roles.CALCULATE_PLANS, roles.PROPOSE_PLANS, roles.KEEP_WORKLIST}),
        (roles.SUPERVISOR, {roles.VIEW_DEBTORS, roles.EDIT_DEBTORS, roles.REVEAL_PERSONAL_DATA,
                            roles.CALCULATE_PLANS, roles.PROPOSE_PLANS, roles.APPROVE_PLANS,
                            roles.KEEP_WORKLIST, roles.MANAGE_TEAM}),
        (roles.ADMIN, set(roles.PERMISSIONS)),
    ],
)
def test_role_permissions(request, role, allowed):
    user = request.getfixturevalue(f"{role}_user")
    assert roles.user_role(user) == role
    granted = {codename for codename in roles.PERMISSIONS if roles.user_can(user, codename)}
    assert granted == allowed


def test_a_user_without_a_role_may_do_nothing(norole_user):
    assert roles.user_role(norole_user) is None
    assert not any(roles.user_can(norole_user, c) for c in roles.PERMISSIONS)


def test_superuser_counts_as_admin(django_user_model):
    boss = django_user_model.objects.create_superuser("boss", password="pw-boss")
    assert roles.user_role(boss) == roles.ADMIN


def test_admin_role_manages_users_in_django_admin(admin_client_role, agent_user):
    page = admin_client_role.get(f"/admin/auth/user/{agent_user.pk}/change/")
    assert page.status_code == 200
    assert "profile-0-language" in page.content.decode()  # the language inline


def test_agent_cannot_manage_users(agent_client, agent_user):
    response = agent_client.get(f"/admin/auth/user/{agent_user.pk}/change/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_sync_role_groups_is_idempotent(db):
    from django.contrib.auth.models import Group

    roles.sync_role_groups()
    roles.sync_role_groups()
    assert sorted(Group.objects.values_list("name", flat=True)) == sorted(roles.ROLES)
    admin = Group.objects.get(name=roles.ADMIN)
    codenames = set(admin.permissions.values_list("codename", flat=True))
    assert {"change_user", "view_user", "delete_accessattempt"} <= codenames


def test_pages_carry_the_security_headers(agent_client):
    response = agent_client.get("/accounts/profile/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert len(response["X-Request-ID"]) >= 8
