"""The set-up shared by bench/pages.py and bench/load.py: the app as production runs it.

- the sandbox on a server of its own (`manage.py sandbox_serve --processes 2`: calls that
  arrive together are answered on both cores, as a real host would, not one after the other
  under one interpreter lock), seeded, with a latency fault on every API call (50 ms by
  default);
- the app under gunicorn with threads (gthread) in production mode (DJANGO_DEBUG=false, static
  files collected, no TLS redirect since this is plain loopback), the cache on Redis;
- a temporary data folder (COLLECT_DESK_VAR_DIR) for both SQLite databases and the static
  files; demo users (agent, supervisor, admin) with a known password.
Everything binds to 127.0.0.1 on free ports and is stopped (process group) on exit.

`Session` is a signed-in browser stand-in over httpx: production mode marks the cookies
Secure, which a cookie jar would not send over plain http, so it keeps them itself.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
MANAGE = [PYTHON, str(ROOT / "manage.py")]
GUNICORN = str(Path(PYTHON).parent / "gunicorn")
HOST = "127.0.0.1"
CLIENT_ID = os.environ.get("SANDBOX_CLIENT_ID", "sandbox-client")
CLIENT_SECRET = os.environ.get("SANDBOX_CLIENT_SECRET", "sandbox-secret")
DEMO_PASSWORD = "bench-demo-pw"  # noqa: S105 - throwaway users in a temporary database
DEFAULT_CACHE_URL = "redis://127.0.0.1:6379/4"


@dataclass(frozen=True)
class StackOptions:
    debtors: int = 2000
    seed: int = 11
    latency_ms: int = 50
    sandbox_processes: int = 2  # sandbox_serve --processes
    workers: int = 2
    threads: int = 8
    fanout_workers: int = 32
    max_connections: int = 20  # the app's connections to Aptic (APTIC_MAX_CONNECTIONS)
    cache_url: str = DEFAULT_CACHE_URL
    keep: str | None = None


@dataclass
class Stack:
    folder: Path
    app_url: str
    sandbox_root: str
    options: StackOptions
    api: httpx.Client = field(repr=False)  # the sandbox API with the bench's own token
    control: httpx.Client = field(repr=False)

    def stats(self) -> dict:
        answer = self.control.get("/stats")
        answer.raise_for_status()
        return answer.json()

    def set_latency(self, latency_ms: int) -> None:
        self.control.put("/faults", json={"latencyMs": latency_ms}).raise_for_status()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def p50(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    return percentile(values, 0.95)


# --- Processes -------------------------------------------------------------------------------


def _run(argv: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{what} failed ({result.returncode}):\n{result.stderr[-3000:]}")


def _start(argv: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    out = open(log, "wb")  # noqa: SIM115 - the child keeps its own copy
    try:
        return subprocess.Popen(argv, env=env, stdout=out, stderr=out, start_new_session=True)
    finally:
        out.close()


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM to the process group, SIGKILL after 10 s."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def _wait_for(url: str, proc: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{url} exited ({proc.returncode}); see {log}")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {timeout:.0f} s; see {log}")


def _flush_cache(cache_url: str) -> None:
    """A cold cache: no token left over from an earlier run."""
    import redis

    redis.Redis.from_url(cache_url).flushdb()


def _environments(folder: Path, options: StackOptions, sandbox_root: str
                  ) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(sandbox, app in production mode, app setup in local mode)."""
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "APTIC_", "SANDBOX_", "DATABASE_URL", "CACHE_URL"))}
    base.update(COLLECT_DESK_VAR_DIR=str(folder), PYTHONUNBUFFERED="1", LOG_LEVEL="WARNING")
    app_db = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder / 'backoffice.sqlite3'}"
    # The sandbox in production mode too: DEBUG's query log costs it CPU on every call.
    sandbox = {
        **base, "APTIC_SANDBOX": "true", "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64), "DJANGO_ALLOWED_HOSTS": HOST,
        "DATABASE_URL": f"sqlite:///{folder / 'sandbox-own.sqlite3'}",
        "SANDBOX_DATABASE_URL": os.environ.get("BENCH_SANDBOX_DATABASE_URL")
        or f"sqlite:///{folder / 'sandbox.sqlite3'}",
    }
    app = {
        **base, "DJANGO_DEBUG": "false", "APTIC_SANDBOX": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": HOST, "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": app_db, "CACHE_URL": options.cache_url,
        "APTIC_BASE_URL": f"{sandbox_root}/api/v1",
        "APTIC_TOKEN_URL": f"{sandbox_root}/oauth/token",
        "APTIC_CLIENT_ID": CLIENT_ID, "APTIC_CLIENT_SECRET": CLIENT_SECRET,
        "APTIC_FANOUT_WORKERS": str(options.fanout_workers),
        "APTIC_MAX_CONNECTIONS": str(options.max_connections),
        "SERVER_TIMING": "true",  # each answer's app CPU (Server-Timing: app-cpu)
    }
    setup = {**app, "DJANGO_DEBUG": "true", "DEMO_PASSWORD": DEMO_PASSWORD}
    return sandbox, app, setup


