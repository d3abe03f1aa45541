"""`make run`: migrate, load the demo data, start the sandbox, the app and the jobs worker, then
seed the demo agents' day (it reads the sandbox over HTTP); Ctrl-C stops all.

Every step runs as a `manage.py` subprocess: the sandbox is its own program here (the app
code never imports it), and each server gets a process group of its own so that stopping
it stops everything it spawned.
"""

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from backoffice.management.commands.seed_demo_users import DEMO_USERS

HOST = "127.0.0.1"
# `make run SSO=1`: the test OpenID provider (tests/oidc_provider) and its demo accounts, whose
# groups map to the three roles (and one to none, to see the refusal).
PROVIDER_DIR = Path(settings.BASE_DIR) / "tests" / "oidc_provider"
SSO_CLIENT = ("collect-desk-demo", "collect-desk-demo-secret")
SSO_ROLE_GROUPS = "agent:collectors,supervisor:team-leads,admin:desk-admins"
SSO_ACCOUNTS = {
    "anna": ("Anna Agent", ["collectors"]),
    "tove": ("Tove Teamlead", ["team-leads"]),
    "ida": ("Ida Admin", ["desk-admins"]),
    "nils": ("Nils Nogroup", ["marketing"]),
}


def sso_accounts() -> dict:
    """The demo provider's accounts file: any password signs them in."""
    return {login: {"sub": f"demo-{login}", "claims": {
        "preferred_username": login, "email": f"{login}@agency.example", "name": name,
        "groups": groups}} for login, (name, groups) in SSO_ACCOUNTS.items()}


@dataclass(frozen=True)
class Server:
    """A process to start and keep running. One with a port is ready when `probe_path`
    answers; one without (the jobs worker) when it is still alive after `alive_after` s."""

    name: str
    argv: list[str]
    probe_port: int | None = None
    probe_path: str = ""
    env: dict[str, str] = field(default_factory=dict)
    alive_after: float = 2.0


@dataclass(frozen=True)
class DeskPlan:
    """What `run_desk` does, in order: setup commands, then the servers, sandbox first, then
    the `after_start` commands, which need the sandbox answering (with their env)."""

    setup: list[list[str]]
    servers: list[Server]
    app_url: str
    after_start: list[tuple[list[str], dict[str, str]]] = field(default_factory=list)


def sso_accounts_path() -> Path:
    return Path(settings.BASE_DIR) / "var" / "demo-sso-accounts.json"


def desk_plan(
    *,
    port: int,
    sandbox_port: int,
    debtors: int,
    seed: int = 42,
    mfa: bool = False,
    sso_port: int | None = None,
    python: str = sys.executable,
    manage: Path | None = None,
) -> DeskPlan:
    manage_py = [python, str(manage or Path(settings.BASE_DIR) / "manage.py")]
    sandbox_root = f"http://{HOST}:{sandbox_port}/sandbox"
    aptic_env = {
        "APTIC_BASE_URL": f"{sandbox_root}/api/v1",
        "APTIC_TOKEN_URL": f"{sandbox_root}/oauth/token",
    }
    # The demo's supervisor and admin sign in with the password alone unless asked (trainees
    # have no authenticator for them); MFA_REQUIRED_ROLES in the environment still wins.
    app_env = {**aptic_env}
    if not mfa and "MFA_REQUIRED_ROLES" not in os.environ:
        app_env["MFA_REQUIRED_ROLES"] = ""
    provider: list[Server] = []
    setup_sso: list[list[str]] = []
    if sso_port is not None:
        issuer = f"http://{HOST}:{sso_port}"
        app_url = f"http://{HOST}:{port}"
        app_env.update({
            "OIDC_ISSUER": issuer, "OIDC_CLIENT_ID": SSO_CLIENT[0],
            "OIDC_CLIENT_SECRET": SSO_CLIENT[1], "OIDC_SCOPES": "openid profile email groups",
            "OIDC_ROLE_GROUPS": SSO_ROLE_GROUPS, "OIDC_PROVIDER_NAME": "the demo provider",
        })
        provider = [Server(
            name="provider",
            argv=["node", str(PROVIDER_DIR / "server.mjs")],
            probe_port=sso_port,
            probe_path="/.well-known/openid-configuration",
            env={"PORT": str(sso_port), "ACCOUNTS_FILE": str(sso_accounts_path()),
                 "CLIENT_ID": SSO_CLIENT[0], "CLIENT_SECRET": SSO_CLIENT[1],
                 "REDIRECT_URIS": f"{app_url}/accounts/sso/callback/",
                 "POST_LOGOUT_REDIRECT_URIS": f"{app_url}/accounts/login/"},
        )]
        if not (PROVIDER_DIR / "node_modules" / "oidc-provider").exists():
            setup_sso = [["npm", "ci", "--prefix", str(PROVIDER_DIR), "--no-audit", "--no-fund"]]
    return DeskPlan(
        setup=[
            [*manage_py, "migrate", "--noinput"],
            [*manage_py, "migrate", "--database", "sandbox", "--noinput"],
            [*manage_py, "sandbox_seed", "--debtors", str(debtors), "--seed", str(seed)],
            [*manage_py, "seed_demo_users"],
            *setup_sso,
        ],
        servers=[
            Server(
                name="sandbox",
                argv=[*manage_py, "sandbox_serve", "--port", str(sandbox_port)],
                probe_port=sandbox_port,
                probe_path="/sandbox/api/v1/ping",
            ),
            *provider,
            Server(
                name="app",
                argv=[*manage_py, "runserver", f"{HOST}:{port}", "--noreload"],
                probe_port=port,
                probe_path="/healthz",
                env=app_env,
            ),
            # The background jobs' worker (it reads Aptic for the promise check).
            Server(
                name="worker",
                argv=[*manage_py, "db_worker", "--no-reload", "--interval", "1"],
                env=aptic_env,
            ),
        ],
        app_url=f"http://{HOST}:{port}",
        after_start=[([*manage_py, "seed_demo_day"], aptic_env)],
    )


