"""A real OpenID provider on loopback (tests/oidc_provider: the npm package oidc-provider),
started once per test session beside the live server, and the app configured for it."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

PROVIDER_DIR = Path(__file__).resolve().parents[2] / "oidc_provider"
CLIENT_ID, CLIENT_SECRET = "collect-desk", "collect-desk-test-secret"
ROLE_GROUPS = "agent:collectors,supervisor:team-leads,admin:desk-admins,agent:interns"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Accounts:
    """The provider's accounts, in the JSON file it reads at every sign-in."""

    def __init__(self, path: Path):
        self.path = path
        self.data: dict = {}
        self.save()

    def add(self, login: str, *, groups: list[str], sub: str = "", email: str = "",
            name: str = "") -> None:
        self.data[login] = {"sub": sub or f"sub-{login}", "claims": {
            "preferred_username": login, "email": email or f"{login}@agency.test",
            "name": name or login.title() + " Tester", "groups": groups}}
        self.save()

    def set_groups(self, login: str, groups: list[str]) -> None:
        self.data[login]["claims"]["groups"] = groups
        self.save()

    def save(self) -> None:
        self.path.write_text(json.dumps(self.data))


@pytest.fixture(scope="session")
def oidc_provider(live_server, tmp_path_factory):
    """(issuer URL, Accounts): the provider, its redirect URIs those of the live server."""
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").exists():
        npm = shutil.which("npm")
        assert npm, "npm is needed for the OpenID provider of the SSO tests"
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=PROVIDER_DIR, check=True,
                       capture_output=True)
    accounts = Accounts(tmp_path_factory.mktemp("oidc") / "accounts.json")
    port = _free_port()
    env = {**os.environ, "PORT": str(port), "ACCOUNTS_FILE": str(accounts.path),
           "CLIENT_ID": CLIENT_ID, "CLIENT_SECRET": CLIENT_SECRET,
           "REDIRECT_URIS": f"{live_server.url}/accounts/sso/callback/",
           "POST_LOGOUT_REDIRECT_URIS": f"{live_server.url}/accounts/login/"}
    proc = subprocess.Popen(["node", "server.mjs"], cwd=PROVIDER_DIR, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    issuer = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{issuer}/.well-known/openid-configuration").status_code == 200:
                break
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError("the test OpenID provider did not start: "
                               + proc.stdout.read().decode(errors="replace"))
        time.sleep(0.2)
    yield issuer, accounts
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture
def sso(oidc_provider, settings):
    """The app signing in through the test provider; yields its Accounts, emptied."""
    from backoffice.signin.sso import provider

    issuer, accounts = oidc_provider
    settings.OIDC_ISSUER = issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_RP_SCOPES = "openid profile email groups"
    settings.OIDC_ROLE_GROUPS = ROLE_GROUPS
    settings.OIDC_PROVIDER_NAME = "Test IdP"
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS,
                                        "backoffice.signin.sso.backend.SsoBackend"]
    csp = {key: list(value) for key, value in settings.SECURE_CSP.items()}
    csp["form-action"].append(issuer)
    settings.SECURE_CSP = csp
    provider.forget()
    accounts.data.clear()
    accounts.save()
    yield accounts
    provider.forget()