@contextlib.contextmanager
def running_stack(options: StackOptions) -> Iterator[Stack]:
    folder = Path(options.keep) if options.keep else Path(tempfile.mkdtemp(prefix="desk-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    app_port, sandbox_port = free_port(), free_port()
    sandbox_root = f"http://{HOST}:{sandbox_port}/sandbox"
    app_url = f"http://{HOST}:{app_port}"
    sandbox_env, app_env, setup_env = _environments(folder, options, sandbox_root)

    print(f"Set-up in {folder}: migrating, seeding {options.debtors} debtors, static files...")
    _run([*MANAGE, "migrate", "--database", "sandbox", "--noinput"], sandbox_env,
         "sandbox migrate")
    _run([*MANAGE, "sandbox_seed", "--debtors", str(options.debtors), "--seed",
          str(options.seed)], sandbox_env, "sandbox_seed")
    _run([*MANAGE, "migrate", "--noinput"], app_env, "migrate")
    _run([*MANAGE, "collectstatic", "--noinput", "-v", "0"], app_env, "collectstatic")
    _run([*MANAGE, "seed_demo_users"], setup_env, "seed_demo_users")
    _flush_cache(options.cache_url)

    procs: list[subprocess.Popen] = []
    api = control = None
    try:
        sandbox_log = folder / "sandbox.log"
        procs.append(_start([*MANAGE, "sandbox_serve", "--port", str(sandbox_port),
                             "--processes", str(options.sandbox_processes)],
                            sandbox_env, sandbox_log))
        _wait_for(f"{sandbox_root}/api/v1/ping", procs[-1], sandbox_log)
        # The bench's own token, then the counters from zero: every token counted from here on
        # was asked for by the app (its first one when gunicorn's health check pings).
        token = httpx.post(f"{sandbox_root}/oauth/token", auth=(CLIENT_ID, CLIENT_SECRET),
                           data={"grant_type": "client_credentials"}, timeout=10)
        token.raise_for_status()
        bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
        api = httpx.Client(base_url=f"{sandbox_root}/api/v1", headers=bearer, timeout=30)
        control = httpx.Client(base_url=f"{sandbox_root}/control", headers=bearer, timeout=30)
        control.delete("/stats").raise_for_status()
        control.delete("/faults").raise_for_status()
        app_log = folder / "gunicorn.log"
        procs.append(_start([
            GUNICORN, "backoffice.wsgi:application", "--chdir", str(ROOT),
            "--worker-class", "gthread", "--workers", str(options.workers),
            "--threads", str(options.threads), "--bind", f"{HOST}:{app_port}",
            "--keep-alive", "30", "--log-level", "warning",
        ], app_env, app_log))
        _wait_for(f"{app_url}/healthz", procs[-1], app_log)
        yield Stack(folder=folder, app_url=app_url, sandbox_root=sandbox_root,
                    options=options, api=api, control=control)
    finally:
        for client in (api, control):
            if client is not None:
                client.close()
        for proc in reversed(procs):
            _stop(proc)
        if not options.keep:
            shutil.rmtree(folder, ignore_errors=True)


# --- Test data ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Portfolio:
    """Seeded debtors the benchmarks use (found through the sandbox API, before the faults)."""

    people: list[dict]  # natural persons with active cases and no active plan
    companies: list[dict]  # legal entities
    name_words: list[str]  # words of the people's names to search for


def pick_portfolio(stack: Stack, *, size: int = 30) -> Portfolio:
    people: list[dict] = []
    skip = 0
    while len(people) < size and skip < stack.options.debtors:
        rows = stack.api.get("/debtors", params={
            "$filter": "juridicalType eq 0", "$top": 100, "$skip": skip,
            "$orderby": "debtorReference"}).json()["value"]
        if not rows:
            break
        skip += len(rows)
        for row in rows:
            guid = row["debtorGuid"]
            active = stack.api.get(f"/debtors/{guid}/cases",
                                   params={"$filter": "status eq 'ACTIVE'", "$top": 1}).json()
            plans = stack.api.get(f"/debtors/{guid}/paymentplans",
                                  params={"$filter": "active eq 1", "$top": 1}).json()
            if active["total"] and not plans["total"]:
                people.append(row)
            if len(people) >= size:
                break
    companies = stack.api.get("/debtors", params={
        "$filter": "juridicalType eq 1", "$top": size}).json()["value"]
    words = [row["fullName"].split()[-1] for row in people]
    if len(people) < 5 or not companies:
        raise SystemExit("The seeded portfolio has too few suitable debtors.")
    return Portfolio(people=people, companies=companies, name_words=words)


# --- A signed-in user --------------------------------------------------------------------------

_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Session:
    """One signed-in user over its own kept-alive connection, cookies kept by hand."""

    def __init__(self, app_url: str, *, timeout: float = 30):
        self.http = httpx.Client(base_url=app_url, timeout=timeout, follow_redirects=False)
        self.cookies: dict[str, str] = {}

    def close(self) -> None:
        self.http.close()

    def _keep_cookies(self, response: httpx.Response) -> None:
        for header in response.headers.get_list("set-cookie"):
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def request(self, method: str, path: str, *, htmx: bool = False,
                data: dict | list | None = None,
                headers: dict[str, str] | None = None) -> httpx.Response:
        headers = {**(headers or {}),
                   "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if htmx:
            headers["HX-Request"] = "true"
        if method == "POST":
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        if isinstance(data, list):  # (name, value) pairs, names repeated for multiple values
            pairs = data
            data = {}
            for name, value in pairs:
                data.setdefault(name, []).append(value)
        response = self.http.request(method, path, headers=headers, data=data)
        self._keep_cookies(response)
        return response

    def get(self, path: str, **kwargs) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict | list, **kwargs) -> httpx.Response:
        return self.request("POST", path, data=data, **kwargs)

    def sign_in(self, username: str, password: str = DEMO_PASSWORD) -> None:
        page = self.get("/accounts/login/")
        match = _CSRF_INPUT.search(page.text)
        if not match:
            raise SystemExit("No CSRF token on the sign-in page.")
        answer = self.post("/accounts/login/", data={
            "username": username, "password": password, "csrfmiddlewaretoken": match[1]})
        if answer.status_code != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"Signing in as {username} failed ({answer.status_code}).")