# --- Processes -----------------------------------------------------------------------------------


class _Stop(Exception):
    """Raised in the main thread when SIGTERM or SIGHUP arrives."""


def _raise_stop(signum, frame) -> None:
    raise _Stop(signal.Signals(signum).name)


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the child gets SIGTERM if run_desk itself is killed outright."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def start_server(argv: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
    """Starts `argv` as the leader of a new process group (session)."""
    return subprocess.Popen(  # noqa: S603 - our own manage.py with fixed arguments
        argv,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        start_new_session=True,
        preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
    )


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop_process_group(proc: subprocess.Popen, *, timeout: float = 10.0) -> None:
    """SIGTERM to the whole group, SIGKILL to what is left after `timeout`; reaps the leader."""
    pgid = proc.pid
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None and not _group_alive(pgid):
            return
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)
    proc.wait()


def port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((HOST, port)) == 0


def wait_until_answers(server: Server, proc: subprocess.Popen, *, timeout: float = 90.0) -> None:
    """Polls the server's probe path until any HTTP answer comes back; a server without a
    port only has to stay alive for `alive_after` seconds."""
    if server.probe_port is None:
        try:
            proc.wait(timeout=server.alive_after)
        except subprocess.TimeoutExpired:
            return
        raise CommandError(f"The {server.name} exited with status {proc.returncode}.")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise CommandError(f"The {server.name} server exited with status {proc.returncode}.")
        connection = http.client.HTTPConnection(HOST, server.probe_port, timeout=2)
        try:
            connection.request("GET", server.probe_path)
            connection.getresponse().read()
            return
        except (OSError, http.client.HTTPException):
            time.sleep(0.3)
        finally:
            connection.close()
    raise CommandError(f"The {server.name} server did not answer within {timeout:.0f} s.")


# --- The command ---------------------------------------------------------------------------------


