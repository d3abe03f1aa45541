"""Shared fixtures: a signed-in client per role, the sandbox over real HTTP, the gateway over it
(with short retries, or recorded), the loopback-only guard, and the browser.

The sandbox is reached over HTTP only. By default it is the one mounted in pytest-django's
live server; with `SANDBOX_MODE=standalone` it is `manage.py sandbox_serve` in a process of its
own, started once per session, which proves the same suite passes against the standalone server.
Tests create their data through the API (and the sandbox's control API), never through the ORM,
so they run unchanged in both modes.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from django.conf import settings

from backoffice.gateway import get_gateway, reset_for_tests
from backoffice.gateway.testing import Recorder, use_transport
from tests.network import LoopbackGuard, free_port

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
SANDBOX_MODE = os.environ.get("SANDBOX_MODE", "mounted")

# The live server writes headers and body separately; with Nagle's algorithm on, every
# kept-alive answer would wait for the client's delayed ACK (~40 ms a call).
from django.core.servers import basehttp  # noqa: E402

basehttp.WSGIRequestHandler.disable_nagle_algorithm = True

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls in the same
# test are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    """Tests that reach a live server get transactional access to every database."""
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        live = {"live_server", "sandbox_url", "aptic", "sandbox_api", "app_url", "page"}
        if names & live and not item.get_closest_marker("django_db"):
            item.add_marker(pytest.mark.django_db(transaction=True, databases="__all__"))


# --- Users and roles -----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache. Users are made per test and a rolled-back id is
    used again, so grants kept for an earlier test's user (or an earlier run's, on a shared
    Redis) must not reach this one."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _second_factor_optional(settings):
    """The suite signs supervisors and admins in with force_login or a password alone, so the
    second factor is optional here; tests/signin/two_factor switch the requirement back on
    (`settings.MFA_REQUIRED_ROLES = ("supervisor", "admin")`, production's default)."""
    settings.MFA_REQUIRED_ROLES = ()


def _make_user(username: str, role: str | None):
    from django.contrib.auth.models import Group, User

    from backoffice.roles import sync_role_groups

    sync_role_groups()
    user = User.objects.create_user(username=username, password="pw-" + username)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def _user_fixture(username: str, role: str | None):
    """A fixture that makes `username` (password "pw-<username>") in the group `role`."""

    @pytest.fixture
    def user(db):
        return _make_user(username, role)

    return user


agent_user = _user_fixture("agent1", "agent")
agent2_user = _user_fixture("agent2", "agent")
supervisor_user = _user_fixture("supervisor1", "supervisor")
admin_user = _user_fixture("admin1", "admin")
norole_user = _user_fixture("norole1", None)


def _client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def agent_client(agent_user):
    return _client_for(agent_user)


@pytest.fixture
def supervisor_client(supervisor_user):
    return _client_for(supervisor_user)


@pytest.fixture
def admin_client_role(admin_user):
    return _client_for(admin_user)


@pytest.fixture
def csrf_client_factory():
    """Clients that enforce CSRF as a browser would see it."""
    from django.test import Client

    def make(user=None):
        client = Client(enforce_csrf_checks=True)
        if user is not None:
            client.force_login(user)
        return client

    return make


# --- The sandbox over HTTP -----------------------------------------------------------------------


def _wait_for(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1.0)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


@pytest.fixture(scope="session")
def _standalone_sandbox(tmp_path_factory):
    """`manage.py sandbox_serve` on a free port with a database of its own."""
    workdir = tmp_path_factory.mktemp("sandbox")
    port = free_port()
    env = {
        **os.environ,
        "APTIC_SANDBOX": "true",
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{workdir / 'backoffice.sqlite3'}",
        "SANDBOX_DATABASE_URL": os.environ.get("STANDALONE_SANDBOX_DATABASE_URL")
        or f"sqlite:///{workdir / 'sandbox.sqlite3'}",
        "SANDBOX_TOKEN_TTL": os.environ.get("SANDBOX_TOKEN_TTL", "3600"),
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--database", "sandbox", "-v", "0"], env=env, check=True)
    log = open(workdir / "sandbox.log", "wb")  # noqa: SIM115 - closed at teardown
    proc = subprocess.Popen(
        [*manage, "sandbox_serve", "--port", str(port)], env=env, stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}/sandbox"
    try:
        _wait_for(f"{url}/api/v1/ping")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


@pytest.fixture
def sandbox_url(request) -> str:
    """Root URL of a running sandbox, e.g. http://127.0.0.1:PORT/sandbox."""
    if SANDBOX_MODE == "standalone":
        return request.getfixturevalue("_standalone_sandbox")
    live_server = request.getfixturevalue("live_server")
    return f"{live_server.url}/sandbox"


@pytest.fixture
def sandbox_token(sandbox_url) -> str:
    answer = httpx.post(
        f"{sandbox_url}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(settings.SANDBOX_CLIENT_ID, settings.SANDBOX_CLIENT_SECRET),
        timeout=10,
    )
    answer.raise_for_status()
    return answer.json()["access_token"]


class SandboxApi:
    """A raw HTTP client for the sandbox with a valid token, for arranging test data."""

    def __init__(self, root: str, token: str):
        self.root = root
        self.base = f"{root}/api/v1"
        self.http = httpx.Client(
            base_url=self.base, headers={"Authorization": f"Bearer {token}"}, timeout=15
        )
        self.control = httpx.Client(
            base_url=f"{root}/control", headers={"Authorization": f"Bearer {token}"}, timeout=15
        )

    def create_debtor(self, **fields) -> dict:
        body = {"juridicalType": 0, "firstname": "Test",
                "lastname": f"Person {uuid.uuid4().hex[:8]}",
                "countryCode": "SE", "currencyCode": "SEK", "city": "Uppsala", **fields}
        answer = self.http.post("/debtors", json=body)
        assert answer.status_code == 201, answer.text
        return answer.json()

    def add_case(self, debtor_guid: str, **fields) -> dict:
        body = {"debtorGuid": debtor_guid, "clientName": "Test Client AB", "currencyCode": "SEK",
                "remainingPrincipal": 10000.00, "remainingInterest": 0, "remainingFee": 0,
                "interestRate": 12.0, **fields}
        answer = self.control.post("/cases", json=body)
        assert answer.status_code == 201, answer.text
        return answer.json()

    def pay(self, debtor_guid: str, amount, case_guid: str | None = None) -> dict:
        """A payment through the control API (fee, interest, then principal); its answer."""
        body = {"debtorGuid": debtor_guid, "amount": str(amount)}
        if case_guid is not None:
            body["caseGuid"] = case_guid
        answer = self.control.post("/payments", json=body)
        assert answer.status_code == 201, answer.text
        return answer.json()

    def set_faults(self, **faults) -> None:
        answer = self.control.put("/faults", json=faults)
        assert answer.status_code in (200, 204), answer.text

    def clear_faults(self) -> None:
        answer = self.control.delete("/faults")
        assert answer.status_code in (200, 204), answer.text

    def close(self) -> None:
        self.http.close()
        self.control.close()


@pytest.fixture
def sandbox_api(sandbox_url, sandbox_token):
    api = SandboxApi(sandbox_url, sandbox_token)
    yield api
    try:
        api.clear_faults()
    finally:
        api.close()


@pytest.fixture(autouse=True)
def _no_stray_upstream(settings):
    """Tests that did not ask for the sandbox reach no server at all (a closed port answers
    at once), never whatever happens to listen on the default port 8000."""
    settings.APTIC_BASE_URL = "http://127.0.0.1:9/sandbox/api/v1"
    settings.APTIC_TOKEN_URL = "http://127.0.0.1:9/sandbox/oauth/token"
    # Test users need no slow password hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def aptic(sandbox_url, settings):
    """Points the back-office's gateway at the test sandbox, with cold caches."""
    settings.APTIC_BASE_URL = f"{sandbox_url}/api/v1"
    settings.APTIC_TOKEN_URL = f"{sandbox_url}/oauth/token"
    settings.APTIC_CLIENT_ID = settings.SANDBOX_CLIENT_ID
    settings.APTIC_CLIENT_SECRET = settings.SANDBOX_CLIENT_SECRET
    from django.core.cache import cache

    cache.clear()
    reset_for_tests()
    yield sandbox_url
    reset_for_tests()


@pytest.fixture
def short_retries(settings):
    """Retries that wait milliseconds, and a breaker that does not open during a test (tests
    about the breaker lower it themselves)."""
    settings.APTIC_RETRY_WAIT_INITIAL = 0.01
    settings.APTIC_RETRY_WAIT_MAX = 0.05
    settings.APTIC_RETRY_WAIT_JITTER = 0.0
    settings.APTIC_RETRY_ATTEMPTS = 2
    settings.APTIC_RETRY_BUDGET = 2.0
    settings.APTIC_BREAKER_FAIL_MAX = 1000


@pytest.fixture
def gw(aptic, short_retries):
    """The app's gateway over the test sandbox, with short retries."""
    return get_gateway()


@pytest.fixture
def upstream(aptic, short_retries):
    """The app's gateway over the test sandbox with short retries, its every API request
    recorded by a `Recorder` (the client is then `get_gateway()`, not `gw`)."""
    with use_transport(Recorder()) as recorder:
        yield recorder


# --- The network ---------------------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def socket_guard():
    """No test reaches beyond loopback (see tests/network.py)."""
    with pytest.MonkeyPatch.context() as patch:
        guard = LoopbackGuard()
        guard.install(patch)
        yield guard


@pytest.fixture(autouse=True)
def _loopback_only(socket_guard):
    """Fails the test that tried to leave loopback, even where its code caught the refusal."""
    socket_guard.refused.clear()
    yield
    if socket_guard.refused:
        pytest.fail("the test tried to leave loopback: " + "; ".join(socket_guard.refused))


# --- The browser ----------------------------------------------------------------------------------

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def app_url(live_server, aptic) -> str:
    """The app under test in the live server, talking to the test sandbox."""
    return live_server.url


@pytest.fixture
def page(browser, app_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def login(app_url):
    """Signs a page in as the given user through the real sign-in form."""

    def sign_in(page, user, password: str | None = None):
        page.goto(f"{app_url}/accounts/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password or "pw-" + user.username)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state("networkidle")

    return sign_in


@pytest.fixture
def screenshot():
    """Saves a full-page screenshot under test-artifacts/ (CI keeps them)."""
    ARTIFACTS.mkdir(exist_ok=True)

    def save(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


@pytest.fixture
def axe_check():
    """Runs axe-core on the page and fails on any serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page, label: str = "") -> None:
        results = axe.run(page)
        bad = [
            v
            for v in results.response["violations"]
            if v.get("impact") in ("serious", "critical")
        ]
        summary = "; ".join(
            f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}" for v in bad
        )
        assert not bad, f"axe found serious/critical violations on {label or page.url}: {summary}"

    return check