class Command(BaseCommand):
    help = (
        "Runs Collect Desk locally: migrates both databases, loads the sandbox's demo data and "
        "the demo users, starts the sandbox, the app and the jobs worker. Ctrl-C stops "
        "everything."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000, help="the app's port (8000)")
        parser.add_argument(
            "--sandbox-port", type=int, default=8001, help="the sandbox's port (8001)"
        )
        parser.add_argument(
            "--debtors", type=int, default=300, help="demo debtors in the sandbox (300)"
        )
        parser.add_argument("--seed", type=int, default=42, help="demo data seed (42)")
        parser.add_argument(
            "--mfa", action="store_true",
            help="supervisors and admins must set up two-factor sign-in, as in production",
        )
        parser.add_argument(
            "--sso", action="store_true",
            help="also start the test OpenID provider and sign in through it (port --sso-port)",
        )
        parser.add_argument("--sso-port", type=int, default=8002,
                            help="the test OpenID provider's port (8002)")
        parser.add_argument(
            "--plan", action="store_true", help="print what would run, and run nothing"
        )

    def handle(self, *args, **options) -> None:
        if options["port"] == options["sandbox_port"]:
            raise CommandError("--port and --sandbox-port must differ.")
        plan = desk_plan(
            port=options["port"],
            sandbox_port=options["sandbox_port"],
            debtors=options["debtors"],
            seed=options["seed"],
            mfa=options["mfa"],
            sso_port=options["sso_port"] if options["sso"] else None,
        )
        if options["plan"]:
            self._print_plan(plan)
            return
        if not settings.DEBUG:
            raise CommandError(
                "run_desk is for local use and is refused in production mode "
                "(DJANGO_DEBUG=false); serve the app with gunicorn instead."
            )
        if "sandbox" not in settings.DATABASES:
            raise CommandError("run_desk needs the sandbox: unset APTIC_SANDBOX or set it to true.")
        for server in plan.servers:
            if server.probe_port is not None and port_in_use(server.probe_port):
                raise CommandError(
                    f"Port {server.probe_port} for the {server.name} is already in use "
                    "(is Collect Desk running already?). Choose another with --port or "
                    "--sandbox-port."
                )
        if any(server.name == "provider" for server in plan.servers):
            path = sso_accounts_path()
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(sso_accounts(), indent=2))
        self._run(plan)

    def _print_plan(self, plan: DeskPlan) -> None:
        for argv in plan.setup:
            self.stdout.write("run:   " + " ".join(argv))
        for server in plan.servers:
            env = " ".join(f"{k}={v}" for k, v in server.env.items())
            self.stdout.write(f"serve: {env + ' ' if env else ''}{' '.join(server.argv)}")
        for argv, env_vars in plan.after_start:
            env = " ".join(f"{k}={v}" for k, v in env_vars.items())
            self.stdout.write(f"then:  {env + ' ' if env else ''}{' '.join(argv)}")
        self.stdout.write(f"app:   {plan.app_url}/")

    def _run(self, plan: DeskPlan) -> None:
        previous = {
            signum: signal.signal(signum, _raise_stop) for signum in (signal.SIGTERM, signal.SIGHUP)
        }
        running: list[tuple[Server, subprocess.Popen]] = []
        try:
            for argv in plan.setup:
                self.stdout.write(self.style.MIGRATE_HEADING(" ".join(argv[2:])))
                result = subprocess.run(argv, check=False)  # noqa: S603 - our own manage.py
                if result.returncode != 0:
                    raise CommandError(f"{' '.join(argv[2:])} failed ({result.returncode}).")
            for server in plan.servers:
                self.stdout.write(self.style.MIGRATE_HEADING(f"starting the {server.name}"))
                proc = start_server(server.argv, server.env)
                running.append((server, proc))
                wait_until_answers(server, proc)
            for argv, env in plan.after_start:
                self.stdout.write(self.style.MIGRATE_HEADING(" ".join(argv[2:])))
                result = subprocess.run(  # noqa: S603 - our own manage.py
                    argv, env={**os.environ, **env}, check=False)
                if result.returncode != 0:  # the desk still works without its demo day
                    self.stderr.write(f"{' '.join(argv[2:])} failed ({result.returncode}).")
            self._print_welcome(plan)
            while True:
                for server, proc in running:
                    if proc.poll() is not None:
                        raise CommandError(
                            f"The {server.name} server stopped (status {proc.returncode}); "
                            "stopping everything."
                        )
                time.sleep(0.5)
        except (KeyboardInterrupt, _Stop):
            self.stdout.write("\nStopping Collect Desk…")
        finally:
            for _server, proc in reversed(running):
                stop_process_group(proc)
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        self.stdout.write("Stopped.")

    def _print_welcome(self, plan: DeskPlan) -> None:
        logins = ", ".join(DEMO_USERS)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Collect Desk is running at {plan.app_url}/"))
        self.stdout.write(f"Sign in as {logins} with the password {settings.DEMO_PASSWORD!r}.")
        app = next(server for server in plan.servers if server.name == "app")
        mfa = app.env.get("MFA_REQUIRED_ROLES", os.environ.get("MFA_REQUIRED_ROLES"))
        self.stdout.write(
            "Two-factor sign-in is optional in the demo (make run MFA=1 makes it mandatory "
            "for supervisors and admins)." if mfa == "" else
            "Two-factor sign-in is mandatory for: " + (mfa or "supervisor, admin") + ".")
        if any(server.name == "provider" for server in plan.servers):
            self.stdout.write(
                "Single sign-on: “Continue with the demo provider” on the sign-in page, as "
                + ", ".join(f"{login} ({', '.join(groups)})"
                            for login, (_name, groups) in SSO_ACCOUNTS.items())
                + ", any password.")
        sandbox = plan.servers[0]
        self.stdout.write(f"The sandbox API answers at http://{HOST}:{sandbox.probe_port}/sandbox/")
        self.stdout.write("Press Ctrl-C to stop.")
